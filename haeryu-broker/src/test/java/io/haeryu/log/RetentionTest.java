package io.haeryu.log;

import static io.haeryu.log.LogTestSupport.TOPIC_ID;
import static io.haeryu.log.LogTestSupport.TP;
import static io.haeryu.log.LogTestSupport.append;
import static io.haeryu.log.LogTestSupport.readAll;
import static io.haeryu.log.LogTestSupport.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RetentionTest {
    @RegisterExtension
    final LogTestSupport support = new LogTestSupport();

    private List<String> fileNames() throws IOException {
        try (Stream<Path> files = Files.list(support.logDir.resolve(TP.topic() + "-" + TP.partition()))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void segmentsOlderThanRetentionMsAreDeletedButNeverTheActiveOne() throws IOException {
        LogConfig config = LogConfig.builder().segmentBytes(300).retentionMs(10_000).fileDeleteDelayMs(3_600_000)
            .build();
        LogManager manager = support.startManager(config);
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, config);
        for (int i = 0; i < 10; i++) {
            append(log, records(support.time.milliseconds(), "old" + i));
        }
        support.time.advance(5_000);
        for (int i = 0; i < 10; i++) {
            append(log, records(support.time.milliseconds(), "new" + i));
        }
        assertThat(manager.runRetention()).isZero();

        support.time.advance(5_001); // the old batches are now 10 001 ms old, the new ones 5 001 ms
        int deleted = manager.runRetention();

        assertThat(deleted).isPositive();
        List<String> remaining = readAll(log);
        assertThat(remaining).contains("new0", "new9").doesNotContain("old0");
        assertThat(log.logStartOffset()).isPositive().isLessThanOrEqualTo(10);
        assertThat(fileNames()).anyMatch(name -> name.endsWith(".log.deleted"));

        support.time.advance(10_000); // now everything is expired, but the active segment stays
        manager.runRetention();
        assertThat(log.numberOfSegments()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(log.logEndOffset() - readAll(log).size());
    }

    @Test
    void oldestSegmentsAreDeletedWhileTheLogExceedsRetentionBytes() {
        LogConfig unlimited = LogConfig.builder().segmentBytes(300).fileDeleteDelayMs(0).build();
        LogManager manager = support.startManager(unlimited);
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, unlimited);
        for (int i = 0; i < 40; i++) {
            append(log, records(support.time.milliseconds(), "value-" + i));
        }
        long totalBefore = log.sizeInBytes();
        int segmentsBefore = log.numberOfSegments();
        assertThat(manager.runRetention()).isZero();

        long retentionBytes = totalBefore / 2;
        log.updateConfig(unlimited.toBuilder().retentionBytes(retentionBytes).build());
        int deleted = manager.runRetention();

        assertThat(deleted).isPositive();
        assertThat(log.numberOfSegments()).isEqualTo(segmentsBefore - deleted);
        assertThat(log.sizeInBytes()).isGreaterThanOrEqualTo(retentionBytes).isLessThan(retentionBytes + 300);
        assertThat(readAll(log)).last().isEqualTo("value-39");
        assertThat(readAll(log)).first().isEqualTo("value-" + log.logStartOffset());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(fileNames()).noneMatch(name -> name.endsWith(".deleted")));
    }

    @Test
    void segmentsAboveTheHighWatermarkAreKept() {
        LogConfig config = LogConfig.builder().segmentBytes(300).retentionBytes(0).build();
        LogManager manager = support.startManager(config);
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, config);
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(records(1L, "uncommitted-" + i), 0);
        }

        assertThat(manager.runRetention()).isZero();
        log.updateHighWatermark(log.logEndOffset());
        assertThat(manager.runRetention()).isPositive();
        assertThat(log.numberOfSegments()).isEqualTo(1);
    }
}
