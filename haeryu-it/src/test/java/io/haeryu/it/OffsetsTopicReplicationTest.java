package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * KIP-115: {@code __consumer_offsets} is created with {@code offsets.topic.replication.factor} replicas, so only
 * once that many brokers are alive. Until then FindCoordinator answers COORDINATOR_NOT_AVAILABLE and a consumer
 * group waits; when the other brokers start, the group finds its coordinator and proceeds.
 */
@Timeout(180)
class OffsetsTopicReplicationTest {

    private static final Map<String, String> CONFIG = Map.of(
        "offsets.topic.replication.factor", "3",
        "offsets.topic.num.partitions", "3",
        "group.initial.rebalance.delay.ms", "0",
        "default.replication.factor", "1");

    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void groupsWaitForOffsetsTopicReplicationFactorLiveBrokers() throws Exception {
        cluster = TestCluster.startZooKeeper();
        cluster.startBrokers(0, 1, CONFIG);
        String topic = Clients.uniqueTopic("kip115");
        String group = "kip115-group";
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = Clients.producer(cluster.bootstrap(), Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
            producer.flush();
        }

        try (RawConnection c = new RawConnection(cluster.broker(0).bootstrap())) {
            short version = c.negotiatedVersion(ApiKeys.FIND_COORDINATOR, (short) 6);
            // Asked repeatedly over a few seconds: one broker never creates the offsets topic.
            Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> findCoordinator(c, version, group) == Errors.COORDINATOR_NOT_AVAILABLE);
        }
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            assertThat(admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS))
                .doesNotContain(Topic.GROUP_METADATA_TOPIC_NAME);
        }

        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = Clients.consumer(cluster.bootstrap(), Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
            consumer.subscribe(List.of(topic));
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
            assertThat(received).as("no coordinator, so no assignment").isEmpty();

            cluster.startBrokers(1, 2, CONFIG);

            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (received.size() < 10 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
            assertThat(received).as("the group proceeds once three brokers are up\n%s", cluster.logTails(30))
                .hasSize(10);
            consumer.commitSync(Duration.ofSeconds(30));
        }
        try (Admin admin = Clients.admin(cluster.bootstrap())) {
            assertThat(admin.describeTopics(List.of(Topic.GROUP_METADATA_TOPIC_NAME)).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(Topic.GROUP_METADATA_TOPIC_NAME).partitions())
                .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
            assertThat(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .values()).extracting(o -> o.offset()).containsExactly(10L);
        }
    }

    private static Errors findCoordinator(RawConnection c, short version, String group) throws Exception {
        FindCoordinatorRequestData data = new FindCoordinatorRequestData()
            .setKeyType(FindCoordinatorRequest.CoordinatorType.GROUP.id());
        if (version >= 4) {
            data.setCoordinatorKeys(List.of(group));
        } else {
            data.setKey(group);
        }
        FindCoordinatorResponse response = c.call(new FindCoordinatorRequest.Builder(data), version);
        return version >= 4 ? Errors.forCode(response.data().coordinators().get(0).errorCode()) : response.error();
    }
}
