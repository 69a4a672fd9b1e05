package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Log directory failure in a cluster (Kafka's rule): 3 broker processes, RF=3, min.insync.replicas=2; broker 0
 * leads the partition and has two log dirs, each a small tmpfs. While an acks=all idempotent producer writes, the
 * one holding the partition is filled up: broker 0's next append fails with ENOSPC, the dir goes offline, broker 0
 * tells the controller, leadership moves to another in-sync replica and broker 0 leaves the ISR, while broker 0
 * keeps running on its other dir. DescribeLogDirs shows the failed dir with KAFKA_STORAGE_ERROR. Producing goes on
 * and no acknowledged record is lost, duplicated or reordered.
 */
@Timeout(300)
class LogDirFailureClusterTest {

    private static final int FAILING_BROKER = 0;
    private static final Map<String, String> CLUSTER_CONFIG = Map.of(
        "zookeeper.session.timeout.ms", "6000",
        "replica.lag.time.max.ms", "4000",
        "auto.leader.rebalance.enable", "false");

    @Test
    void aFailedLogDirMovesLeadershipAwayAndLosesNothing() throws Exception {
        Assumptions.assumeFalse(BrokerProcess.isKafkaImpl(), "needs a ZooKeeper-mode cluster of Haeryu brokers");
        Path work = Files.createTempDirectory("haeryu-it-logdir-");
        // Two log dirs on two tmpfs mounts: the one that receives the partition is filled, the other stays healthy.
        try (TmpfsMount first = TmpfsMount.mount(work.resolve("dir1"), 16);
             TmpfsMount second = TmpfsMount.mount(work.resolve("dir2"), 16)) {
            try {
                Map<String, String> failingDirs = Map.of("log.dirs", first.dir() + "," + second.dir());
                try (TestCluster cluster = TestCluster.start(3, CLUSTER_CONFIG,
                        slot -> slot.id() == FAILING_BROKER ? failingDirs : Map.of());
                     Admin admin = cluster.admin()) {
                    run(cluster, admin, List.of(first, second));
                }
            } finally {
                first.close();
                second.close();
                try (Stream<Path> paths = Files.walk(work)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private void run(TestCluster cluster, Admin admin, List<TmpfsMount> mounts) throws Exception {
        String topic = Clients.uniqueTopic("logdir");
        admin.createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(FAILING_BROKER, 1, 2)))
            .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
        TestCluster.awaitPartition(admin, topic, 0, Duration.ofSeconds(30), "be led by broker 0 with a full ISR",
            info -> TestCluster.leaderId(info) == FAILING_BROKER && info.isr().size() == 3);
        // The state znode names the leader at creation; broker 0 creates the log when it hears of it.
        TmpfsMount tmpfs = await("broker 0 creates the log").atMost(Duration.ofSeconds(30))
            .until(() -> mounts.stream().filter(m -> Files.isDirectory(m.dir().resolve(topic + "-0"))).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
        Path failingDir = tmpfs.dir();

        ConcurrentLinkedQueue<AckedRecords.Ack> acked = new ConcurrentLinkedQueue<>();
        AtomicInteger ackCount = new AtomicInteger();
        Map<String, Integer> sendErrors = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread producer = new Thread(() -> {
            try (KafkaProducer<String, String> p = Clients.producer(cluster.bootstrap(), Map.of(
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                    ProducerConfig.LINGER_MS_CONFIG, "2",
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000",
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000"))) {
                for (long seq = 0; !stop.get(); seq++) {
                    long s = seq;
                    p.send(new ProducerRecord<>(topic, 0, null, AckedRecords.value(s, "")), (md, err) -> {
                        if (err == null) {
                            acked.add(new AckedRecords.Ack(md.offset(), s));
                            ackCount.incrementAndGet();
                        } else {
                            sendErrors.merge(err.toString(), 1, Integer::sum);
                        }
                    });
                    if (seq % 100 == 0) {
                        Thread.sleep(5); // leave CPU to three brokers on a small machine
                    }
                }
                p.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "logdir-producer");
        producer.setDaemon(true);
        producer.start();
        await("acks before the failure").atMost(Duration.ofSeconds(60)).until(() -> ackCount.get() >= 2000);

        fill(tmpfs);

        TopicPartitionInfo moved = TestCluster.awaitPartition(admin, topic, 0, Duration.ofSeconds(30),
            "be led elsewhere without broker 0 in the ISR",
            info -> TestCluster.leaderId(info) >= 0 && TestCluster.leaderId(info) != FAILING_BROKER
                && !TestCluster.isrIds(info).contains(FAILING_BROKER));
        assertThat(TestCluster.isrIds(moved)).hasSize(2);
        assertThat(cluster.broker(FAILING_BROKER).isAlive()).as("broker 0 still has a healthy log dir").isTrue();

        Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(FAILING_BROKER)).descriptions()
            .get(FAILING_BROKER).get(30, TimeUnit.SECONDS);
        String failed = failingDir.toAbsolutePath().toString();
        assertThat(dirs).containsKey(failed).hasSize(2);
        assertThat(dirs.get(failed).error()).isInstanceOf(KafkaStorageException.class);
        dirs.forEach((dir, description) -> {
            if (!dir.equals(failed)) {
                assertThat(description.error()).as("healthy dir %s", dir).isNull();
            }
        });

        int ackedAtMove = ackCount.get();
        await("acks after the failover").atMost(Duration.ofSeconds(60)).until(() -> ackCount.get() >= ackedAtMove + 2000);
        stop.set(true);
        producer.join(150_000);
        assertThat(producer.isAlive()).isFalse();
        assertThat(sendErrors).as("records the producer gave up on").isEmpty();

        AckedRecords.assertReadBackOnceInOrder("after the failover", cluster.bootstrap(),
            new TopicPartition(topic, 0), new ArrayList<>(acked), () -> cluster.logTails(30));
    }

    /** Writes a filler file until the tmpfs is full (ENOSPC). */
    private static void fill(TmpfsMount tmpfs) {
        byte[] chunk = new byte[64 * 1024];
        try (FileOutputStream out = new FileOutputStream(tmpfs.dir().resolve("filler").toFile())) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            assertThat(tmpfs.usableBytes()).as("filled: %s", e.toString()).isLessThan(chunk.length);
        }
    }
}
