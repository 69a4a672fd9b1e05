package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three broker processes, an RF=3 topic with {@code min.insync.replicas=2} and an idempotent {@code acks=all}
 * producer under steady load while brokers die, freeze, restart: every acknowledged record must be read back
 * exactly once, at its acknowledged offset, in order per partition.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ReplicationFailoverTest {

    private static final int PARTITIONS = 3;
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(20);
    private static final Map<String, String> CLUSTER_CONFIG = Map.of(
        "zookeeper.session.timeout.ms", "6000",
        "replica.lag.time.max.ms", "4000",
        "leader.imbalance.check.interval.seconds", "3",
        "num.partitions", "3",
        "offsets.topic.replication.factor", "3");

    private TestCluster cluster;
    private Admin admin;
    private String topic;
    private Load load;

    /** What the broker acknowledged for one send. */
    private record Acked(int partition, long offset, String value) {
    }

    /** An idempotent acks=all producer sending to every partition in turn from a background thread. */
    private static final class Load implements AutoCloseable {
        final ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
        final AtomicLong failures = new AtomicLong();
        private final KafkaProducer<String, String> producer;
        private final Thread thread;
        private volatile boolean running = true;

        Load(String bootstrap, String topic) {
            producer = Clients.producer(bootstrap, Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "2",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000"));
            thread = new Thread(() -> {
                for (long i = 0; running; i++) {
                    String value = "v-" + i;
                    int partition = (int) (i % PARTITIONS);
                    producer.send(new ProducerRecord<>(topic, partition, "k" + partition, value), (md, e) -> {
                        if (e == null) {
                            acked.add(new Acked(md.partition(), md.offset(), value));
                        } else {
                            failures.incrementAndGet();
                        }
                    });
                    sleepQuietly(2);
                }
            }, "test-load");
            thread.start();
        }

        long ackedOn(int partition) {
            return acked.stream().filter(a -> a.partition() == partition).count();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
            producer.flush();
            producer.close(Duration.ofSeconds(30));
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeFalse(BrokerProcess.isKafkaImpl(), "needs a ZooKeeper-mode cluster of Haeryu brokers");
        cluster = TestCluster.start(3, CLUSTER_CONFIG);
        admin = cluster.admin();
        topic = Clients.uniqueTopic("replicated");
        try (Admin creator = Clients.admin(cluster.bootstrap())) {
            creator.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
        }
        for (int p = 0; p < PARTITIONS; p++) {
            TestCluster.awaitPartition(admin, topic, p, Duration.ofSeconds(30), "have a leader",
                info -> TestCluster.leaderId(info) >= 0);
        }
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
    void deleteRecordsSurvivesALeaderKill9() throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        TestCluster.awaitPartition(admin, topic, 0, FAILOVER_BOUND, "have all three replicas in sync",
            info -> TestCluster.isrIds(info).size() == 3);
        Clients.produceValues(cluster.bootstrap(), tp, 200);
        assertThat(Clients.deleteRecordsBefore(admin, tp, 100)).as("low watermark").isEqualTo(100);

        int oldLeader = TestCluster.leaderId(TestCluster.describe(admin, topic, 0));
        cluster.broker(oldLeader).kill9();
        TestCluster.awaitPartition(admin, topic, 0, FAILOVER_BOUND, "have a new leader",
            info -> TestCluster.leaderId(info) >= 0 && TestCluster.leaderId(info) != oldLeader);

        assertThat(Clients.earliestOffset(admin, tp)).as("log start offset at the new leader").isEqualTo(100);
        List<ConsumerRecord<String, String>> records = Clients.readAll(cluster.bootstrap(), List.of(tp),
            Duration.ofSeconds(60));
        assertThat(records).as("read from the beginning").hasSize(100);
        assertThat(records.get(0).offset()).isEqualTo(100);
        assertThat(records.get(0).value()).isEqualTo("v-100");
    }

    @Test
    void leaderKilledWithKill9LosesNoAcknowledgedRecord() throws Exception {
        try (Load load = startLoad()) {
            awaitAcks(load, 0, 200);
            int oldLeader = TestCluster.leaderId(TestCluster.describe(admin, topic, 0));
            long killedAt = System.nanoTime();
            cluster.broker(oldLeader).kill9();

            TopicPartitionInfo after = TestCluster.awaitPartition(admin, topic, 0, FAILOVER_BOUND,
                "get a new leader", info -> TestCluster.leaderId(info) >= 0 && TestCluster.leaderId(info) != oldLeader);
            System.out.printf("new leader %d of %s-0 after %d ms%n", TestCluster.leaderId(after), topic,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
            long ackedBefore = load.ackedOn(0);
            awaitAcks(load, 0, ackedBefore + 200);
        }
        assertEveryAckedRecordReadOnce();
    }

    @Test
    void pausedLeaderStepsDownTruncatesAndRejoins() throws Exception {
        try (Load load = startLoad()) {
            awaitAcks(load, 0, 200);
            int oldLeader = TestCluster.leaderId(TestCluster.describe(admin, topic, 0));
            BrokerProcess paused = cluster.broker(oldLeader);
            paused.pause();
            try {
                TestCluster.awaitPartition(admin, topic, 0, FAILOVER_BOUND, "get a new leader",
                    info -> TestCluster.leaderId(info) >= 0 && TestCluster.leaderId(info) != oldLeader);
                long ackedBefore = load.ackedOn(0);
                awaitAcks(load, 0, ackedBefore + 200);
            } finally {
                paused.resume();
            }
            TestCluster.awaitPartition(admin, topic, 0, Duration.ofSeconds(60), "take broker " + oldLeader
                + " back into the ISR", info -> TestCluster.isrIds(info).contains(oldLeader));
            // The preferred leader (the old one) comes back; reading from it checks it dropped its uncommitted tail.
            TestCluster.awaitPartition(admin, topic, 0, Duration.ofSeconds(30), "return to its preferred leader",
                info -> TestCluster.leaderId(info) == oldLeader);
            awaitAcks(load, 0, load.ackedOn(0) + 100);
        }
        assertEveryAckedRecordReadOnce();
    }

    @Test
    void brokerRestartedAfterKill9CatchesUpAndRejoins() throws Exception {
        int victim;
        try (Load load = startLoad()) {
            awaitAcks(load, 0, 200);
            victim = TestCluster.leaderId(TestCluster.describe(admin, topic, 0));
            cluster.broker(victim).kill9();
            TestCluster.awaitPartition(admin, topic, 0, FAILOVER_BOUND, "drop broker " + victim + " from the ISR",
                info -> !TestCluster.isrIds(info).contains(victim) && TestCluster.leaderId(info) >= 0);
            awaitAcks(load, 0, load.ackedOn(0) + 500); // the restarted broker has something to catch up on
            cluster.broker(victim).restart();
            for (int p = 0; p < PARTITIONS; p++) {
                TestCluster.awaitPartition(admin, topic, p, Duration.ofSeconds(60),
                    "take broker " + victim + " back into the ISR", info -> TestCluster.isrIds(info).contains(victim));
            }
            // ElectLeaders (the periodic rebalance may have done it already: then the election is not needed). A new
            // client: ElectLeaders goes to the controller the client last heard of, and the old one may be dead.
            try (Admin fresh = cluster.admin()) {
                fresh.electLeaders(ElectionType.PREFERRED, Set.of(new TopicPartition(topic, 0))).all()
                    .get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(ElectionNotNeededException.class);
            }
            TestCluster.awaitPartition(admin, topic, 0, Duration.ofSeconds(30), "return to its preferred leader",
                info -> TestCluster.leaderId(info) == victim);
            awaitAcks(load, 0, load.ackedOn(0) + 100);
        }
        assertEveryAckedRecordReadOnce();
    }

    @Test
    void controllerKilledAnotherTakesOverAndFailoverStillWorks() throws Exception {
        try (Load load = startLoad()) {
            awaitAcks(load, 0, 200);
            int controller = admin.describeCluster().controller().get(10, TimeUnit.SECONDS).id();
            cluster.broker(controller).kill9();
            for (int p = 0; p < PARTITIONS; p++) {
                TestCluster.awaitPartition(admin, topic, p, FAILOVER_BOUND, "be led by a live broker",
                    info -> TestCluster.leaderId(info) >= 0 && TestCluster.leaderId(info) != controller
                        && !TestCluster.isrIds(info).contains(controller));
            }
            long deadline = System.nanoTime() + FAILOVER_BOUND.toNanos();
            int successor = -1;
            while (System.nanoTime() < deadline && (successor < 0 || successor == controller)) {
                try {
                    successor = admin.describeCluster().controller().get(5, TimeUnit.SECONDS).id();
                } catch (Exception e) {
                    successor = -1;
                }
                Thread.sleep(100);
            }
            assertThat(successor).as("the new controller").isNotEqualTo(controller).isNotNegative();
            for (int p = 0; p < PARTITIONS; p++) {
                awaitAcks(load, p, load.ackedOn(p) + 100);
            }
        }
        assertEveryAckedRecordReadOnce();
    }

    @Test
    void committedOffsetsSurviveTheLossOfTheGroupCoordinator() throws Exception {
        String group = Clients.uniqueTopic("group");
        produceSync(0, 90);
        Map<String, Object> groupConfig = Map.of(ConsumerConfig.GROUP_ID_CONFIG, group,
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        try (KafkaConsumer<String, String> first = Clients.consumer(cluster.bootstrap(), groupConfig)) {
            first.subscribe(List.of(topic));
            assertThat(pollValues(first, 90)).hasSize(90);
            first.commitSync(Duration.ofSeconds(30));
        }
        int coordinator = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS)
            .get(group).coordinator().id();
        cluster.broker(coordinator).kill9();
        produceSync(90, 60);

        try (KafkaConsumer<String, String> second = Clients.consumer(cluster.bootstrap(), groupConfig)) {
            second.subscribe(List.of(topic));
            // Resumes where the first stopped: only the records produced after the commit.
            List<String> values = pollValues(second, 60);
            assertThat(values).hasSize(60).allMatch(v -> Long.parseLong(v.substring(2)) >= 90);
        }
    }

    /** Sends values v-from .. v-(from+count-1), round robin over the partitions, acks=all, and waits for each. */
    private void produceSync(int from, int count) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(cluster.bootstrap(), Map.of(
            ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000",
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000"))) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(topic, i % PARTITIONS, "k", "v-" + i)).get(120, TimeUnit.SECONDS);
            }
        }
    }

    /** Polls until {@code expected} records arrived (and a little longer, to catch extra ones). */
    private static List<String> pollValues(KafkaConsumer<String, String> consumer, int expected) {
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (values.size() < expected && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
        }
        consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
        return values;
    }

    private Load startLoad() {
        load = new Load(cluster.bootstrap(), topic);
        return load;
    }

    private void awaitAcks(Load load, int partition, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (load.ackedOn(partition) < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + load.ackedOn(partition) + " of " + atLeast + " acks on partition "
                    + partition + " (" + load.failures.get() + " failed sends)" + cluster.logTails(40));
            }
            Thread.sleep(50);
        }
    }

    /**
     * Reads everything back: each acknowledged value sits at its acknowledged offset, no value appears twice, and
     * each partition's values are in send order.
     */
    private void assertEveryAckedRecordReadOnce() {
        List<ConsumerRecord<String, String>> read = Clients.readAll(cluster.bootstrap(),
            Clients.partitions(topic, PARTITIONS), Duration.ofSeconds(60));
        Map<String, ConsumerRecord<String, String>> byValue = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (ConsumerRecord<String, String> r : read) {
            if (byValue.put(r.value(), r) != null) {
                duplicates.add(r.value());
            }
        }
        assertThat(duplicates).as("values read more than once").isEmpty();
        List<Acked> acked = new ArrayList<>(load.acked);
        assertThat(acked).isNotEmpty();
        List<String> missing = new ArrayList<>();
        for (Acked a : acked) {
            ConsumerRecord<String, String> r = byValue.get(a.value());
            if (r == null || r.partition() != a.partition() || r.offset() != a.offset()) {
                missing.add(a + " read as " + (r == null ? "nothing" : r.partition() + "@" + r.offset()));
            }
        }
        assertThat(missing).as("acknowledged records not read back where acknowledged").isEmpty();
        Map<Integer, Long> lastSequence = new HashMap<>();
        Set<Integer> outOfOrder = new HashSet<>();
        for (ConsumerRecord<String, String> r : read) {
            long seq = Long.parseLong(r.value().substring(2));
            Long previous = lastSequence.put(r.partition(), seq);
            if (previous != null && previous >= seq) {
                outOfOrder.add(r.partition());
            }
        }
        assertThat(outOfOrder).as("partitions read out of send order").isEmpty();
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
