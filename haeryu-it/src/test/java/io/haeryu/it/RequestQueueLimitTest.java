package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With one request-handler thread and room for one waiting request ({@code num.io.threads=1},
 * {@code queued.max.requests=1}), concurrent idempotent producers with five requests in flight each still get every
 * record acknowledged once, in the order each producer sent them: a full request queue stops connections from
 * reading but never loses, reorders or deadlocks requests.
 */
@Timeout(180)
class RequestQueueLimitTest {

    private static final int PRODUCERS = 4;
    private static final int RECORDS_PER_PRODUCER = 3000;

    @RegisterExtension
    static final SharedBroker broker = SharedBroker.withOverrides(Map.of(
        "num.io.threads", "1", "queued.max.requests", "1"));

    @Test
    void concurrentProducersThroughAMinimalRequestQueueKeepEveryRecordInOrder() throws Exception {
        String topic = Clients.uniqueTopic("queue-limit");
        Clients.createTopic(broker.admin(), topic, 1);
        ExecutorService senders = Executors.newFixedThreadPool(PRODUCERS);
        List<Future<List<Long>>> acked = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            String producerName = "p" + p;
            acked.add(senders.submit(() -> send(topic, producerName)));
        }
        Map<String, List<Long>> ackedOffsets = new HashMap<>();
        for (int p = 0; p < PRODUCERS; p++) {
            ackedOffsets.put("p" + p, acked.get(p).get(120, TimeUnit.SECONDS));
        }
        senders.shutdown();

        List<ConsumerRecord<String, String>> read = Clients.readAll(broker.bootstrap(),
            Clients.partitions(topic, 1), java.time.Duration.ofSeconds(60));
        assertThat(read).hasSize(PRODUCERS * RECORDS_PER_PRODUCER);
        Map<String, List<Long>> readOffsets = new HashMap<>();
        Map<String, Integer> nextSeq = new HashMap<>();
        for (ConsumerRecord<String, String> r : read) {
            int seq = Integer.parseInt(r.value());
            assertThat(seq).as("record of %s at offset %d", r.key(), r.offset())
                .isEqualTo(nextSeq.getOrDefault(r.key(), 0));
            nextSeq.put(r.key(), seq + 1);
            readOffsets.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.offset());
        }
        assertThat(readOffsets).isEqualTo(ackedOffsets);
    }

    private static List<Long> send(String topic, String producerName) throws Exception {
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5",
                ProducerConfig.BATCH_SIZE_CONFIG, "512", ProducerConfig.LINGER_MS_CONFIG, "0"))) {
            for (int i = 0; i < RECORDS_PER_PRODUCER; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, producerName, Integer.toString(i))));
            }
            producer.flush();
        }
        List<Long> offsets = new ArrayList<>();
        for (Future<RecordMetadata> f : futures) {
            offsets.add(f.get().offset());
        }
        return offsets;
    }
}
