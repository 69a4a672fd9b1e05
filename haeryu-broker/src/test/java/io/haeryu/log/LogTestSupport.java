package io.haeryu.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A LogManager over a temp dir plus record helpers; each test opens and closes (or abandons) managers on it.
 * Register it on an instance field, {@code @RegisterExtension final LogTestSupport support = new LogTestSupport();}:
 * each test gets a fresh temp dir, and afterwards the managers' schedulers are stopped and the dir is deleted.
 */
final class LogTestSupport implements BeforeEachCallback, AfterEachCallback {
    static final TopicPartition TP = new TopicPartition("orders", 0);
    static final Uuid TOPIC_ID = Uuid.randomUuid();

    Path logDir;
    /** Where the manual clock starts; also the timestamp of idempotent test batches, so they are not long idle. */
    static final long START_MS = 1_700_000_000_000L;
    final ManualTime time = new ManualTime(START_MS);
    private final List<ScheduledExecutorService> schedulers = new ArrayList<>();

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        logDir = Files.createTempDirectory("haeryu-log-test");
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException, IOException {
        try {
            for (ScheduledExecutorService scheduler : schedulers) {
                scheduler.shutdownNow();
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            }
        } finally {
            deleteRecursively(logDir);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** No background cleaner (tests run it explicitly) and a small offset map. */
    static final CleanerConfig TEST_CLEANER = new CleanerConfig(1024 * 1024, 64 * 1024, 0);

    /** A started LogManager; abandon it without close() to simulate a crash. */
    LogManager startManager(LogConfig config) {
        return startManager(config, TEST_CLEANER);
    }

    LogManager startManager(LogConfig config, CleanerConfig cleanerConfig) {
        return startManager(config, cleanerConfig, ProducerIdExpiration.defaults());
    }

    LogManager startManager(LogConfig config, CleanerConfig cleanerConfig, ProducerIdExpiration producerIdExpiration) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        schedulers.add(scheduler);
        LogManager manager = new LogManager(List.of(logDir), config, time, scheduler, 3_600_000L, cleanerConfig,
            producerIdExpiration);
        manager.startup();
        return manager;
    }

    /** One record as read back: value null for a tombstone. */
    record KeyedRecord(long offset, String key, String value) {
    }

    /** A batch of keyed records from alternating keys and values (a null value is a tombstone). */
    static MemoryRecords keyed(Compression compression, long timestamp, String... keysAndValues) {
        SimpleRecord[] records = new SimpleRecord[keysAndValues.length / 2];
        for (int i = 0; i < records.length; i++) {
            String value = keysAndValues[2 * i + 1];
            records[i] = new SimpleRecord(timestamp, keysAndValues[2 * i].getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(compression, records);
    }

    /** Every batch from the log start to the log end, read like a consumer. */
    static List<RecordBatch> readAllBatches(PartitionLog log) {
        List<RecordBatch> result = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            List<RecordBatch> batches = batches(log.read(next, 1024 * 1024, log.highWatermark(), true).records());
            result.addAll(batches);
            next = batches.get(batches.size() - 1).nextOffset();
        }
        return result;
    }

    /** Every record from the log start to the log end. */
    static List<KeyedRecord> readKeyed(PartitionLog log) {
        List<KeyedRecord> result = new ArrayList<>();
        for (RecordBatch batch : readAllBatches(log)) {
            for (Record record : batch) {
                if (record.offset() >= log.logStartOffset()) {
                    result.add(new KeyedRecord(record.offset(), string(record.key()), string(record.value())));
                }
            }
        }
        return result;
    }

    private static String string(java.nio.ByteBuffer buffer) {
        return buffer == null ? null : StandardCharsets.UTF_8.decode(buffer).toString();
    }

    static MemoryRecords records(long timestamp, String... values) {
        return MemoryRecords.withRecords(Compression.NONE, simpleRecords(timestamp, values));
    }

    static MemoryRecords idempotent(long producerId, short epoch, int baseSequence, String... values) {
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, baseSequence,
            simpleRecords(START_MS, values));
    }

    static SimpleRecord[] simpleRecords(long timestamp, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(timestamp, ("k" + i).getBytes(StandardCharsets.UTF_8),
                values[i].getBytes(StandardCharsets.UTF_8));
        }
        return records;
    }

    /** Appends then advances the high watermark to the log end, as the single-node replica manager does. */
    static LogAppendInfo append(PartitionLog log, MemoryRecords records) {
        LogAppendInfo info = log.appendAsLeader(records, 7);
        log.updateHighWatermark(log.logEndOffset());
        return info;
    }

    static List<Long> offsets(Records records) {
        List<Long> offsets = new ArrayList<>();
        for (Record record : records.records()) {
            offsets.add(record.offset());
        }
        return offsets;
    }

    static List<String> values(Records records) {
        List<String> values = new ArrayList<>();
        for (Record record : records.records()) {
            values.add(StandardCharsets.UTF_8.decode(record.value()).toString());
        }
        return values;
    }

    static List<RecordBatch> batches(Records records) {
        List<RecordBatch> batches = new ArrayList<>();
        records.batches().forEach(batches::add);
        return batches;
    }

    /** Every value from offset 0 to the log end, read batch by batch like a consumer. */
    static List<String> readAll(PartitionLog log) {
        List<String> values = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            Records records = log.read(next, 1024 * 1024, log.highWatermark(), true).records();
            for (Record record : records.records()) {
                if (record.offset() >= next) {
                    values.add(StandardCharsets.UTF_8.decode(record.value()).toString());
                }
            }
            List<RecordBatch> batches = batches(records);
            next = batches.get(batches.size() - 1).nextOffset();
        }
        return values;
    }
}
