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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Partition reassignment across three broker processes (ids 0, 1, 2): a partition with replicas [0, 1] and data
 * moves to [1, 2] through AlterPartitionReassignments (and through Kafka's kafka-reassign-partitions tool); the
 * data must follow, broker 0 must drop its copy, and broker 2 alone must serve every record.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PartitionReassignmentTest {

    private static final int RECORDS = 2000;
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final Map<String, String> CLUSTER_CONFIG = Map.of(
        "zookeeper.session.timeout.ms", "10000",
        "replica.lag.time.max.ms", "4000",
        "offsets.topic.replication.factor", "1");

    private TestCluster cluster;
    private Admin admin;
    private String topic;
    private TopicPartition tp;

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeFalse(BrokerProcess.isKafkaImpl(), "needs a ZooKeeper-mode cluster of Haeryu brokers");
        cluster = TestCluster.start(3, CLUSTER_CONFIG);
        admin = cluster.admin();
        createTopicWithData(List.of(0, 1));
    }

    /** A one-partition topic on {@code replicas} with {@link #RECORDS} records; becomes {@link #topic}. */
    private void createTopicWithData(List<Integer> replicas) throws Exception {
        topic = Clients.uniqueTopic("reassigned");
        tp = new TopicPartition(topic, 0);
        try (Admin creator = Clients.admin(cluster.bootstrap())) {
            creator.createTopics(List.of(new NewTopic(topic, Map.of(0, replicas))))
                .all().get(30, TimeUnit.SECONDS);
        }
        TestCluster.awaitPartition(admin, topic, 0, BOUND, "have both replicas in sync",
            info -> TestCluster.isrIds(info).size() == 2);
        try (KafkaProducer<String, String> producer = Clients.producer(cluster.bootstrap(),
                Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, "5"))) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k", "v-" + i));
            }
            producer.flush();
        }
        assertThat(Clients.latestOffset(admin, tp)).isEqualTo(RECORDS);
    }

    @AfterEach
    void tearDown() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void reassignmentMovesTheReplicasAndTheData() throws Exception {
        admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(1, 2)))))
            .all().get(30, TimeUnit.SECONDS);

        PartitionReassignment ongoing = admin.listPartitionReassignments(java.util.Set.of(tp)).reassignments()
            .get(10, TimeUnit.SECONDS).get(tp);
        if (ongoing != null) { // in progress; it may also have completed already
            assertThat(ongoing.replicas()).containsExactlyInAnyOrder(0, 1, 2);
            assertThat(ongoing.addingReplicas()).containsExactly(2);
            assertThat(ongoing.removingReplicas()).containsExactly(0);
        }

        awaitMoved(List.of(1, 2), 0);
        assertThat(Files.isDirectory(logDir(2))).as("broker 2's copy of %s", tp).isTrue();

        // Only the new replicas are left: the removed one (0) and then the other old one (1) die.
        cluster.broker(0).kill9();
        cluster.broker(1).kill9();
        TestCluster.awaitPartition(admin, topic, 0, BOUND, "be led by broker 2",
            info -> TestCluster.leaderId(info) == 2);
        assertAllRecordsReadable();
    }

    @Test
    void reassignmentUnderLoadLosesNoAcknowledgedRecord() throws Exception {
        java.util.concurrent.ConcurrentLinkedQueue<long[]> acked = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        KafkaProducer<String, String> producer = Clients.producer(cluster.bootstrap(), Map.of(
            ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
            ProducerConfig.LINGER_MS_CONFIG, "2", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000"));
        Thread load = new Thread(() -> {
            for (long i = 0; running.get(); i++) {
                long n = i;
                producer.send(new ProducerRecord<>(topic, 0, "k", "load-" + n), (md, e) -> {
                    if (e == null) {
                        acked.add(new long[] {md.offset(), n});
                    } else {
                        failures.incrementAndGet();
                    }
                });
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "reassign-load");
        load.start();
        try {
            awaitTrue("200 acks before the move", () -> acked.size() >= 200);
            admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(1, 2)))))
                .all().get(30, TimeUnit.SECONDS);
            awaitMoved(List.of(1, 2), 0);
            int atMove = acked.size();
            awaitTrue("200 more acks after the move", () -> acked.size() >= atMove + 200);
        } finally {
            running.set(false);
            load.join(10_000);
            producer.flush();
            producer.close(Duration.ofSeconds(30));
        }
        assertThat(failures.get()).as("failed sends").isZero();

        List<ConsumerRecord<String, String>> records = Clients.readAll(cluster.bootstrap(), List.of(tp),
            Duration.ofSeconds(60));
        Map<Long, String> byOffset = new java.util.HashMap<>();
        records.forEach(r -> byOffset.put(r.offset(), r.value()));
        for (long[] a : acked) {
            assertThat(byOffset.get(a[0])).as("record acknowledged at offset %d", a[0]).isEqualTo("load-" + a[1]);
        }
        List<String> loadValues = records.stream().map(ConsumerRecord::value).filter(v -> v.startsWith("load-")).toList();
        assertThat(loadValues).doesNotHaveDuplicates();
        for (int i = 1; i < loadValues.size(); i++) {
            assertThat(Long.parseLong(loadValues.get(i).substring(5)))
                .as("order after %s", loadValues.get(i - 1)).isGreaterThan(Long.parseLong(loadValues.get(i - 1).substring(5)));
        }
        assertThat(records).hasSize(RECORDS + loadValues.size());
    }

    @Test
    void kafkaReassignPartitionsToolExecutesAndVerifies() throws Exception {
        Path json = Files.createTempFile("reassign-", ".json");
        Files.writeString(json, "{\"version\":1,\"partitions\":[{\"topic\":\"" + topic
            + "\",\"partition\":0,\"replicas\":[2,1],\"log_dirs\":[\"any\",\"any\"]}]}");
        ToolProcess.Result execute = reassignTool("--execute", "--reassignment-json-file", json.toString());
        assertThat(execute.exitCode()).as("--execute: %s %s", execute.stdout(), execute.stderr()).isZero();
        assertThat(execute.stdout()).contains("Successfully started partition reassignment");

        awaitMoved(List.of(2, 1), 0);
        java.util.concurrent.atomic.AtomicReference<ToolProcess.Result> last = new java.util.concurrent.atomic.AtomicReference<>();
        awaitTrue("--verify to report completion", () -> {
            ToolProcess.Result verify = reassignTool("--verify", "--reassignment-json-file", json.toString());
            last.set(verify);
            return verify.exitCode() == 0 && verify.stdout().contains("Reassignment of partition " + tp + " is completed")
                && verify.stdout().contains("Clearing broker-level throttles");
        }, last);
        Files.deleteIfExists(json);
    }

    @Test
    void newReplicaStartsAtTheLeadersLogStartAfterDeleteRecords() throws Exception {
        // An RF=1 partition on broker 0 whose first 100 records were deleted gets a second replica.
        topic = Clients.uniqueTopic("deleted-head");
        tp = new TopicPartition(topic, 0);
        admin.createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(0))))).all().get(30, TimeUnit.SECONDS);
        Clients.produceValues(cluster.bootstrap(), tp, 200);
        assertThat(Clients.deleteRecordsBefore(admin, tp, 100)).as("low watermark").isEqualTo(100);

        Path json = Files.createTempFile("reassign-", ".json");
        Files.writeString(json, "{\"version\":1,\"partitions\":[{\"topic\":\"" + topic
            + "\",\"partition\":0,\"replicas\":[0,1],\"log_dirs\":[\"any\",\"any\"]}]}");
        ToolProcess.Result execute = reassignTool("--execute", "--reassignment-json-file", json.toString());
        assertThat(execute.exitCode()).as("--execute: %s %s", execute.stdout(), execute.stderr()).isZero();
        java.util.concurrent.atomic.AtomicReference<ToolProcess.Result> last = new java.util.concurrent.atomic.AtomicReference<>();
        awaitTrue("--verify to report completion", () -> {
            ToolProcess.Result verify = reassignTool("--verify", "--reassignment-json-file", json.toString());
            last.set(verify);
            return verify.exitCode() == 0 && verify.stdout().contains("Reassignment of partition " + tp + " is completed");
        }, last);
        Files.deleteIfExists(json);
        TestCluster.awaitPartition(admin, topic, 0, BOUND, "have both replicas in sync",
            info -> TestCluster.isrIds(info).size() == 2);

        // The new replica alone serves the partition: it holds 100..199.
        cluster.broker(0).kill9();
        TestCluster.awaitPartition(admin, topic, 0, BOUND, "be led by broker 1", info -> TestCluster.leaderId(info) == 1);
        assertThat(Clients.earliestOffset(admin, tp)).isEqualTo(100);
        List<ConsumerRecord<String, String>> records = Clients.readAll(cluster.bootstrap(), List.of(tp),
            Duration.ofSeconds(60));
        assertThat(records).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(records.get(i).offset()).isEqualTo(100 + i);
            assertThat(records.get(i).value()).isEqualTo("v-" + (100 + i));
        }
    }

    @Test
    void cancellationRevertsToTheOriginalReplicas() throws Exception {
        // The added replica is frozen (registered but paused, so it cannot catch up and the reassignment stays
        // pending); it must not be the controller, which has to answer.
        int controller = admin.describeCluster().controller().get(10, TimeUnit.SECONDS).id();
        int added = controller == 2 ? 1 : 2;
        List<Integer> original = new ArrayList<>(List.of(0, 1, 2));
        original.remove(Integer.valueOf(added));
        createTopicWithData(original);
        List<Integer> target = List.of(original.get(1), added);
        cluster.broker(added).pause();
        try {
            admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(target))))
                .all().get(10, TimeUnit.SECONDS);
            PartitionReassignment ongoing = admin.listPartitionReassignments().reassignments()
                .get(10, TimeUnit.SECONDS).get(tp);
            assertThat(ongoing).as("ongoing reassignment of %s", tp).isNotNull();
            assertThat(ongoing.addingReplicas()).containsExactly(added);
            assertThat(ongoing.removingReplicas()).containsExactly(original.get(0));
            assertThat(ongoing.replicas()).containsExactlyInAnyOrder(0, 1, 2);

            admin.alterPartitionReassignments(Map.of(tp, Optional.empty())).all().get(10, TimeUnit.SECONDS);
        } finally {
            cluster.broker(added).resume();
        }
        assertThat(admin.listPartitionReassignments().reassignments().get(10, TimeUnit.SECONDS)).doesNotContainKey(tp);
        // Back on the original brokers; as in Kafka, their order is the one they had in the extended set
        // (target first), so the preferred leader may differ.
        TopicPartitionInfo info = TestCluster.awaitPartition(admin, topic, 0, BOUND, "be back on " + original,
            i -> replicaIds(i).size() == 2 && replicaIds(i).containsAll(original)
                && original.containsAll(TestCluster.isrIds(i)));
        assertThat(TestCluster.leaderId(info)).isIn(original.toArray());
        awaitTrue("broker " + added + " to hold no copy of " + tp, () -> !Files.exists(logDir(added)));
        // Cancelling again: nothing to cancel.
        assertThatThrownBy(() -> admin.alterPartitionReassignments(Map.of(tp, Optional.empty())).all()
            .get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(NoReassignmentInProgressException.class);
        assertAllRecordsReadable();
    }

    @Test
    void aNewControllerFinishesTheReassignmentAndTheRemovedBrokerDropsItsCopyOnRestart() throws Exception {
        // The controller (c) is an original replica that the move removes; the added broker is frozen so the move
        // is still pending when c dies; the next controller has only ZooKeeper to go on.
        int c = admin.describeCluster().controller().get(10, TimeUnit.SECONDS).id();
        int added = (c + 1) % 3;
        int kept = (c + 2) % 3;
        createTopicWithData(List.of(c, kept));
        cluster.broker(added).pause();
        try {
            admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(kept, added)))))
                .all().get(10, TimeUnit.SECONDS);
            assertThat(admin.listPartitionReassignments().reassignments().get(10, TimeUnit.SECONDS)).containsKey(tp);
            cluster.broker(c).kill9();
        } finally {
            cluster.broker(added).resume();
        }
        TestCluster.awaitPartition(admin, topic, 0, Duration.ofSeconds(60), "move to " + List.of(kept, added),
            i -> replicaIds(i).equals(List.of(kept, added)) && TestCluster.isrIds(i).containsAll(List.of(kept, added))
                && List.of(kept, added).containsAll(TestCluster.isrIds(i)));
        assertThat(Files.isDirectory(logDir(c))).as("the dead broker's copy, until it returns").isTrue();

        cluster.broker(c).restart();
        awaitTrue("restarted broker " + c + " to delete its copy of " + tp, () -> !Files.exists(logDir(c)));
        assertAllRecordsReadable();
    }

    @Test
    void badReassignmentsAreRefused() throws Exception {
        assertRefused(tp, List.of(0, 7), InvalidReplicaAssignmentException.class);
        assertRefused(tp, List.of(1, 1), InvalidReplicaAssignmentException.class);
        // An empty list is refused by the Admin client itself; the controller's check is unit-tested.
        assertRefused(new TopicPartition(topic, 5), List.of(1, 2), UnknownTopicOrPartitionException.class);
        assertRefused(new TopicPartition("no-such-topic", 0), List.of(1, 2), UnknownTopicOrPartitionException.class);
        assertThatThrownBy(() -> admin.alterPartitionReassignments(Map.of(tp, Optional.empty())).all()
            .get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(NoReassignmentInProgressException.class);
        assertThat(admin.listPartitionReassignments().reassignments().get(10, TimeUnit.SECONDS)).isEmpty();

        // On the wire: an empty list (which the Admin client refuses to send) and a non-controller broker.
        int controller = admin.describeCluster().controller().get(10, TimeUnit.SECONDS).id();
        int other = (controller + 1) % 3;
        assertThat(rawAlter(controller, List.of()).partitions().get(0).errorCode())
            .isEqualTo(org.apache.kafka.common.protocol.Errors.INVALID_REPLICA_ASSIGNMENT.code());
        assertThat(rawCall(other, List.of(1, 2)).errorCode()).isEqualTo(org.apache.kafka.common.protocol.Errors.NOT_CONTROLLER.code());
        assertThat(replicaIds(TestCluster.describe(admin, topic, 0))).containsExactly(0, 1);
    }

    private org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignableTopicResponse rawAlter(
            int broker, List<Integer> replicas) throws Exception {
        var data = rawCall(broker, replicas);
        assertThat(data.errorCode()).as("top-level error from broker %d", broker).isZero();
        return data.responses().get(0);
    }

    private org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData rawCall(int broker,
            List<Integer> replicas) throws Exception {
        var request = new org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData().setTopics(List.of(
            new org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignableTopic()
                .setName(topic).setPartitions(List.of(
                    new org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignablePartition()
                        .setPartitionIndex(0).setReplicas(new ArrayList<>(replicas))))));
        try (RawConnection c = new RawConnection(cluster.broker(broker).bootstrap())) {
            org.apache.kafka.common.requests.AlterPartitionReassignmentsResponse response = c.call(
                new org.apache.kafka.common.requests.AlterPartitionReassignmentsRequest.Builder(request), (short) 0);
            return response.data();
        }
    }

    private void assertRefused(TopicPartition partition, List<Integer> replicas, Class<? extends Throwable> error) {
        assertThatThrownBy(() -> admin.alterPartitionReassignments(
                Map.of(partition, Optional.of(new NewPartitionReassignment(replicas)))).all().get(10, TimeUnit.SECONDS))
            .as("reassigning %s to %s", partition, replicas)
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(error);
    }

    /** Waits until the partition is on {@code target} only, nothing is pending, and {@code removed} dropped its log. */
    private void awaitMoved(List<Integer> target, int removed) throws Exception {
        TopicPartitionInfo info = TestCluster.awaitPartition(admin, topic, 0, BOUND, "move to " + target,
            i -> replicaIds(i).equals(target) && target.containsAll(TestCluster.isrIds(i))
                && target.contains(TestCluster.leaderId(i)));
        assertThat(TestCluster.isrIds(info)).isNotEmpty();
        awaitTrue("the reassignment to leave the ongoing list", () -> {
            try {
                return admin.listPartitionReassignments().reassignments().get(10, TimeUnit.SECONDS).isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
        awaitTrue("broker " + removed + " to delete its copy of " + tp, () -> !Files.exists(logDir(removed)));
    }

    private void assertAllRecordsReadable() {
        List<ConsumerRecord<String, String>> records = Clients.readAll(cluster.bootstrap(), List.of(tp),
            Duration.ofSeconds(60));
        List<String> values = new ArrayList<>();
        records.forEach(r -> values.add(r.value()));
        assertThat(values).hasSize(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            assertThat(values.get(i)).isEqualTo("v-" + i);
            assertThat(records.get(i).offset()).isEqualTo(i);
        }
    }

    private ToolProcess.Result reassignTool(String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", cluster.bootstrap()));
        all.addAll(List.of(args));
        return ToolProcess.run(ToolProcess.javaTool("org.apache.kafka.tools.reassign.ReassignPartitionsCommand", all),
            null, Duration.ofSeconds(60));
    }

    private Path logDir(int broker) {
        return cluster.broker(broker).dataDir().resolve(tp.topic() + "-" + tp.partition());
    }

    private static List<Integer> replicaIds(TopicPartitionInfo info) {
        return info.replicas().stream().map(Node::id).toList();
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        awaitTrue(what, condition, null);
    }

    private static void awaitTrue(String what, BooleanSupplier condition, Object lastSeen) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + BOUND + " waiting for " + what
                    + (lastSeen == null ? "" : "; last seen " + lastSeen));
            }
            Thread.sleep(200);
        }
    }
}
