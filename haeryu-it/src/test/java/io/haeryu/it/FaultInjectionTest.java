package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.haeryu.it.FaultChecker.FaultReport;
import io.haeryu.it.FaultChecker.Read;
import io.haeryu.it.FaultSchedule.Cycle;
import io.haeryu.it.FaultSchedule.Nemesis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jepsen-style fault injection: three broker processes, an RF=3 topic with {@code min.insync.replicas=2} and
 * unclean election off, idempotent {@code acks=all} producers writing sequenced values while a seeded random
 * {@link FaultSchedule} injects nemeses into brokers (fault, hold, heal, settle). After the last cycle every fault is
 * healed and a consumer reads every partition from the beginning to its end offset; {@link FaultChecker} judges the
 * history: nothing acknowledged lost, moved, duplicated or reordered. The result table (per nemesis) is printed and
 * written to {@code target/fault-results/}.
 *
 * <p>System properties: {@code haeryu.faults.cycles} (default 5), {@code haeryu.faults.seed} (default random,
 * printed), {@code haeryu.faults.nemeses} (comma list of {@link Nemesis} names; the default is the set that holds
 * today), {@code haeryu.faults.resultDir}. The {@code -Pfaults} profile runs 100 cycles of every nemesis.
 */
class FaultInjectionTest {

    /** Nemeses in the short schedule of {@code mvn verify}: those the broker survives today (see README). */
    static final String DEFAULT_NEMESES = "kill,pause_short,pause_long,partition";

    private static final int BROKERS = 3;
    private static final int PARTITIONS = 3;
    private static final long SESSION_TIMEOUT_MS = 6_000;
    private static final Duration SETTLE_BOUND = Duration.ofSeconds(60);
    /** How much of each broker's log a failing run keeps next to its result. */
    private static final long KEPT_LOG_BYTES = 64L << 20;
    private static final Map<String, String> CLUSTER_CONFIG = Map.of(
        "zookeeper.session.timeout.ms", Long.toString(SESSION_TIMEOUT_MS),
        "replica.lag.time.max.ms", "4000",
        "unclean.leader.election.enable", "false",
        "min.insync.replicas", "2",
        "default.replication.factor", "3",
        "offsets.topic.replication.factor", "3",
        "leader.imbalance.check.interval.seconds", "5",
        "log.index.size.max.bytes", "1048576",
        "num.partitions", "3");

    @TempDir
    Path tempDir;

    private volatile String phase = "warmup";

    /** Per nemesis: cycles run, cycles not settled in time, brokers found dead after heal, cycles whose ISR shrank. */
    private final Map<Nemesis, int[]> liveness = new EnumMap<>(Nemesis.class);

