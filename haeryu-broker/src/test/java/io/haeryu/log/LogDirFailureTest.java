package io.haeryu.log;

import static io.haeryu.log.LogTestSupport.TOPIC_ID;
import static io.haeryu.log.LogTestSupport.append;
import static io.haeryu.log.LogTestSupport.readAll;
import static io.haeryu.log.LogTestSupport.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kafka's log directory failure rules in the storage layer: an I/O error takes the log offline at once (nothing is
 * appended or read after it), reports its directory, and the manager then drops that directory's logs without
 * re-creating them elsewhere, keeps using the other directories, and writes no checkpoint or clean-shutdown marker
 * into the failed one, so the next start-up recovers it.
 */
class LogDirFailureTest {

    private static final TopicPartition A = new TopicPartition("orders", 0);
    private static final TopicPartition B = new TopicPartition("orders", 1);

    private final ManualTime time = new ManualTime(1_700_000_000_000L);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private Path root;
    private Path dir1;
    private Path dir2;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createTempDirectory("haeryu-logdir-failure");
        dir1 = root.resolve("d1");
        dir2 = root.resolve("d2");
    }

    @AfterEach
    void tearDown() throws Exception {
        scheduler.shutdownNow();
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private LogManager start() {
        LogManager manager = new LogManager(List.of(dir1, dir2), LogConfig.defaults(), time, scheduler, 3_600_000L,
            LogTestSupport.TEST_CLEANER);
        manager.startup();
        return manager;
    }

    /** A real I/O error on the next write: the active segment's channel is closed under the log. */
    private static void breakActiveSegment(PartitionLog log) throws IOException {
        List<LogSegment> segments = log.segmentList();
        segments.get(segments.size() - 1).closeHandles();
    }

    @Test
    void anIoErrorTakesTheLogOfflineAndNothingIsAppendedOrReadAfterIt() throws IOException {
        LogManager manager = start();
        PartitionLog log = manager.getOrCreateLog(A, TOPIC_ID, LogConfig.defaults());
        append(log, records(1L, "a", "b"));
        log.updateHighWatermark(log.logEndOffset());
        breakActiveSegment(log);

        assertThatThrownBy(() -> log.appendAsLeader(records(1L, "c"), 0)).isInstanceOf(KafkaStorageException.class);

        Path failedDir = log.dir().getParentFile().toPath();
        assertThat(log.isOffline()).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(2);
        assertThat(manager.failureChannel().hasOfflineLogDir(failedDir)).isTrue();
        assertThat(manager.onlineLogDirs()).doesNotContain(failedDir).hasSize(1);
        assertThatThrownBy(() -> log.appendAsLeader(records(1L, "d"), 0)).isInstanceOf(KafkaStorageException.class);
        assertThatThrownBy(() -> log.appendAsFollower(records(1L, "e"))).isInstanceOf(KafkaStorageException.class);
        assertThatThrownBy(() -> log.read(0, 1024, 2, true)).isInstanceOf(KafkaStorageException.class);
    }

    @Test
    void theManagerDropsTheFailedDirectorysLogsAndKeepsServingTheOthers() throws Exception {
        LogManager manager = start();
        PartitionLog a = manager.getOrCreateLog(A, TOPIC_ID, LogConfig.defaults());
        PartitionLog b = manager.getOrCreateLog(B, TOPIC_ID, LogConfig.defaults());
        Path failedDir = a.dir().getParentFile().toPath();
        Path healthyDir = b.dir().getParentFile().toPath();
        assertThat(failedDir).isNotEqualTo(healthyDir); // least loaded dir first: one partition per dir
        append(a, records(1L, "a1"));
        append(b, records(1L, "b1"));
        breakActiveSegment(a);
        assertThatThrownBy(() -> a.appendAsLeader(records(1L, "a2"), 0)).isInstanceOf(KafkaStorageException.class);

        assertThat(manager.failureChannel().takeNextOfflineLogDir()).isEqualTo(failedDir.toAbsolutePath().normalize());
        assertThat(manager.handleLogDirFailure(failedDir)).containsExactly(A);

        assertThat(manager.getLog(A)).isEmpty();
        assertThat(manager.isOfflineLog(A)).isTrue();
        assertThat(manager.offlineLogs()).containsExactly(A);
        // Never re-created empty in the healthy directory: that would hide the records it had.
        assertThatThrownBy(() -> manager.getOrCreateLog(A, TOPIC_ID, LogConfig.defaults()))
            .isInstanceOf(KafkaStorageException.class);
        // New partitions go to the healthy directory; its logs keep working.
        PartitionLog c = manager.getOrCreateLog(new TopicPartition("orders", 2), TOPIC_ID, LogConfig.defaults());
        assertThat(c.dir().getParentFile().toPath()).isEqualTo(healthyDir);
        append(b, records(1L, "b2"));
        b.updateHighWatermark(b.logEndOffset());
        assertThat(readAll(b)).containsExactly("b1", "b2");

        manager.close();
        assertThat(healthyDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER)).exists();
        assertThat(failedDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER)).doesNotExist();

        // After a restart both directories are used again and the failed one's log is recovered.
        LogManager restarted = start();
        assertThat(restarted.onlineLogDirs()).hasSize(2);
        PartitionLog recovered = restarted.getLog(A).orElseThrow();
        recovered.updateHighWatermark(recovered.logEndOffset());
        assertThat(readAll(recovered)).containsExactly("a1");
        restarted.close();
    }

    @Test
    void aDirectoryThatCannotBeLoadedIsOfflineAndTheOthersStart() throws IOException {
        Files.createDirectories(root);
        Files.writeString(dir1, "not a directory"); // loading it fails with an I/O error
        LogManager manager = start();
        assertThat(manager.onlineLogDirs()).containsExactly(dir2);
        assertThat(manager.getOrCreateLog(A, TOPIC_ID, LogConfig.defaults()).dir().getParentFile().toPath())
            .isEqualTo(dir2);
        manager.close();
    }

    @Test
    void startUpFailsWhenNoDirectoryCanBeLoaded() throws IOException {
        Files.createDirectories(root);
        Files.writeString(dir1, "x");
        Files.writeString(dir2, "x");
        LogManager manager = new LogManager(List.of(dir1, dir2), LogConfig.defaults(), time, scheduler, 3_600_000L,
            LogTestSupport.TEST_CLEANER);
        assertThatThrownBy(manager::startup).isInstanceOf(KafkaStorageException.class);
    }
}
