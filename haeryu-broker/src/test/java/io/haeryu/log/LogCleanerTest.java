package io.haeryu.log;

import static io.haeryu.log.LogTestSupport.TOPIC_ID;
import static io.haeryu.log.LogTestSupport.TP;
import static io.haeryu.log.LogTestSupport.append;
import static io.haeryu.log.LogTestSupport.batches;
import static io.haeryu.log.LogTestSupport.keyed;
import static io.haeryu.log.LogTestSupport.readKeyed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.haeryu.log.LogTestSupport.KeyedRecord;

class LogCleanerTest {
    private static final LogConfig COMPACTED = LogConfig.builder().cleanupPolicyCompact(true).cleanupPolicyDelete(false)
        .segmentBytes(1024).segmentIndexBytes(4096).fileDeleteDelayMs(3_600_000).build();

    @RegisterExtension
    final LogTestSupport support = new LogTestSupport();

    private Path partitionDir() {
        return support.logDir.resolve(TP.topic() + "-" + TP.partition());
    }

    private long now() {
        return support.time.milliseconds();
    }

    /** The latest value of every key, in key order of first appearance. */
    private static Map<String, String> latestByKey(List<KeyedRecord> records) {
        Map<String, String> latest = new LinkedHashMap<>();
        for (KeyedRecord record : records) {
            latest.put(record.key(), record.value());
        }
        return latest;
    }

    private static void assertStrictlyIncreasingOffsets(List<KeyedRecord> records) {
        for (int i = 1; i < records.size(); i++) {
            assertThat(records.get(i).offset()).isGreaterThan(records.get(i - 1).offset());
        }
    }

    @Test
    void tenThousandUpdatesOverAHundredKeysLeaveTheLatestValueOfEachKeyAtItsOriginalOffset() {
        LogManager manager = support.startManager(COMPACTED);
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, COMPACTED);
        Map<String, KeyedRecord> expected = new HashMap<>();
        for (int i = 0; i < 10_000; i += 5) {
            String[] keysAndValues = new String[10];
            for (int j = 0; j < 5; j++) {
                keysAndValues[2 * j] = "key-" + (i + j) % 100;
                keysAndValues[2 * j + 1] = "value-" + (i + j);
            }
            long base = append(log, keyed(Compression.NONE, now(), keysAndValues)).firstOffset();
            for (int j = 0; j < 5; j++) {
                expected.put(keysAndValues[2 * j], new KeyedRecord(base + j, keysAndValues[2 * j],
                    keysAndValues[2 * j + 1]));
            }
        }
        int segmentsBefore = log.numberOfSegments();
        assertThat(segmentsBefore).isGreaterThan(100);
        log.rollActiveSegment();

        List<LogCleaner.CleanResult> results = manager.runCleaner();

        assertThat(results).hasSize(1);
        assertThat(results.get(0).recordsRead()).isEqualTo(10_000);
        assertThat(results.get(0).recordsRetained()).isEqualTo(100);
        assertThat(results.get(0).keysMapped()).isEqualTo(100);
        List<KeyedRecord> records = readKeyed(log);
        assertThat(records).hasSize(100);
        assertThat(records).containsExactlyInAnyOrderElementsOf(expected.values());
        assertStrictlyIncreasingOffsets(records);
        assertThat(log.logEndOffset()).isEqualTo(10_000);
        // Compacted: nothing is due any more.
        assertThat(manager.runCleaner()).isEmpty();

