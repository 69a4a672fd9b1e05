package io.haeryu.log;

import static io.haeryu.log.LogTestSupport.TOPIC_ID;
import static io.haeryu.log.LogTestSupport.TP;
import static io.haeryu.log.LogTestSupport.records;
import static io.haeryu.log.LogTestSupport.simpleRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Kafka's LogValidator rules for client appends, including records inside compressed batches and KIP-467 errors. */
class AppendValidationTest {
    @RegisterExtension
    final LogTestSupport support = new LogTestSupport();

    /** Where a v2 batch header keeps its base sequence (after producer id and epoch). */
    private static final int BASE_SEQUENCE_OFFSET = 53;
    private static final List<Integer> NULL_KEY_INDEXES = IntStream.range(0, 10).map(i -> 3 + 10 * i).boxed().toList();

    private PartitionLog newLog(LogConfig config) {
        return support.startManager(config).getOrCreateLog(TP, TOPIC_ID, config);
    }

    static Stream<Compression> compressions() {
        return Stream.of(Compression.NONE, Compression.gzip().build(), Compression.snappy().build(),
            Compression.lz4().build(), Compression.zstd().build());
    }

    /** librdkafka's 0011_produce_batch case: 100 records, every tenth (from 3) without a key, compacted topic. */
    private static MemoryRecords hundredWithTenNullKeys(Compression compression) {
        SimpleRecord[] records = new SimpleRecord[100];
        for (int i = 0; i < records.length; i++) {
            byte[] key = NULL_KEY_INDEXES.contains(i) ? null : ("k" + i).getBytes(StandardCharsets.UTF_8);
            records[i] = new SimpleRecord(1000L, key, ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(compression, records);
    }

    @ParameterizedTest
    @MethodSource("compressions")
    void compactedTopicRejectsTheBatchListingEachRecordWithoutAKey(Compression compression) {
        PartitionLog log = newLog(LogConfig.builder().cleanupPolicyCompact(true).cleanupPolicyDelete(false).build());

        RecordValidationException e = catchThrowableOfType(RecordValidationException.class,
            () -> log.appendAsLeader(hundredWithTenNullKeys(compression), 0));

        assertThat(Errors.forException(e)).isEqualTo(Errors.INVALID_RECORD);
        assertThat(e.recordErrors()).extracting(RecordValidationException.RecordError::batchIndex)
            .containsExactlyElementsOf(NULL_KEY_INDEXES);
        assertThat(e.recordErrors()).allSatisfy(r -> assertThat(r.message()).contains("without key"));
        assertThat(e.getMessage()).contains("10 of the batch's 100 records");
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.sizeInBytes()).isZero();
    }

    @ParameterizedTest
    @MethodSource("compressions")
    void nullKeysAreFineOnATopicThatIsNotCompacted(Compression compression) {
        PartitionLog log = newLog(LogConfig.defaults());

        assertThat(log.appendAsLeader(hundredWithTenNullKeys(compression), 0).lastOffset()).isEqualTo(99);
    }

    static Stream<Arguments> countLies() {
        // Three records, claimed as four or as two: count and last offset delta agree, so only reading can tell.
        return compressions().flatMap(c -> Stream.of(Arguments.of(c, 4), Arguments.of(c, 2)));
    }

    @ParameterizedTest
    @MethodSource("countLies")
    void headerCountOtherThanTheRecordsHeldIsRejected(Compression compression, int claimed) {
        PartitionLog log = newLog(LogConfig.defaults());
        MemoryRecords records = MemoryRecords.withRecords(compression, simpleRecords(2L, "a", "b", "c"));
        ByteBuffer buffer = records.buffer();
        buffer.putInt(DefaultRecordBatch.RECORDS_COUNT_OFFSET, claimed);
        buffer.putInt(DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET, claimed - 1);
        fixCrc(records);

        assertThatThrownBy(() -> log.appendAsLeader(records, 0)).isInstanceOf(InvalidRecordException.class);
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void recordsWhoseOffsetDeltasAreNotTheirPositionsAreRejected() {
        PartitionLog log = newLog(LogConfig.defaults());
        MemoryRecords records = records(2L, "a", "b");
        // Record layout: length, attributes, timestamp delta, offset delta (zig-zag varints; small values take a byte).
        ByteBuffer buffer = records.buffer();
        int first = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
        int firstLength = buffer.get(first) >> 1;
        int second = first + 1 + firstLength;
        assertThat(buffer.get(first + 3)).isEqualTo((byte) 0);
        assertThat(buffer.get(second + 3)).isEqualTo((byte) 2);
        buffer.put(first + 3, (byte) 2).put(second + 3, (byte) 0);
        fixCrc(records);

        assertThatThrownBy(() -> log.appendAsLeader(records, 0)).isInstanceOf(InvalidRecordException.class)
            .hasMessageContaining("offset delta");
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void compressedPayloadThatDoesNotDecompressIsRejected() {
        PartitionLog log = newLog(LogConfig.defaults());
        MemoryRecords records = MemoryRecords.withRecords(Compression.gzip().build(), simpleRecords(2L, "a", "b"));
        ByteBuffer buffer = records.buffer();
        int payload = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
        for (int i = payload; i < buffer.limit(); i++) {
            buffer.put(i, (byte) 0x5A); // a valid CRC over garbage: the client meant it
        }
        fixCrc(records);

        Throwable e = catchThrowableOfType(ApiException.class, () -> log.appendAsLeader(records, 0));
        assertThat(e).isInstanceOfAny(CorruptRecordException.class, InvalidRecordException.class);
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void idempotentBatchWithoutASequenceIsRejected() {
        PartitionLog log = newLog(LogConfig.defaults());
        MemoryRecords records = MemoryRecords.withIdempotentRecords(Compression.NONE, 5L, (short) 0, 0,
            simpleRecords(1L, "a"));
        records.buffer().putInt(BASE_SEQUENCE_OFFSET, -1);
        fixCrc(records);

        assertThatThrownBy(() -> log.appendAsLeader(records, 0)).isInstanceOf(InvalidRecordException.class)
            .hasMessageContaining("sequence");
    }

    /** Moves the batch's max timestamp by one, which recomputes the CRC over the edited bytes. */
    private static void fixCrc(MemoryRecords records) {
        DefaultRecordBatch batch = (DefaultRecordBatch) records.batches().iterator().next();
        batch.setMaxTimestamp(TimestampType.CREATE_TIME, batch.maxTimestamp() + 1);
    }
}