    @Test
    @Timeout(value = 4, unit = TimeUnit.HOURS) // bounded by construction; this only guards against a hang
    void acknowledgedRecordsSurviveTheSchedule() throws Exception {
        Assumptions.assumeFalse(BrokerProcess.isKafkaImpl(), "needs a ZooKeeper-mode cluster of Haeryu brokers");
        int cycles = Integer.getInteger("haeryu.faults.cycles", 5);
        long seed = Long.getLong("haeryu.faults.seed", ThreadLocalRandom.current().nextLong());
        List<Nemesis> nemeses = Nemesis.parseList(System.getProperty("haeryu.faults.nemeses", DEFAULT_NEMESES));
        if (nemeses.contains(Nemesis.DISK_FULL) && !FaultCluster.canMountTmpfs()) {
            Assumptions.assumeFalse("true".equals(System.getenv("CI")), "disk-full faults need root in CI");
            System.out.println("not root: no tmpfs, so no DISK_FULL nemesis in this run");
            nemeses = nemeses.stream().filter(n -> n != Nemesis.DISK_FULL).toList();
        }
        List<Cycle> schedule = FaultSchedule.random(seed, cycles, nemeses, BROKERS, SESSION_TIMEOUT_MS);
        String replay = "-Dhaeryu.faults.seed=" + seed + " -Dhaeryu.faults.cycles=" + cycles
            + " -Dhaeryu.faults.nemeses=" + String.join(",", nemeses.stream().map(Enum::name).toList());
        System.out.println("fault schedule (replay with " + replay + "):");
        schedule.forEach(c -> System.out.println("  " + c));

        List<String> cycleLog = new ArrayList<>();
        boolean finalSettled = false;
        String topic = Clients.uniqueTopic("faults");
        try (FaultCluster faults = FaultCluster.start(BROKERS, CLUSTER_CONFIG, tempDir,
                nemeses.contains(Nemesis.DISK_FULL));
             Admin admin = faults.cluster().admin()) {
            try (Admin creator = Clients.admin(faults.cluster().bootstrap())) {
                creator.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) BROKERS)
                    .configs(Map.of("min.insync.replicas", "2", "unclean.leader.election.enable", "false"))))
                    .all().get(30, TimeUnit.SECONDS);
            }
            awaitSettled(admin, topic, Duration.ofSeconds(30));
            FaultWorkload load = new FaultWorkload(faults.cluster().bootstrap(), topic, PARTITIONS, 2, 4,
                () -> phase);
            try {
                awaitAcks(load, 500, Duration.ofSeconds(60));
                for (Cycle c : schedule) {
                    cycleLog.add(runCycle(faults, admin, topic, load, c));
                }
                phase = "final";
                List<Integer> restarted = faults.healAll();
                try {
                    awaitSettled(admin, topic, Duration.ofSeconds(120));
                    awaitAcks(load, load.acked() + 300, Duration.ofSeconds(60));
                    finalSettled = true;
                } catch (ConditionTimeoutException e) {
                    cycleLog.add("final: NOT settled in 120 s, or no new acks: " + describeQuietly(admin, topic));
                }
                cycleLog.add("final: healed all (restarted " + restarted + "), " + load.acked() + " acks, "
                    + load.failures() + " failed sends");
            } finally {
                load.stop(Duration.ofSeconds(30));
            }
            List<Read> reads = new ArrayList<>();
            List<String> unreadable = readBack(faults.cluster().bootstrap(), topic, reads);
            cycleLog.addAll(unreadable);
            FaultReport report = FaultChecker.check(load.writes(), load.acks(), reads);
            String result = result(seed, replay, schedule, cycleLog, reads.size(), report);
            System.out.println(result);
            Path file = writeResult(seed, result);
            System.out.println("result table written to " + file);
            if (report.violations() > 0 || !unreadable.isEmpty() || !finalSettled) {
                for (int id = 0; id < BROKERS; id++) {
                    Path kept = keepLogTail(faults.broker(id).logFile(),
                        file.resolveSibling("faults-" + seed + "-broker-" + id + ".log"));
                    System.out.println("broker " + id + " log kept in " + kept);
                }
            }

            assertThat(report.acked()).as("acknowledged records (the load must have run)").isGreaterThan(1000);
            assertThat(report.violations()).as("violations (replay with %s)\n%s", replay, result).isZero();
            assertThat(unreadable).as("partitions not readable to their end (replay with %s)", replay).isEmpty();
            assertThat(finalSettled).as("every fault healed, the cluster settled again (replay with %s)\n%s",
                replay, result).isTrue();
        }
    }

    private String runCycle(FaultCluster faults, Admin admin, String topic, FaultWorkload load, Cycle c)
            throws InterruptedException {
        int[] stats = liveness.computeIfAbsent(c.nemesis(), n -> new int[4]);
        stats[0]++;
        long acksBefore = load.acked();
        long t0 = System.nanoTime();
        phase = c.nemesis().name().toLowerCase(java.util.Locale.ROOT);
        faults.inject(c);
        int minIsr = holdWatchingIsr(admin, topic, c.holdMillis());
        if (minIsr < BROKERS) {
            stats[3]++;
        }
        faults.heal(c);
        List<Integer> dead = new ArrayList<>();
        for (int id = 0; id < faults.size(); id++) {
            if (!faults.broker(id).isAlive()) {
                dead.add(id);
            }
        }
        stats[2] += dead.size();
        List<Integer> restarted = faults.healAll();
        String settled;
        try {
            long s0 = System.nanoTime();
            awaitSettled(admin, topic, SETTLE_BOUND);
            settled = "settled in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - s0) + " ms";
        } catch (ConditionTimeoutException e) {
            stats[1]++;
            settled = "NOT settled in " + SETTLE_BOUND.toSeconds() + " s: " + describeQuietly(admin, topic);
        }
        String line = c + ": smallest ISR seen while held " + (minIsr > BROKERS ? "unknown" : minIsr) + ", " + settled + (dead.isEmpty() ? "" : ", dead after heal " + dead + " (restarted "
            + restarted + ")") + ", " + (load.acked() - acksBefore) + " acks in "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms";
        System.out.println("cycle " + line);
        return line;
    }

    /**
     * Holds the fault for {@code holdMillis} (holding it is the point, not a wait for a condition) while sampling the
     * partitions; returns the smallest ISR seen (more than the broker count when no sample succeeded), to show the
     * fault had an effect on the cluster.
     */
    private static int holdWatchingIsr(Admin admin, String topic, long holdMillis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(holdMillis);
        int smallest = BROKERS + 1;
        for (long left = holdMillis; left > 0; left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())) {
            try {
                for (TopicPartitionInfo p : admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(Math.min(left, 1000), TimeUnit.MILLISECONDS).get(topic).partitions()) {
                    smallest = Math.min(smallest, p.isr().size());
                }
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // the admin asked the victim, or a controller change is in progress: sample again
            }
            Thread.sleep(Math.max(0, Math.min(250, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
        }
        return smallest;
    }

    /** Every partition has a leader and all brokers in its ISR, and every broker process is up. */
    private static void awaitSettled(Admin admin, String topic, Duration bound) {
        Awaitility.await().atMost(bound).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(3, TimeUnit.SECONDS)
                .get(topic);
            return d.partitions().stream().allMatch(p -> TestCluster.leaderId(p) >= 0 && p.isr().size() == BROKERS);
        });
    }

    private static void awaitAcks(FaultWorkload load, long atLeast, Duration bound) {
        Awaitility.await("acks >= " + atLeast).atMost(bound).pollInterval(Duration.ofMillis(100))
            .until(() -> load.acked() >= atLeast);
    }

    /**
     * Reads every partition from its beginning to its end offset, one consumer per partition, into {@code reads};
     * a partition whose read fails (e.g. a corrupt batch) or stops progressing for 60 s is left where it stopped and
     * described in the returned list (what was read before still goes to the checker).
     */
    private static List<String> readBack(String bootstrap, String topic, List<Read> reads) {
        List<String> unreadable = new ArrayList<>();
        for (TopicPartition tp : Clients.partitions(topic, PARTITIONS)) {
            try (KafkaConsumer<String, String> c = Clients.consumer(bootstrap, Map.of())) {
                c.assign(List.of(tp));
                c.seekToBeginning(List.of(tp));
                long end = c.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
                long lastProgress = System.nanoTime();
                long position = c.position(tp);
                while (position < end) {
                    try {
                        c.poll(Duration.ofMillis(200))
                            .forEach(r -> reads.add(new Read(r.partition(), r.offset(), r.value())));
                    } catch (KafkaException e) {
                        unreadable.add("partition " + tp.partition() + " unreadable at offset " + position
                            + " of end " + end + ": " + e + (e.getCause() == null ? "" : " / " + e.getCause()));
                        break;
                    }
                    long now = c.position(tp);
                    if (now != position) {
                        position = now;
                        lastProgress = System.nanoTime();
                    } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(60)) {
                        unreadable.add("partition " + tp.partition() + " stuck at offset " + position + " of end "
                            + end + " for 60 s");
                        break;
                    }
                }
            }
        }
        return unreadable;
    }

    private static String describeQuietly(Admin admin, String topic) {
        try {
            StringBuilder sb = new StringBuilder();
            for (TopicPartitionInfo p : admin.describeTopics(List.of(topic)).allTopicNames().get(3, TimeUnit.SECONDS)
                    .get(topic).partitions()) {
                sb.append(" p").append(p.partition()).append(" leader ").append(TestCluster.leaderId(p))
                    .append(" isr ").append(TestCluster.isrIds(p));
            }
            return sb.toString();
        } catch (Exception e) {
            return "(describe failed: " + e + ")";
        }
    }

    private String result(long seed, String replay, List<Cycle> schedule, List<String> cycleLog, int read,
                          FaultReport report) {
        StringBuilder sb = new StringBuilder();
        sb.append("## Fault schedule seed ").append(seed).append(": ").append(schedule.size()).append(" cycles, ")
            .append(BROKERS).append(" brokers, RF=").append(BROKERS).append(", min.insync.replicas=2, acks=all ")
            .append("idempotent\n\nreplay: `mvn -B -o -pl haeryu-it -am test -Dtest=FaultInjectionTest ")
            .append("-Dsurefire.failIfNoSpecifiedTests=false ").append(replay).append("`\n\n")
            .append("records read back: ").append(read).append("\n\n")
            .append(report.table()).append("\n\n| nemesis | cycles | not settled in ")
            .append(SETTLE_BOUND.toSeconds()).append(" s | brokers dead after heal | ISR shrank while held |\n|---|---:|---:|---:|---:|\n");
        liveness.forEach((n, s) -> sb.append("| ").append(n.name().toLowerCase(java.util.Locale.ROOT))
            .append(" | ").append(s[0]).append(" | ").append(s[1]).append(" | ").append(s[2]).append(" | ").append(s[3]).append(" |\n"));
        sb.append("\ncycles:\n");
        cycleLog.forEach(l -> sb.append("- ").append(l).append('\n'));
        return sb.toString();
    }

    /** Copies the last {@link #KEPT_LOG_BYTES} of a broker's log (it is deleted with the broker's temp dir). */
    private static Path keepLogTail(Path log, Path target) throws IOException {
        try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(log);
             java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(target,
                 java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                 java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            long from = Math.max(0, in.size() - KEPT_LOG_BYTES);
            for (long pos = from; pos < in.size(); ) {
                pos += in.transferTo(pos, in.size() - pos, out);
            }
        }
        return target;
    }

    private static Path writeResult(long seed, String result) throws IOException {
        Path dir = Path.of(System.getProperty("haeryu.faults.resultDir", "target/fault-results"));
        Files.createDirectories(dir);
        Path file = dir.resolve("faults-" + seed + ".md");
        Files.writeString(file, result);
        return file.toAbsolutePath();
    }
}
