package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Log compaction through the broker: a compacted topic keeps the latest value per key, and a deleted key
 * (tombstone) disappears after delete.retention.ms. The cleaner never touches the active segment, so each phase
 * ends with one record on a sentinel key after segment.ms, which rolls the segment and makes the updates
 * cleanable, as in Kafka.
 */
@Timeout(180)
class CompactionTest {

    private static final int KEYS = 100;
    private static final int UPDATES = 10_000;
    private static final String SENTINEL = "_roll";

    @Test
    void compactedTopicKeepsTheLatestValuePerKeyAndDropsTombstones() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(Map.of("log.cleaner.backoff.ms", "200"));
             Admin admin = Clients.admin(broker.bootstrap())) {
            String topic = Clients.uniqueTopic("compacted");
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of(
                "cleanup.policy", "compact",
                "segment.bytes", "16384",
                "segment.ms", "100",
                "min.cleanable.dirty.ratio", "0.01",
                "delete.retention.ms", "1000")))).all().get(30, TimeUnit.SECONDS);
            TopicPartition tp = new TopicPartition(topic, 0);

            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of())) {
                for (int i = 0; i < UPDATES; i++) {
                    producer.send(new ProducerRecord<>(topic, "k" + (i % KEYS), "v" + i));
                }
                roll(producer, topic);
            }
            Map<String, String> expected = new HashMap<>();
            for (int k = 0; k < KEYS; k++) {
                expected.put("k" + k, "v" + (UPDATES - KEYS + k));
            }
            awaitCompactedView(broker.bootstrap(), tp, expected);

            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of())) {
                producer.send(new ProducerRecord<>(topic, "k0", null)).get();
                roll(producer, topic);
            }
            expected.remove("k0");
            // The tombstone itself is kept for delete.retention.ms after the clean that first sees it, then removed.
            awaitCompactedView(broker.bootstrap(), tp, expected);
        }
    }

    /** Lets segment.ms pass, then appends to a key of its own so the segment holding the updates rolls. */
    private static void roll(KafkaProducer<String, String> producer, String topic) throws Exception {
        producer.flush();
        Thread.sleep(300);
        producer.send(new ProducerRecord<>(topic, SENTINEL, "roll")).get();
    }

    /** Waits until reading from the beginning gives exactly one record per expected key, with its latest value. */
    private static void awaitCompactedView(String bootstrap, TopicPartition tp, Map<String, String> expected)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Map<String, String> seen = Map.of();
        int records = -1;
        while (System.nanoTime() < deadline) {
            List<ConsumerRecord<String, String>> all = Clients.readAll(bootstrap, List.of(tp), Duration.ofSeconds(10));
            Map<String, String> latest = new HashMap<>();
            long previousOffset = -1;
            for (ConsumerRecord<String, String> r : all) {
                assertThat(r.offset()).as("offsets stay increasing after compaction").isGreaterThan(previousOffset);
                previousOffset = r.offset();
                if (!SENTINEL.equals(r.key())) {
                    latest.put(r.key(), r.value());
                }
            }
            records = (int) all.stream().filter(r -> !SENTINEL.equals(r.key())).count();
            seen = latest;
            if (records == expected.size() && latest.equals(expected)) {
                return;
            }
            Thread.sleep(500);
        }
        assertThat(seen).as("latest value per key after compaction").isEqualTo(expected);
        assertThat(records).as("records other than the sentinel, one per live key").isEqualTo(expected.size());
    }
}
