package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kill -9 of the broker process in the middle of a produce load, restart on the same data dir: every acknowledged
 * record is still there, exactly once, at its acknowledged offset, and per-key order holds.
 */
@Timeout(240)
class CrashRecoveryTest {

    private static final int PARTITIONS = 3;
    private static final int KEYS = 30;

    record Ack(int partition, long offset, String key, String value) {
    }

    @Test
    void acknowledgedRecordsSurviveKill9() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(Map.of("log.segment.bytes", "1048576"))) {
            String topic = Clients.uniqueTopic("crash");
            try (Admin admin = Clients.admin(broker.bootstrap())) {
                Clients.createTopic(admin, topic, PARTITIONS);
            }
            ConcurrentLinkedQueue<Ack> acked = new ConcurrentLinkedQueue<>();
            AtomicInteger ackCount = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> producerCrash = new AtomicReference<>();
            Map<String, Object> cfg = Map.of(
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                    ProducerConfig.LINGER_MS_CONFIG, "2",
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "8000",
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, "3000");
            Thread loader = new Thread(() -> {
                try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(), cfg)) {
                    long seq = 0;
                    while (!stop.get()) {
                        String key = "key-" + (seq % KEYS);
                        String value = key + ":" + seq;
                        try {
                            p.send(new ProducerRecord<>(topic, key, value), (md, err) -> {
                                if (err == null) {
                                    acked.add(new Ack(md.partition(), md.offset(), key, value));
                                    ackCount.incrementAndGet();
                                }
                            });
                        } catch (RuntimeException e) {
                            // broker gone: buffer full / metadata timeout; keep trying until told to stop
                            sleep(50);
                        }
                        seq++;
                        if (seq % 500 == 0) {
                            sleep(1); // keep the load high but leave CPU to the broker on a 2-core machine
                        }
                    }
                } catch (Throwable t) {
                    producerCrash.set(t);
                }
            }, "crash-loader");
            loader.setDaemon(true);
            loader.start();

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .until(() -> ackCount.get() >= 5000 || producerCrash.get() != null);
            assertThat(producerCrash.get()).isNull();
            int ackedBeforeKill = ackCount.get();
            broker.kill9();
            assertThat(broker.isAlive()).isFalse();
            // stop the producer while the broker is down; anything it did not get an ack for is simply unknown
            stop.set(true);
            loader.join(60_000);
            assertThat(loader.isAlive()).as("producer thread finished").isFalse();
            assertThat(ackCount.get()).as("no acks can arrive after the kill").isGreaterThanOrEqualTo(ackedBeforeKill);

            broker.restart();

            List<TopicPartition> tps = Clients.partitions(topic, PARTITIONS);
            List<ConsumerRecord<String, String>> all = Clients.readAll(broker.bootstrap(), tps, Duration.ofSeconds(90));

            Map<TopicPartition, Map<Long, ConsumerRecord<String, String>>> byOffset = new HashMap<>();
            Map<String, Integer> valueCount = new HashMap<>();
            Map<String, Long> lastSeqOfKey = new HashMap<>();
            Map<String, Integer> partitionOfKey = new ConcurrentHashMap<>();
            for (ConsumerRecord<String, String> r : all) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                assertThat(byOffset.computeIfAbsent(tp, x -> new HashMap<>()).put(r.offset(), r))
                        .as("offset %s returned twice", r.offset()).isNull();
                // everything that is there must be a well-formed record of this run
                assertThat(r.key()).as("key at %s@%d", tp, r.offset()).matches("key-\\d+");
                assertThat(r.value()).as("value at %s@%d", tp, r.offset()).startsWith(r.key() + ":");
                long seq = Long.parseLong(r.value().substring(r.value().indexOf(':') + 1));
                assertThat(seq % KEYS).isEqualTo(Long.parseLong(r.key().substring(4)));
                valueCount.merge(r.value(), 1, Integer::sum);
                Long prev = lastSeqOfKey.put(r.key(), seq);
                if (prev != null) {
                    assertThat(seq).as("order of %s", r.key()).isGreaterThan(prev);
                }
                Integer p = partitionOfKey.putIfAbsent(r.key(), r.partition());
                assertThat(p == null ? r.partition() : p).as("partition of %s", r.key()).isEqualTo(r.partition());
            }
            valueCount.forEach((v, n) -> assertThat(n).as("copies of %s", v).isEqualTo(1));
            // offsets are dense: 0..end-1 with no gaps (no transactions, no compaction)
            for (TopicPartition tp : tps) {
                Map<Long, ConsumerRecord<String, String>> m = byOffset.getOrDefault(tp, Map.of());
                for (long o = 0; o < m.size(); o++) {
                    assertThat(m).as("%s has offset %d", tp, o).containsKey(o);
                }
            }
            List<Ack> missing = new ArrayList<>();
            for (Ack a : acked) {
                ConsumerRecord<String, String> r = byOffset.getOrDefault(new TopicPartition(topic, a.partition()),
                        Map.of()).get(a.offset());
                if (r == null || !a.value().equals(r.value()) || !a.key().equals(r.key())) {
                    missing.add(a);
                }
            }
            assertThat(missing).as("acknowledged records lost or moved (of %d acked, %d read back)\n%s",
                    acked.size(), all.size(), broker.logTail(30)).isEmpty();
            assertThat(all.size()).isGreaterThanOrEqualTo(acked.size());

            // the restarted broker still takes writes, continuing after the recovered end
            try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(), Map.of())) {
                var md = p.send(new ProducerRecord<>(topic, 0, "key-0", "key-0:after")).get();
                assertThat(md.offset()).isEqualTo(byOffset.getOrDefault(tps.get(0), Map.of()).size());
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
