package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * Topic administration end to end: kafka-topics, kafka-delete-records and kafka-get-offsets as separate processes,
 * and Admin's CreatePartitions, DescribeLogDirs and DescribeProducers, against one broker.
 */
@Timeout(120)
class TopicAdminTest {

    @RegisterExtension
    static final SharedBroker broker = SharedBroker.forSimpleTests();
    private static int brokerId;

    @BeforeAll
    static void findBrokerId() throws Exception {
        brokerId = broker.admin().describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next().id();
    }

    @Test
    void kafkaTopicsGrowsPartitionsAndRefusesToShrinkThem() throws Exception {
        String topic = Clients.uniqueTopic("grow");
        assertSucceeds(topics("--create", "--topic", topic, "--partitions", "3", "--replication-factor", "1"));
        assertSucceeds(topics("--alter", "--topic", topic, "--partitions", "6"));

        Set<Integer> used = new TreeSet<>();
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of())) {
            for (int i = 0; i < 60; i++) {
                used.add(producer.send(new ProducerRecord<>(topic, "key-" + i, "v")).get(30, TimeUnit.SECONDS).partition());
            }
        }
        assertThat(used).as("partitions keyed records went to").anyMatch(p -> p >= 3).allMatch(p -> p < 6);

        ToolProcess.Result shrink = topics("--alter", "--topic", topic, "--partitions", "3");
        assertThat(shrink.exitCode()).isNotZero();
        assertThat(shrink.stdout() + shrink.stderr())
            .contains("Topic currently has 6 partitions, which is higher than the requested 3.");
        assertThatThrownBy(() -> broker.admin().createPartitions(Map.of(topic, NewPartitions.increaseTo(6))).all()
            .get(30, TimeUnit.SECONDS))
            .hasCauseInstanceOf(InvalidPartitionsException.class)
            .hasMessageContaining("which is equal to the requested 6");

        ToolProcess.Result describe = assertSucceeds(topics("--describe", "--topic", topic));
        assertThat(describe.stdout()).contains("PartitionCount: 6");
        assertThat(describe.lines().stream().filter(l -> l.contains("Partition: ")).count()).isEqualTo(6);

        assertSucceeds(topics("--delete", "--topic", topic));
        assertThat(broker.admin().listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(topic);
    }

    @Test
    void createPartitionsHonoursValidateOnlyAndChecksAssignments() throws Exception {
        String topic = Clients.uniqueTopic("assign");
        Clients.createTopic(broker.admin(), topic, 2);
        broker.admin().createPartitions(Map.of(topic, NewPartitions.increaseTo(4)), new CreatePartitionsOptions().validateOnly(true))
            .all().get(30, TimeUnit.SECONDS);
        assertThat(partitionCount(topic)).isEqualTo(2);

        assertThatThrownBy(() -> broker.admin().createPartitions(Map.of(topic, NewPartitions.increaseTo(3, List.of(List.of(4242)))))
            .all().get(30, TimeUnit.SECONDS))
            .hasCauseInstanceOf(InvalidReplicaAssignmentException.class)
            .hasMessageContaining("4242");
        assertThat(partitionCount(topic)).isEqualTo(2);

        broker.admin().createPartitions(Map.of(topic, NewPartitions.increaseTo(3, List.of(List.of(brokerId)))))
            .all().get(30, TimeUnit.SECONDS);
        assertThat(partitionCount(topic)).isEqualTo(3);

        // CreateTopics' validateOnly answers as the real creation would.
        assertThatThrownBy(() -> broker.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1)),
                new CreateTopicsOptions().validateOnly(true)).all().get(30, TimeUnit.SECONDS))
            .hasCauseInstanceOf(TopicExistsException.class);
    }

    @Test
    void describeTopicsPagesThroughPartitionsWithTheCursor() throws Exception {
        String first = Clients.uniqueTopic("page-a");
        String second = Clients.uniqueTopic("page-b");
        Clients.createTopic(broker.admin(), first, 5);
        Clients.createTopic(broker.admin(), second, 3);
        // Two partitions per response: the client follows the cursor through both topics, across their boundary.
        Map<String, TopicDescription> described = broker.admin().describeTopics(List.of(first, second),
                new DescribeTopicsOptions().partitionSizeLimitPerResponse(2))
            .allTopicNames().get(30, TimeUnit.SECONDS);
        assertThat(described.get(first).partitions()).extracting(TopicPartitionInfo::partition)
            .containsExactly(0, 1, 2, 3, 4);
        assertThat(described.get(second).partitions()).extracting(TopicPartitionInfo::partition)
            .containsExactly(0, 1, 2);
        assertThat(described.get(first).partitions()).allSatisfy(p -> assertThat(p.leader().id()).isEqualTo(brokerId));
    }

    @Test
    void deleteRecordsMovesTheLogStartOffsetForToolsAndConsumers() throws Exception {
        String topic = Clients.uniqueTopic("delrec");
        Clients.createTopic(broker.admin(), topic, 1);
        long now = System.currentTimeMillis();
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of())) {
            for (int i = 0; i < 20; i++) {
                // Record 13 carries the largest timestamp, for max-timestamp lookups.
                long ts = i == 13 ? now + 60_000 : now + i;
                producer.send(new ProducerRecord<>(topic, 0, ts, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        Path json = Files.createTempFile("delete-records", ".json");
        try {
            Files.writeString(json, "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0,\"offset\":10}],\"version\":1}");
            ToolProcess.Result deleted = assertSucceeds(ToolProcess.run(ToolProcess.javaTool(
                "org.apache.kafka.tools.DeleteRecordsCommand",
                List.of("--bootstrap-server", broker.bootstrap(), "--offset-json-file", json.toString())),
                null, Duration.ofSeconds(60)));
            assertThat(deleted.stdout()).contains("low_watermark: 10");
        } finally {
            Files.deleteIfExists(json);
        }
        assertThat(getOffsets(topic, "-2")).containsExactly(topic + ":0:10");
        assertThat(getOffsets(topic, "-3")).containsExactly(topic + ":0:13");

        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> strict = Clients.consumer(broker.bootstrap(),
                Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"))) {
            strict.assign(List.of(tp));
            strict.seek(tp, 3);
            assertThatThrownBy(() -> strict.poll(Duration.ofSeconds(10))).isInstanceOf(OffsetOutOfRangeException.class);
        }
        try (KafkaConsumer<String, String> resetting = Clients.consumer(broker.bootstrap(), Map.of())) {
            resetting.assign(List.of(tp));
            resetting.seek(tp, 3);
            assertThat(pollOne(resetting).offset()).isEqualTo(10);
        }
    }

    @Test
    void consumerValidatesItsPositionWithOffsetForLeaderEpoch() throws Exception {
        String topic = Clients.uniqueTopic("epoch");
        Clients.createTopic(broker.admin(), topic, 1);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k", "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        // A position with a leader epoch makes the consumer ask OffsetForLeaderEpoch before fetching; an end offset
        // below 7 would be reported as log truncation (there is no reset policy to hide it).
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap(),
                Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"))) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, new OffsetAndMetadata(7, Optional.of(0), ""));
            assertThat(pollOne(consumer).value()).isEqualTo("v7");
        }
    }

    @Test
    void logDirSizesGrowWithProducedDataAndProducersAreDescribed() throws Exception {
        String topic = Clients.uniqueTopic("logdirs");
        Clients.createTopic(broker.admin(), topic, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of())) {
            producer.send(new ProducerRecord<>(topic, 0, "k", "first")).get(30, TimeUnit.SECONDS);
            long before = partitionSize(tp);
            String value = "x".repeat(1000);
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, 0, "k" + i, value)));
            }
            for (var f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(partitionSize(tp)).isGreaterThan(before + 150_000);
        }
        Map<String, LogDirDescription> dirs = broker.admin().describeLogDirs(List.of(brokerId)).allDescriptions()
            .get(30, TimeUnit.SECONDS).get(brokerId);
        assertThat(dirs.values()).allSatisfy(d -> {
            assertThat(d.totalBytes().orElse(-1)).isPositive();
            assertThat(d.usableBytes().orElse(-1)).isPositive();
        });

        // kafka-log-dirs prints one JSON document naming each partition with its size.
        ToolProcess.Result logDirs = assertSucceeds(ToolProcess.run(ToolProcess.javaTool(
            "org.apache.kafka.tools.LogDirsCommand", List.of("--bootstrap-server", broker.bootstrap(), "--describe",
                "--topic-list", topic)), null, Duration.ofSeconds(60)));
        assertThat(logDirs.stdout()).contains("\"partition\":\"" + topic + "-0\"", "\"size\":" + partitionSize(tp));

        List<ProducerState> producers = broker.admin().describeProducers(List.of(tp)).partitionResult(tp)
            .get(30, TimeUnit.SECONDS).activeProducers();
        assertThat(producers).singleElement().satisfies(p -> {
            assertThat(p.producerId()).isNotNegative();
            assertThat(p.lastSequence()).isEqualTo(200);
        });
    }

    private static long partitionSize(TopicPartition tp) throws Exception {
        return broker.admin().describeLogDirs(List.of(brokerId)).allDescriptions().get(30, TimeUnit.SECONDS).get(brokerId)
            .values().stream()
            .map(d -> d.replicaInfos().get(tp))
            .filter(r -> r != null)
            .mapToLong(r -> r.size())
            .sum();
    }

    private static int partitionCount(String topic) throws ExecutionException, InterruptedException {
        return broker.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    }

    private static ConsumerRecord<String, String> pollOne(KafkaConsumer<String, String> consumer) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                return r;
            }
        }
        throw new AssertionError("no record within 20 s");
    }

    private static ToolProcess.Result topics(String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrap()));
        all.addAll(List.of(args));
        return ToolProcess.run(ToolProcess.javaTool("org.apache.kafka.tools.TopicCommand", all), null,
            Duration.ofSeconds(60));
    }

    private static List<String> getOffsets(String topic, String time) {
        return assertSucceeds(ToolProcess.run(ToolProcess.javaTool("org.apache.kafka.tools.GetOffsetShell",
            List.of("--bootstrap-server", broker.bootstrap(), "--topic", topic, "--time", time)),
            null, Duration.ofSeconds(60))).lines();
    }

    static ToolProcess.Result assertSucceeds(ToolProcess.Result r) {
        assertThat(r.exitCode()).as("exit code; stdout:\n%s\nstderr:\n%s", r.stdout(), r.stderr()).isZero();
        return r;
    }
}
