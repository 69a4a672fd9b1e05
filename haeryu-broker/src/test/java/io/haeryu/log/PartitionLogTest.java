package io.haeryu.log;

import static io.haeryu.log.LogTestSupport.TOPIC_ID;
import static io.haeryu.log.LogTestSupport.TP;
import static io.haeryu.log.LogTestSupport.append;
import static io.haeryu.log.LogTestSupport.batches;
import static io.haeryu.log.LogTestSupport.offsets;
import static io.haeryu.log.LogTestSupport.readAll;
import static io.haeryu.log.LogTestSupport.records;
import static io.haeryu.log.LogTestSupport.simpleRecords;
import static io.haeryu.log.LogTestSupport.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PartitionLogTest {
    @RegisterExtension
    final LogTestSupport support = new LogTestSupport();

    private PartitionLog newLog(LogConfig config) {
        return support.startManager(config).getOrCreateLog(TP, TOPIC_ID, config);
    }

    @Test
    void assignsOffsetsAndLeaderEpochAndReadsBack() {
        PartitionLog log = newLog(LogConfig.defaults());

        LogAppendInfo first = append(log, records(10L, "a", "b"));
        LogAppendInfo second = append(log, records(20L, "c"));

        assertThat(first).isEqualTo(new LogAppendInfo(0, 1, -1, 0, 2, false));
        assertThat(second.firstOffset()).isEqualTo(2);
        assertThat(second.lastOffset()).isEqualTo(2);
        LogReadInfo read = log.read(0, 10_000, log.highWatermark(), false);
        assertThat(read.records()).isInstanceOf(FileRecords.class);
        assertThat(offsets(read.records())).containsExactly(0L, 1L, 2L);
        assertThat(values(read.records())).containsExactly("a", "b", "c");
        assertThat(batches(read.records())).allSatisfy(b -> assertThat(b.partitionLeaderEpoch()).isEqualTo(7));
        assertThat(read.highWatermark()).isEqualTo(3);
        assertThat(read.logEndOffset()).isEqualTo(3);
    }

    @Test
    void readFromTheMiddleOfABatchReturnsTheWholeBatch() {
        PartitionLog log = newLog(LogConfig.defaults());
        append(log, records(10L, "a", "b", "c"));
        append(log, records(10L, "d"));

        Records records = log.read(1, 10_000, log.highWatermark(), false).records();

        assertThat(batches(records)).extracting(RecordBatch::baseOffset).containsExactly(0L, 3L);
    }

    @Test
    void readsAcrossSegmentRolls() {
        PartitionLog log = newLog(LogConfig.builder().segmentBytes(300).indexIntervalBytes(1).build());
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            append(log, records(i, "value-" + i));
            expected.add("value-" + i);
        }

        assertThat(log.numberOfSegments()).isGreaterThan(5);
        assertThat(readAll(log)).isEqualTo(expected);
        for (long offset = 0; offset < 50; offset++) {
            Records records = log.read(offset, 100_000, log.highWatermark(), false).records();
            assertThat(offsets(records)).first().isEqualTo(offset);
        }
    }

    @Test
    void maxBytesReturnsOnlyWholeBatchesAndMinOneMessageOverridesIt() {
        PartitionLog log = newLog(LogConfig.defaults());
        for (int i = 0; i < 5; i++) {
            append(log, records(1L, "0123456789"));
        }
        int batchSize = batches(log.read(0, 100_000, 5, false).records()).get(0).sizeInBytes();

        Records twoAndAHalf = log.read(0, batchSize * 5 / 2, 5, false).records();
        Records tooSmall = log.read(0, batchSize - 1, 5, false).records();
        Records minOne = log.read(0, batchSize - 1, 5, true).records();

        assertThat(twoAndAHalf.sizeInBytes()).isEqualTo(2 * batchSize);
        assertThat(offsets(twoAndAHalf)).containsExactly(0L, 1L);
        assertThat(tooSmall.sizeInBytes()).isZero();
        assertThat(offsets(minOne)).containsExactly(0L);
        assertThat(minOne.sizeInBytes()).isEqualTo(batchSize);
    }

    @Test
    void readNeverReachesMaxOffsetExclusive() {
        PartitionLog log = newLog(LogConfig.defaults());
        append(log, records(1L, "a"));
        append(log, records(1L, "b"));
        log.appendAsLeader(records(1L, "c"), 7); // not yet below the high watermark

        assertThat(offsets(log.read(0, 100_000, log.highWatermark(), false).records())).containsExactly(0L, 1L);
        assertThat(offsets(log.read(0, 100_000, 1, false).records())).containsExactly(0L);
        assertThat(log.read(2, 100_000, log.highWatermark(), false).records().sizeInBytes()).isZero();
    }

    @Test
    void offsetsOutsideTheLogAreOutOfRangeAndTheLogEndIsEmpty() {
        PartitionLog log = newLog(LogConfig.defaults());
        append(log, records(1L, "a", "b"));

        assertThatThrownBy(() -> log.read(3, 1000, 2, false)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThatThrownBy(() -> log.read(-1, 1000, 2, false)).isInstanceOf(OffsetOutOfRangeException.class);
        LogReadInfo atEnd = log.read(2, 1000, 2, false);
        assertThat(atEnd.records()).isSameAs(MemoryRecords.EMPTY);
    }

    @Test
    void findsOffsetsByTimestampAndTheMaxTimestamp() {
        PartitionLog log = newLog(LogConfig.builder().segmentBytes(400).indexIntervalBytes(1).build());
        for (int i = 0; i < 30; i++) {
            append(log, MemoryRecords.withRecords(Compression.NONE, simpleRecords(1000L + 10 * i, "x", "y")[0],
                new org.apache.kafka.common.record.internal.SimpleRecord(1000L + 10 * i + 5, null, "z".getBytes())));
        }
        assertThat(log.numberOfSegments()).isGreaterThan(2);

        // Batch i holds offsets 2i (ts 1000+10i) and 2i+1 (ts 1000+10i+5).
        assertThat(log.offsetForTimestamp(0)).contains(new TimestampAndOffset(1000, 0, 7));
        assertThat(log.offsetForTimestamp(1101)).contains(new TimestampAndOffset(1105, 21, 7));
        assertThat(log.offsetForTimestamp(1105)).contains(new TimestampAndOffset(1105, 21, 7));
        assertThat(log.offsetForTimestamp(1106)).contains(new TimestampAndOffset(1110, 22, 7));
        assertThat(log.offsetForTimestamp(1296)).isEmpty();
        assertThat(log.maxTimestampAndOffset()).isEqualTo(new TimestampAndOffset(1295, 59, 7));
    }

    @Test
    void logAppendTimeStampsBrokerTime() {
        PartitionLog log = newLog(LogConfig.builder().messageTimestampType(TimestampType.LOG_APPEND_TIME).build());

        LogAppendInfo info = append(log, records(5L, "a", "b"));

        long now = support.time.milliseconds();
        assertThat(info.logAppendTime()).isEqualTo(now);
        RecordBatch batch = batches(log.read(0, 1000, 2, false).records()).get(0);
        assertThat(batch.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(batch.maxTimestamp()).isEqualTo(now);
        batch.ensureValid();
        assertThat(log.maxTimestampAndOffset()).isEqualTo(new TimestampAndOffset(now, 0, 7));
    }

    @Test
    void corruptBatchIsRejectedAndNothingIsWritten() {
        PartitionLog log = newLog(LogConfig.defaults());
        MemoryRecords good = records(1L, "good");
        MemoryRecords bad = records(1L, "bad");
        ByteBuffer combined = ByteBuffer.allocate(good.sizeInBytes() + bad.sizeInBytes());
        combined.put(good.buffer().duplicate()).put(bad.buffer().duplicate()).flip();
        combined.put(combined.limit() - 1, (byte) (combined.get(combined.limit() - 1) ^ 0xff));

        assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.readableRecords(combined), 0))
            .isInstanceOf(CorruptRecordException.class);
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.sizeInBytes()).isZero();
    }

    @Test
    void truncatedTrailingBatchIsRejected() {
        PartitionLog log = newLog(LogConfig.defaults());
        MemoryRecords good = records(1L, "good", "also good");
        ByteBuffer tornNext = records(1L, "torn").buffer().duplicate().limit(30);
        ByteBuffer withTail = ByteBuffer.allocate(good.sizeInBytes() + 30).put(good.buffer().duplicate()).put(tornNext)
            .flip();

        assertThatThrownBy(() -> log.appendAsLeader(MemoryRecords.readableRecords(withTail), 0))
            .isInstanceOf(CorruptRecordException.class);
        assertThat(log.sizeInBytes()).isZero();
    }

    @Test
    void batchLargerThanMaxMessageBytesIsRejected() {
        PartitionLog log = newLog(LogConfig.builder().maxMessageBytes(100).build());

        assertThatThrownBy(() -> log.appendAsLeader(records(1L, "x".repeat(200)), 0))
            .isInstanceOf(RecordTooLargeException.class);
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void oldMagicIsRejected() {
        PartitionLog log = newLog(LogConfig.defaults());
        MemoryRecords v1 = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1, Compression.NONE,
            simpleRecords(1L, "old"));

        assertThatThrownBy(() -> log.appendAsLeader(v1, 0)).isInstanceOf(UnsupportedVersionException.class);
    }

    @Test
    void batchWhoseCountDisagreesWithItsOffsetsIsRejected() {
        PartitionLog log = newLog(LogConfig.defaults());
        MemoryRecords records = records(1L, "a", "b");
        // Raise the declared count and fix the CRC so only the count check can catch it.
        ByteBuffer buffer = records.buffer();
        buffer.putInt(DefaultRecordBatch.RECORDS_COUNT_OFFSET, 3);
        DefaultRecordBatch batch = (DefaultRecordBatch) records.batches().iterator().next();
        batch.setMaxTimestamp(TimestampType.CREATE_TIME, batch.maxTimestamp() + 1);

        assertThatThrownBy(() -> log.appendAsLeader(records, 0)).isInstanceOf(InvalidRecordException.class);
        assertThat(log.logEndOffset()).isZero();
    }

    static Stream<Compression> compressions() {
        return Stream.of(Compression.gzip().build(), Compression.snappy().build(), Compression.lz4().build(),
            Compression.zstd().build());
    }

    @ParameterizedTest
    @MethodSource("compressions")
    void compressedBatchesAreStoredAsSent(Compression compression) {
        PartitionLog log = newLog(LogConfig.defaults());
        append(log, records(1L, "plain"));
        MemoryRecords compressed = MemoryRecords.withRecords(compression, simpleRecords(2L, "c1", "c2", "c3"));
        ByteBuffer sentBody = compressed.buffer().duplicate();
        sentBody.position(DefaultRecordBatch.RECORD_BATCH_OVERHEAD);

        LogAppendInfo info = append(log, compressed);

        assertThat(info.firstOffset()).isEqualTo(1);
        assertThat(info.lastOffset()).isEqualTo(3);
        Records read = log.read(1, 100_000, log.highWatermark(), false).records();
        RecordBatch batch = batches(read).get(0);
        batch.ensureValid();
        assertThat(batch.compressionType()).isEqualTo(compression.type());
        assertThat(values(read)).containsExactly("c1", "c2", "c3");
        assertThat(offsets(read)).containsExactly(1L, 2L, 3L);
        ByteBuffer stored = ByteBuffer.allocate(read.sizeInBytes());
        batch.writeTo(stored);
        stored.position(DefaultRecordBatch.RECORD_BATCH_OVERHEAD);
        assertThat(stored).isEqualTo(sentBody);
    }

    @Test
    void deleteRecordsMovesTheLogStartAndDropsWholeSegmentsBelowIt() {
        PartitionLog log = newLog(LogConfig.builder().segmentBytes(200).fileDeleteDelayMs(0).build());
        for (int i = 0; i < 20; i++) {
            append(log, records(1L, "v" + i));
        }
        int segmentsBefore = log.numberOfSegments();

        log.deleteRecordsBefore(9);

        assertThat(log.logStartOffset()).isEqualTo(9);
        assertThat(log.numberOfSegments()).isLessThan(segmentsBefore);
        assertThatThrownBy(() -> log.read(8, 1000, 20, false)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(offsets(log.read(9, 100_000, 20, false).records())).contains(9L);
        assertThatThrownBy(() -> log.deleteRecordsBefore(21)).isInstanceOf(OffsetOutOfRangeException.class);

        log.deleteRecordsBefore(20);
        assertThat(log.logStartOffset()).isEqualTo(20);
        assertThat(log.numberOfSegments()).isEqualTo(1);
        assertThat(append(log, records(1L, "next")).firstOffset()).isEqualTo(20);
    }

    @Test
    void rollsWhenSegmentMsPassedSinceTheFirstBatch() {
        PartitionLog log = newLog(LogConfig.builder().segmentMs(1000)
            .messageTimestampType(TimestampType.LOG_APPEND_TIME).build());
        append(log, records(1L, "a"));
        support.time.advance(1000);
        append(log, records(1L, "b"));
        assertThat(log.numberOfSegments()).isEqualTo(1);

        support.time.advance(1);
        append(log, records(1L, "c"));

        assertThat(log.numberOfSegments()).isEqualTo(2);
        assertThat(readAll(log)).containsExactly("a", "b", "c");
    }

    @Test
    void flushesEveryFlushIntervalMessages() {
        PartitionLog log = newLog(LogConfig.builder().flushIntervalMessages(3).build());

        append(log, records(1L, "a", "b"));
        assertThat(log.recoveryPoint()).isZero();
        append(log, records(1L, "c"));

        assertThat(log.recoveryPoint()).isEqualTo(3);
    }

    @Test
    void concurrentReadersOnlySeeCompleteBatches() throws Exception {
        PartitionLog log = newLog(LogConfig.builder().segmentBytes(2000).indexIntervalBytes(100).build());
        int batches = 400;
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                long next = 0;
                while (next < batches) {
                    Records records = log.read(next, 700, log.highWatermark(), true).records();
                    for (RecordBatch batch : records.batches()) {
                        batch.ensureValid();
                        assertThat(batch.baseOffset()).isEqualTo(next);
                        next = batch.nextOffset();
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        for (int i = 0; i < batches; i++) {
            append(log, records(i, "value-" + i));
        }
        reader.join(30_000);

        assertThat(reader.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
        assertThat(log.numberOfSegments()).isGreaterThan(10);
    }

    @Test
    void offsetForTimestampIgnoresRecordsBelowTheLogStartOffset() {
        PartitionLog log = newLog(LogConfig.defaults());
        append(log, records(100L, "a", "b", "c"));
        append(log, records(200L, "d"));

        log.deleteRecordsBefore(2);

        assertThat(log.offsetForTimestamp(50)).contains(new TimestampAndOffset(100, 2, 7));
        assertThat(log.offsetForTimestamp(150)).contains(new TimestampAndOffset(200, 3, 7));
    }
}
