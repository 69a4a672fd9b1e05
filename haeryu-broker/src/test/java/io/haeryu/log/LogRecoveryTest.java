package io.haeryu.log;

import static io.haeryu.log.LogTestSupport.TOPIC_ID;
import static io.haeryu.log.LogTestSupport.TP;
import static io.haeryu.log.LogTestSupport.append;
import static io.haeryu.log.LogTestSupport.offsets;
import static io.haeryu.log.LogTestSupport.readAll;
import static io.haeryu.log.LogTestSupport.records;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LogRecoveryTest {
    private static final LogConfig SMALL_SEGMENTS = LogConfig.builder().segmentBytes(400).indexIntervalBytes(1).build();

    @RegisterExtension
    final LogTestSupport support = new LogTestSupport();

    private PartitionLog appendValues(LogManager manager, int count) {
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, SMALL_SEGMENTS);
        for (int i = 0; i < count; i++) {
            append(log, records(1000L + i, "v" + i));
        }
        return log;
    }

    private static List<String> expectedValues(int count) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add("v" + i);
        }
        return values;
    }

    private Path partitionDir() {
        return support.logDir.resolve(TP.topic() + "-" + TP.partition());
    }

    private List<Path> files(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(partitionDir())) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void tornTailIsCutOffAfterACrashAndAppendsContinue() throws IOException {
        PartitionLog crashed = appendValues(support.startManager(SMALL_SEGMENTS), 20);
        assertThat(crashed.numberOfSegments()).isGreaterThan(2);
        Path activeLog = files(".log").get(files(".log").size() - 1);
        long size = Files.size(activeLog);
        try (RandomAccessFile file = new RandomAccessFile(activeLog.toFile(), "rw")) {
            file.setLength(size - 10); // the last batch is now torn
            file.seek(size - 10);
            file.write(new byte[] {0, 0, 0, 0, 0, 0, 0, 42, 0, 0, 0, 60, 1, 2, 3, 4, 5}); // and followed by garbage
        }

        PartitionLog recovered = support.startManager(SMALL_SEGMENTS).getLog(TP).orElseThrow();

        assertThat(recovered.logEndOffset()).isEqualTo(19);
        assertThat(recovered.highWatermark()).isLessThanOrEqualTo(19);
        recovered.updateHighWatermark(recovered.logEndOffset());
        assertThat(readAll(recovered)).isEqualTo(expectedValues(19));
        assertThat(append(recovered, records(1L, "after")).firstOffset()).isEqualTo(19);
        assertThat(offsets(recovered.read(18, 10_000, 20, false).records())).containsExactly(18L, 19L);
    }

    @Test
    void corruptBatchInAnOlderSegmentTruncatesThereAndDropsLaterSegments() throws IOException {
        PartitionLog crashed = appendValues(support.startManager(SMALL_SEGMENTS), 20);
        List<Path> logs = files(".log");
        assertThat(logs.size()).isGreaterThan(2);
        Path second = logs.get(1);
        long secondBase = Long.parseLong(second.getFileName().toString().substring(0, 20));
        try (RandomAccessFile file = new RandomAccessFile(second.toFile(), "rw")) {
            file.seek(file.length() - 1); // flip a byte inside the last batch's records: its CRC no longer matches
            int b = file.read();
            file.seek(file.length() - 1);
            file.write(b ^ 0xff);
        }
        long secondNext = crashed.logEndOffset();

        PartitionLog recovered = support.startManager(SMALL_SEGMENTS).getLog(TP).orElseThrow();

        assertThat(recovered.logEndOffset()).isGreaterThan(secondBase).isLessThan(secondNext);
        assertThat(recovered.numberOfSegments()).isEqualTo(2);
        recovered.updateHighWatermark(recovered.logEndOffset());
        assertThat(readAll(recovered)).isEqualTo(expectedValues((int) recovered.logEndOffset()));
    }

    @Test
    void cleanShutdownKeepsHighWatermarkAndLogEnd() {
        LogManager manager = support.startManager(SMALL_SEGMENTS);
        PartitionLog log = appendValues(manager, 10);
        log.appendAsLeader(records(1L, "not yet committed"), 0);
        manager.close();

        PartitionLog reopened = support.startManager(SMALL_SEGMENTS).getLog(TP).orElseThrow();

        assertThat(reopened.logEndOffset()).isEqualTo(11);
        assertThat(reopened.highWatermark()).isEqualTo(10);
        assertThat(reopened.topicId()).isEqualTo(TOPIC_ID);
        assertThat(reopened.numberOfSegments()).isEqualTo(log.numberOfSegments());
    }

    @Test
    void deletedIndexesAreRebuilt() throws IOException {
        LogManager manager = support.startManager(SMALL_SEGMENTS);
        PartitionLog log = appendValues(manager, 20);
        TimestampAndOffset maxBefore = log.maxTimestampAndOffset();
        manager.close();
        for (Path index : files(".index")) {
            Files.delete(index);
        }
        for (Path index : files(".timeindex")) {
            Files.delete(index);
        }

        LogManager reopenedManager = support.startManager(SMALL_SEGMENTS);
        PartitionLog reopened = reopenedManager.getLog(TP).orElseThrow();

        assertThat(readAll(reopened)).isEqualTo(expectedValues(20));
        assertThat(reopened.offsetForTimestamp(1007)).contains(new TimestampAndOffset(1007, 7, 7));
        assertThat(reopened.maxTimestampAndOffset()).isEqualTo(maxBefore);
        reopenedManager.close();
        assertThat(files(".index")).hasSize(files(".log").size())
            .allSatisfy(index -> assertThat(Files.size(index)).isPositive());
    }

    @Test
    void corruptIndexIsRebuilt() throws IOException {
        LogManager manager = support.startManager(SMALL_SEGMENTS);
        appendValues(manager, 20);
        manager.close();
        Path firstIndex = files(".index").get(0);
        byte[] garbage = new byte[(int) Files.size(firstIndex)];
        java.util.Arrays.fill(garbage, (byte) 0x7f);
        Files.write(firstIndex, garbage);

        PartitionLog reopened = support.startManager(SMALL_SEGMENTS).getLog(TP).orElseThrow();

        assertThat(readAll(reopened)).isEqualTo(expectedValues(20));
        for (long offset = 0; offset < 20; offset++) {
            assertThat(offsets(reopened.read(offset, 10_000, 20, false).records())).first().isEqualTo(offset);
        }
    }

    @Test
    void uncleanRestartTrustsSegmentsBelowTheCheckpointedRecoveryPoint() throws IOException {
        LogManager manager = support.startManager(SMALL_SEGMENTS);
        PartitionLog crashed = appendValues(manager, 20);
        crashed.flush();
        manager.checkpoint(); // what the periodic checkpoint task does
        append(crashed, records(1L, "unflushed"));
        Path firstLog = files(".log").get(0);
        try (RandomAccessFile file = new RandomAccessFile(firstLog.toFile(), "rw")) {
            file.seek(file.length() - 1); // damage below the recovery point: recovery must not look there
            int b = file.read();
            file.seek(file.length() - 1);
            file.write(b ^ 0xff);
        }

        PartitionLog recovered = support.startManager(SMALL_SEGMENTS).getLog(TP).orElseThrow();

        assertThat(recovered.logEndOffset()).isEqualTo(21);
        assertThat(recovered.highWatermark()).isEqualTo(20);
    }
}