        // Groups are sized by the segments before cleaning (as in Kafka), so full small segments merge next time.
        assertThat(manager.cleaner().clean(log)).isPresent();
        assertThat(log.numberOfSegments()).isLessThan(segmentsBefore / 10);
        assertThat(readKeyed(log)).isEqualTo(records);
    }

    @Test
    void aTombstoneIsKeptUntilDeleteRetentionMsAfterTheCleaningThatFirstKeptIt() {
        LogConfig config = COMPACTED.toBuilder().deleteRetentionMs(10_000).build();
        LogManager manager = support.startManager(config);
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, config);
        append(log, keyed(Compression.NONE, now(), "a", "a1", "b", "b1"));
        append(log, keyed(Compression.NONE, now(), "a", null));
        log.rollActiveSegment();

        assertThat(manager.runCleaner()).hasSize(1);
        assertThat(readKeyed(log)).containsExactly(new KeyedRecord(1, "b", "b1"), new KeyedRecord(2, "a", null));

        support.time.advance(9_999);
        assertThat(manager.runCleaner()).as("not due before the delete horizon").isEmpty();
        assertThat(manager.cleaner().clean(log)).isPresent();
        assertThat(readKeyed(log)).extracting(KeyedRecord::key).containsExactly("b", "a");

        support.time.advance(1);
        assertThat(manager.runCleaner()).as("due once the delete horizon passed").hasSize(1);
        assertThat(readKeyed(log)).containsExactly(new KeyedRecord(1, "b", "b1"));
        // Appends continue after the last kept offset; the tombstone's offset stays used.
        assertThat(append(log, keyed(Compression.NONE, now(), "a", "a2")).firstOffset()).isEqualTo(3);
    }

    @Test
    void theActiveSegmentAndSegmentsYoungerThanMinCompactionLagAreNotCleaned() {
        LogConfig config = COMPACTED.toBuilder().segmentBytes(1024 * 1024).minCompactionLagMs(60_000).build();
        LogManager manager = support.startManager(config);
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, config);
        append(log, keyed(Compression.NONE, now(), "k", "old1", "k", "old2", "j", "j1"));
        assertThat(manager.cleaner().clean(log)).as("only the active segment").isEmpty();
        assertThat(readKeyed(log)).hasSize(3);

        log.rollActiveSegment();
        support.time.advance(30_000);
        append(log, keyed(Compression.NONE, now(), "k", "new1", "k", "new2"));
        log.rollActiveSegment();
        append(log, keyed(Compression.NONE, now(), "k", "active1", "k", "active2"));
        assertThat(manager.cleaner().clean(log)).as("everything is younger than the lag").isEmpty();

        support.time.advance(30_001); // the first segment is now 60 001 ms old, the second 30 001 ms
        assertThat(manager.cleaner().clean(log)).isPresent();

        assertThat(readKeyed(log)).extracting(KeyedRecord::value)
            .containsExactly("old2", "j1", "new1", "new2", "active1", "active2");
    }

    @Test
    void maxCompactionLagMakesALogDueWhateverItsDirtyRatio() {
        LogConfig config = COMPACTED.toBuilder().segmentBytes(1024 * 1024).minCleanableDirtyRatio(1.0)
            .maxCompactionLagMs(60_000).build();
        LogManager manager = support.startManager(config);
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, config);
        append(log, keyed(Compression.NONE, now(), "k", "v1"));
        log.rollActiveSegment();
        manager.runCleaner();
        append(log, keyed(Compression.NONE, now(), "k", "v2"));
        log.rollActiveSegment();
        assertThat(manager.runCleaner()).as("dirty ratio 0.5 < 1.0").isEmpty();

        support.time.advance(60_001);

        assertThat(manager.runCleaner()).hasSize(1);
        assertThat(readKeyed(log)).extracting(KeyedRecord::value).containsExactly("v2");
    }

    @Test
    void anOffsetMapTooSmallForAllKeysCleansInSeveralRounds() {
        LogManager manager = support.startManager(COMPACTED, new CleanerConfig(40 * 24, 64 * 1024, 0));
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, COMPACTED);
        for (int round = 0; round < 3; round++) {
            for (int key = 0; key < 100; key++) {
                append(log, keyed(Compression.NONE, now(), "key-" + key, "value-" + round + "-" + key));
            }
        }
        log.rollActiveSegment();

        int cleanings = 0;
        while (log.cleanerCheckpoint() < log.logEndOffset()) {
            assertThat(manager.cleaner().clean(log)).isPresent();
            cleanings++;
        }

        assertThat(cleanings).isGreaterThan(1);
        List<KeyedRecord> records = readKeyed(log);
        assertThat(records).hasSize(100);
        assertThat(records).extracting(KeyedRecord::value).allMatch(value -> value.startsWith("value-2-"));
        assertThat(manager.cleaner().offsetMapMemoryBytes()).isEqualTo(40 * 24);
    }

    @Test
    void theCleanerCheckpointSurvivesARestart() throws IOException {
        LogConfig config = COMPACTED.toBuilder().minCleanableDirtyRatio(0.01).build();
        LogManager manager = support.startManager(config);
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, config);
        for (int i = 0; i < 50; i++) {
            append(log, keyed(Compression.NONE, now(), "key-" + i % 5, "value-" + i));
        }
        log.rollActiveSegment();
        assertThat(manager.runCleaner()).hasSize(1);
        long checkpoint = log.cleanerCheckpoint();
        assertThat(checkpoint).isEqualTo(50);
        manager.close();

        assertThat(OffsetCheckpointFile.read(support.logDir.resolve(OffsetCheckpointFile.CLEANER_OFFSET)))
            .containsEntry(TP, 50L);
        LogManager reopened = support.startManager(config);
        PartitionLog reloaded = reopened.getOrCreateLog(TP, TOPIC_ID, config);
        assertThat(reloaded.cleanerCheckpoint()).isEqualTo(50);
        assertThat(reopened.runCleaner()).as("nothing dirty").isEmpty();

        append(reloaded, keyed(Compression.NONE, now(), "key-0", "again"));
        reloaded.rollActiveSegment();
        List<LogCleaner.CleanResult> results = reopened.runCleaner();
        assertThat(results).hasSize(1);
        assertThat(results.get(0).firstDirtyOffset()).isEqualTo(50);
        assertThat(results.get(0).keysMapped()).isEqualTo(1);
        assertThat(latestByKey(readKeyed(reloaded))).containsEntry("key-0", "again").hasSize(5);
    }

    @Test
    void idempotentProducerStateSurvivesCleaningAndARestartWithoutSnapshots() throws IOException {
        LogManager manager = support.startManager(COMPACTED);
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, COMPACTED);
        short epoch = 0;
        append(log, MemoryRecords.withIdempotentRecords(Compression.NONE, 42L, epoch, 0,
            new SimpleRecord(now(), bytes("k"), bytes("p0")), new SimpleRecord(now(), bytes("j"), bytes("p1"))));
        // Later plain writes supersede every record of the producer's last batch.
        append(log, keyed(Compression.NONE, now(), "k", "plain", "j", "plain"));
        log.rollActiveSegment();
        assertThat(manager.runCleaner()).hasSize(1);
        assertThat(readKeyed(log)).extracting(KeyedRecord::value).containsExactly("plain", "plain");
        // The producer's batch stays as an empty header carrying its sequence range.
        RecordBatch kept = batches(log.read(0, 1 << 20, log.highWatermark(), true).records()).get(0);
        assertThat(kept.producerId()).isEqualTo(42L);
        assertThat(kept.lastSequence()).isEqualTo(1);
        assertThat(kept.countOrNull()).isZero();

        manager.close();
        try (Stream<Path> files = Files.list(partitionDir())) {
            for (Path snapshot : files.filter(p -> p.toString().endsWith(".snapshot")).toList()) {
                Files.delete(snapshot);
            }
        }
        LogManager reopened = support.startManager(COMPACTED);
        PartitionLog reloaded = reopened.getOrCreateLog(TP, TOPIC_ID, COMPACTED);

        LogAppendInfo retry = reloaded.appendAsLeader(MemoryRecords.withIdempotentRecords(Compression.NONE, 42L,
            epoch, 0, new SimpleRecord(now(), bytes("k"), bytes("p0")), new SimpleRecord(now(), bytes("j"),
                bytes("p1"))), 7);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isZero();
        assertThatThrownBy(() -> reloaded.appendAsLeader(MemoryRecords.withIdempotentRecords(Compression.NONE, 42L,
            epoch, 5, new SimpleRecord(now(), bytes("k"), bytes("gap"))), 7))
            .isInstanceOf(OutOfOrderSequenceException.class);
        LogAppendInfo next = reloaded.appendAsLeader(MemoryRecords.withIdempotentRecords(Compression.NONE, 42L,
            epoch, 2, new SimpleRecord(now(), bytes("k"), bytes("p2"))), 7);
        assertThat(next.duplicate()).isFalse();
        assertThat(next.firstOffset()).isEqualTo(4);
    }

    static Stream<Compression> compressions() {
        return Stream.of(Compression.lz4().build(), Compression.zstd().build());
    }

    @ParameterizedTest
    @MethodSource("compressions")
    void compressedBatchesAreCompactedAndStayCompressed(Compression compression) {
        LogConfig config = COMPACTED.toBuilder().segmentBytes(4096).build();
        LogManager manager = support.startManager(config);
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, config);
        for (int batch = 0; batch < 30; batch++) {
            String[] keysAndValues = new String[20];
            for (int j = 0; j < 10; j++) {
                keysAndValues[2 * j] = "key-" + (batch * 10 + j) % 25;
                keysAndValues[2 * j + 1] = "value-" + batch + "-" + j + "-" + "x".repeat(40);
            }
            append(log, keyed(compression, now(), keysAndValues));
        }
        Map<String, String> expected = latestByKey(readKeyed(log));
        log.rollActiveSegment();

        assertThat(manager.runCleaner()).hasSize(1);

        List<KeyedRecord> records = readKeyed(log);
        assertThat(records).hasSize(25);
        assertThat(latestByKey(records)).isEqualTo(expected);
        assertStrictlyIncreasingOffsets(records);
        // Empty batches (kept headers) carry no codec.
        assertThat(LogTestSupport.readAllBatches(log)).filteredOn(b -> b.countOrNull() > 0).isNotEmpty()
            .allSatisfy(b -> assertThat(b.compressionType()).isEqualTo(compression.type()));
        assertThat(compression.type()).isNotEqualTo(CompressionType.NONE);
    }

    @Test
    void keylessRecordsAreRejectedByCompactedTopicsOnly() {
        LogManager manager = support.startManager(COMPACTED);
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, COMPACTED);
        MemoryRecords keyless = MemoryRecords.withRecords(Compression.NONE,
            new SimpleRecord(now(), bytes("k"), bytes("v")), new SimpleRecord(now(), null, bytes("no key")));
        MemoryRecords compressedKeyless = MemoryRecords.withRecords(Compression.lz4().build(),
            new SimpleRecord(now(), null, bytes("no key")));

        assertThatThrownBy(() -> log.appendAsLeader(keyless, 7)).isInstanceOf(InvalidRecordException.class)
            .hasMessageContaining("Compacted topic cannot accept message without key");
        assertThatThrownBy(() -> log.appendAsLeader(compressedKeyless, 7)).isInstanceOf(InvalidRecordException.class);
        assertThat(log.logEndOffset()).isZero();

        log.updateConfig(COMPACTED.toBuilder().cleanupPolicyCompact(false).cleanupPolicyDelete(true).build());
        assertThat(log.appendAsLeader(keyless, 7).lastOffset()).isEqualTo(1);
    }

    @Test
    void retentionAppliesToCompactDeleteButNotToCompactOnly() {
        LogManager manager = support.startManager(COMPACTED);
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, COMPACTED.toBuilder().retentionMs(1000).build());
        for (int i = 0; i < 30; i++) {
            append(log, keyed(Compression.NONE, now(), "key-" + i, "value-" + i));
        }
        support.time.advance(2000);
        assertThat(manager.runRetention()).isZero();

        log.updateConfig(log.config().toBuilder().cleanupPolicyDelete(true).build());
        assertThat(manager.runRetention()).isPositive();
        assertThat(log.logStartOffset()).isPositive();
    }

    @Test
    void aReadStartedBeforeACleaningCanStillBeSentAfterIt() {
        LogManager manager = support.startManager(COMPACTED);
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, COMPACTED);
        for (int i = 0; i < 100; i++) {
            append(log, keyed(Compression.NONE, now(), "key-" + i % 3, "value-" + i));
        }
        log.rollActiveSegment();
        Records inFlight = log.read(0, 1 << 20, log.highWatermark(), true).records();
        List<Long> offsetsBefore = LogTestSupport.offsets(inFlight);

        assertThat(manager.runCleaner()).hasSize(1);

        assertThat(LogTestSupport.offsets(inFlight)).isEqualTo(offsetsBefore).startsWith(0L, 1L, 2L);
    }

    @Test
    void theOffsetMapKeepsTheLatestOffsetPerKeyWithinItsMemory() {
        CleanerOffsetMap map = new CleanerOffsetMap(10 * CleanerOffsetMap.BYTES_PER_ENTRY);
        assertThat(map.memoryBytes()).isEqualTo(10 * CleanerOffsetMap.BYTES_PER_ENTRY);
        assertThat(map.capacity()).isEqualTo(9);
        for (int i = 0; i < 9; i++) {
            map.put(buffer("key-" + i), i);
        }
        map.put(buffer("key-3"), 100);
        assertThat(map.isFull()).isTrue();
        assertThat(map.get(buffer("key-3"))).isEqualTo(100);
        assertThat(map.get(buffer("key-0"))).isZero();
        assertThat(map.get(buffer("absent"))).isEqualTo(-1);
        assertThatThrownBy(() -> map.put(buffer("one-too-many"), 200)).isInstanceOf(IllegalStateException.class);

        map.clear();
        assertThat(map.size()).isZero();
        assertThat(map.get(buffer("key-3"))).isEqualTo(-1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static java.nio.ByteBuffer buffer(String s) {
        return java.nio.ByteBuffer.wrap(bytes(s));
    }
}
