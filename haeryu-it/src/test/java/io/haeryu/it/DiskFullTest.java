package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 9, reproduction 1: the broker's only log dir is a 32 MiB tmpfs; an acks=all idempotent producer writes 1 KB
 * records until the disk is full. Kafka takes the log dir offline at the first write error and, as it was the last
 * one, the broker halts (non-zero exit) without acknowledging the torn write; space is freed (a filler file made
 * first is deleted), the broker restarts, recovery cuts the torn tail, and the producer goes on. Then kill -9 and a
 * restart. Both live and after the restart every acknowledged record is there exactly once, at its acknowledged
 * offset, in send order, and the consumer (which checks every batch's CRC) never meets a corrupt batch.
 */
@Timeout(300)
class DiskFullTest {

    private static final int FILLER_BYTES = 6 * 1024 * 1024;
    private static final int ACKS_AFTER_FREEING = 2000;
    private static final String PADDING = "x".repeat(1000);

    @Test
    void acknowledgedRecordsSurviveAFullDisk() throws Exception {
        Path work = Files.createTempDirectory("haeryu-it-diskfull-");
        Path logDir = work.resolve("logs");
        try (TmpfsMount tmpfs = TmpfsMount.mount(logDir, 32)) {
            try {
                run(tmpfs);
            } finally {
                tmpfs.close(); // the broker is stopped by now: unmount before deleting the mount point
                deleteRecursively(work);
            }
        }
    }

    private void run(TmpfsMount tmpfs) throws Exception {
        Path filler = tmpfs.dir().resolve("filler");
        try (RandomAccessFile f = new RandomAccessFile(filler.toFile(), "rw")) {
            f.write(new byte[FILLER_BYTES]); // real pages, not a sparse file
        }
        // The embedded ZooKeeper lives beside the log dir (logs-zookeeper), not on the tmpfs.
        try (BrokerProcess broker = BrokerProcess.start(Map.of("log.dirs", tmpfs.dir().toString(),
                "log.segment.bytes", Integer.toString(4 * 1024 * 1024)))) {
            String topic = Clients.uniqueTopic("diskfull");
            try (Admin admin = Clients.admin(broker.bootstrap())) {
                Clients.createTopic(admin, topic, 1);
            }
            ConcurrentLinkedQueue<AckedRecords.Ack> acked = new ConcurrentLinkedQueue<>();
            AtomicInteger ackCount = new AtomicInteger();
            Map<String, Integer> sendErrors = new java.util.concurrent.ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> producerCrash = new AtomicReference<>();
            Map<String, Object> cfg = Map.of(
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                    ProducerConfig.LINGER_MS_CONFIG, "5",
                    // Small buffer: a halted broker must not leave 32 MB queued for the freed few MB.
                    ProducerConfig.BUFFER_MEMORY_CONFIG, Integer.toString(512 * 1024),
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000",
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
            Thread producer = new Thread(() -> {
                try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(), cfg)) {
                    long seq = 0;
                    while (!stop.get()) {
                        long s = seq;
                        try {
                            p.send(new ProducerRecord<>(topic, 0, null, AckedRecords.value(s, PADDING)), (md, err) -> {
                                if (err == null) {
                                    acked.add(new AckedRecords.Ack(md.offset(), s));
                                    ackCount.incrementAndGet();
                                } else {
                                    sendErrors.merge(err.toString(), 1, Integer::sum);
                                }
                            });
                            seq++;
                        } catch (RuntimeException e) {
                            // buffer full while the broker is down or refusing: try again
                        }
                    }
                    p.flush();
                } catch (Throwable t) {
                    producerCrash.set(t);
                }
            }, "diskfull-producer");
            producer.setDaemon(true);
            producer.start();

            // 1. Until the disk is full.
            await("disk full").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .until(() -> tmpfs.usableBytes() < 64 * 1024 || !broker.isAlive() || producerCrash.get() != null);
            assertThat(producerCrash.get()).isNull();
            // Kafka: the write error takes the (only) log dir offline and the broker halts.
            boolean halted;
            try {
                await("broker halts").atMost(Duration.ofSeconds(30)).until(() -> !broker.isAlive());
                halted = true;
            } catch (ConditionTimeoutException e) {
                halted = false; // asserted below, after showing what the data looks like
            }
            String logAfterFailure = broker.logTail(400);

            // 2. Free space; restart if the broker stopped; go on.
            Files.delete(filler);
            if (!broker.isAlive()) {
                broker.restart();
            }
            int ackedAtFree = ackCount.get();
            await("acks after freeing space").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .until(() -> ackCount.get() >= ackedAtFree + ACKS_AFTER_FREEING || producerCrash.get() != null);
            stop.set(true);
            producer.join(150_000);
            assertThat(producer.isAlive()).as("producer finished").isFalse();
            assertThat(producerCrash.get()).isNull();
            List<AckedRecords.Ack> acks = new ArrayList<>(acked);
            assertThat(acks).as("acks before and after the full disk").hasSizeGreaterThan(ACKS_AFTER_FREEING);
            TopicPartition tp = new TopicPartition(topic, 0);

            AckedRecords.assertReadBackOnceInOrder("live", broker.bootstrap(), tp, acks, () -> broker.logTail(40));

            // 3. kill -9 and restart: recovery keeps all of it.
            broker.kill9();
            broker.restart();
            AckedRecords.assertReadBackOnceInOrder("after kill -9 and restart", broker.bootstrap(), tp, acks,
                    () -> broker.logTail(40));

            assertThat(halted).as("the broker halts when its last log dir fails; log:\n%s", logAfterFailure).isTrue();
            assertThat(broker.exitCode()).isEmpty(); // running again
            assertThat(logAfterFailure).contains("all its log directories have failed");
            // Sends refused before reaching the producer's buffer (broker down) are fine; nothing sent may fail.
            assertThat(sendErrors.keySet()).as("records the producer gave up on")
                    .allMatch(e -> e.contains("BufferExhaustedException") || e.contains("not present in metadata"));
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
