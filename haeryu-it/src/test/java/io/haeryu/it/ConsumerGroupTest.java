package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/** Classic consumer groups with kafka-clients: partition sharing, commits, resume from committed offsets. */
@Timeout(180)
class ConsumerGroupTest {

    @RegisterExtension
    static final SharedBroker broker = SharedBroker.forSimpleTests();

    @Test
    void twoMembersShareThePartitionsAndCommittedOffsetsAreResumed() throws Exception {
        String topic = Clients.uniqueTopic("group");
        String group = Clients.uniqueTopic("g");
        Clients.createTopic(broker.admin(), topic, 3);
        produce(topic, 0, 300);

        Map<String, Object> cfg = Map.of(ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000",
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
        Map<TopicPartition, Long> end = new java.util.HashMap<>();
        for (TopicPartition tp : Clients.partitions(topic, 3)) {
            end.put(tp, Clients.latestOffset(broker.admin(), tp));
        }
        Set<String> seen = Collections.synchronizedSet(new HashSet<>()); // re-delivery across a rebalance is allowed
        try (KafkaConsumer<String, String> a = Clients.consumer(broker.bootstrap(), cfg);
             KafkaConsumer<String, String> b = Clients.consumer(broker.bootstrap(), cfg)) {
            a.subscribe(List.of(topic));
            b.subscribe(List.of(topic));
            // poll both until the group has settled with both members owning partitions and everything is read
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(10)).until(() -> {
                a.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
                b.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
                return seen.size() >= 300 && !a.assignment().isEmpty() && !b.assignment().isEmpty()
                        && caughtUp(a, end) && caughtUp(b, end);
            });
            Set<TopicPartition> both = new HashSet<>(a.assignment());
            assertThat(b.assignment()).as("members own disjoint partitions").doesNotContainAnyElementsOf(both);
            both.addAll(b.assignment());
            assertThat(both).containsExactlyInAnyOrderElementsOf(Clients.partitions(topic, 3));
            a.commitSync();
            b.commitSync();
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, 300).mapToObj(i -> "v" + i).toList());

        Map<TopicPartition, OffsetAndMetadata> committed = broker.admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        long total = 0;
        for (TopicPartition tp : Clients.partitions(topic, 3)) {
            assertThat(committed).containsKey(tp);
            assertThat(committed.get(tp).offset()).isEqualTo(Clients.latestOffset(broker.admin(), tp));
            total += committed.get(tp).offset();
        }
        assertThat(total).isEqualTo(300);

        // a new member of the same group starts at the committed offsets: only the new records arrive
        produce(topic, 300, 30);
        List<ConsumerRecord<String, String>> next = new ArrayList<>();
        try (KafkaConsumer<String, String> c = Clients.consumer(broker.bootstrap(), cfg)) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (next.size() < 30 && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(next::add);
            }
            c.poll(Duration.ofMillis(500)).forEach(next::add); // anything extra would be a re-delivery
            c.commitSync();
        }
        assertThat(next).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(
                IntStream.range(300, 330).mapToObj(i -> "v" + i).toList());
        assertThat(broker.admin().listGroups().all().get(30, TimeUnit.SECONDS))
                .anyMatch(l -> l.groupId().equals(group));
    }

    private static boolean caughtUp(KafkaConsumer<String, String> c, Map<TopicPartition, Long> end) {
        return c.assignment().stream().allMatch(tp -> c.position(tp) >= end.get(tp));
    }

    private static void produce(String topic, int from, int n) throws Exception {
        try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(), Map.of())) {
            for (int i = from; i < from + n; i++) {
                p.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
            p.flush();
        }
    }
}
