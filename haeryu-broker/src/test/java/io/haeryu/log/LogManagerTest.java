package io.haeryu.log;

import static io.haeryu.log.LogTestSupport.TOPIC_ID;
import static io.haeryu.log.LogTestSupport.TP;
import static io.haeryu.log.LogTestSupport.append;
import static io.haeryu.log.LogTestSupport.readAll;
import static io.haeryu.log.LogTestSupport.records;
import static io.haeryu.log.LogTestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentTopicIdException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LogManagerTest {
    @RegisterExtension
    final LogTestSupport support = new LogTestSupport();

    private List<String> dirNames(Path parent) throws IOException {
        try (Stream<Path> files = Files.list(parent)) {
            return files.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void getOrCreateLogIsIdempotentAndChecksTheTopicId() {
        LogManager manager = support.startManager(LogConfig.defaults());

        PartitionLog first = manager.getOrCreateLog(TP, TOPIC_ID, LogConfig.defaults());
        PartitionLog second = manager.getOrCreateLog(TP, TOPIC_ID, LogConfig.defaults());

        assertThat(second).isSameAs(first);
        assertThat(manager.getLog(TP)).containsSame(first);
        assertThat(manager.allLogs()).containsExactly(first);
        assertThat(support.logDir.resolve("orders-0").resolve("partition.metadata")).content().contains(TOPIC_ID.toString());
        assertThatThrownBy(() -> manager.getOrCreateLog(TP, Uuid.randomUuid(), LogConfig.defaults()))
            .isInstanceOf(InconsistentTopicIdException.class);
        LogConfig override = LogConfig.builder().retentionBytes(1234).build();
        assertThat(manager.getOrCreateLog(TP, TOPIC_ID, override).config()).isEqualTo(override);
    }

    @Test
    void deleteLogRenamesTheDirectoryAndDeletesItAfterTheDelay() throws IOException {
        LogConfig config = LogConfig.builder().fileDeleteDelayMs(300).build();
        LogManager manager = support.startManager(config);
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, config);
        append(log, records(1L, "a", "b"));
        Records inFlight = log.read(0, 10_000, 2, false).records();

        manager.deleteLog(TP);

        assertThat(manager.getLog(TP)).isEmpty();
        assertThat(dirNames(support.logDir)).singleElement().satisfies(name ->
            assertThat(name).startsWith("orders-0.").endsWith("-delete"));
        assertThat(values(inFlight)).containsExactly("a", "b"); // still readable until the delayed deletion
        assertThatThrownBy(() -> log.appendAsLeader(records(1L, "c"), 0)).isInstanceOf(KafkaStorageException.class);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(dirNames(support.logDir)).isEmpty());

        PartitionLog recreated = manager.getOrCreateLog(TP, TOPIC_ID, config);
        assertThat(recreated.logEndOffset()).isZero();
    }

    @Test
    void directoriesPendingDeletionAreRemovedAtStartup() throws IOException {
        LogConfig config = LogConfig.builder().fileDeleteDelayMs(3_600_000).build();
        LogManager manager = support.startManager(config);
        append(manager.getOrCreateLog(TP, TOPIC_ID, config), records(1L, "a"));
        manager.deleteLog(TP);
        manager.close();

        LogManager restarted = support.startManager(config);

        assertThat(restarted.allLogs()).isEmpty();
        assertThat(dirNames(support.logDir)).isEmpty();
    }

    @Test
    void logsAreSpreadOverLogDirsAndReloadedFromAll() throws Exception {
        Path dirA = support.logDir.resolve("a");
        Path dirB = support.logDir.resolve("b");
        List<TopicPartition> partitions = List.of(new TopicPartition("t", 0), new TopicPartition("t", 1),
            new TopicPartition("my-topic.v2", 10), new TopicPartition("t", 3));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            LogManager manager = new LogManager(List.of(dirA, dirB), LogConfig.defaults(), support.time, scheduler);
            manager.startup();
            for (TopicPartition tp : partitions) {
                append(manager.getOrCreateLog(tp, TOPIC_ID, LogConfig.defaults()), records(1L, tp.toString()));
            }
            manager.close();
            assertThat(dirNames(dirA)).hasSize(2);
            assertThat(dirNames(dirB)).hasSize(2);
            assertThat(dirA.resolve(LogManager.CLEAN_SHUTDOWN_MARKER)).exists();

            LogManager reloaded = new LogManager(List.of(dirA, dirB), LogConfig.defaults(), support.time, scheduler);
            reloaded.startup();
            for (TopicPartition tp : partitions) {
                PartitionLog log = reloaded.getLog(tp).orElseThrow();
                assertThat(log.highWatermark()).isEqualTo(1);
                assertThat(readAll(log)).containsExactly(tp.toString());
            }
            assertThat(dirA.resolve(LogManager.CLEAN_SHUTDOWN_MARKER)).doesNotExist();
            reloaded.close();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void partitionDirectoryNamesAreParsedFromTheLastDash() {
        assertThat(LogManager.parsePartitionDirName("my-topic-12")).isEqualTo(new TopicPartition("my-topic", 12));
        assertThat(LogManager.parsePartitionDirName("no_partition")).isNull();
        assertThat(LogManager.parsePartitionDirName("topic-x")).isNull();
    }
}
