package io.haeryu.bench;

import io.haeryu.log.CleanerConfig;
import io.haeryu.log.LogCleaner;
import io.haeryu.log.LogConfig;
import io.haeryu.log.LogManager;
import io.haeryu.log.PartitionLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full cleaning of a compacted log: {@code records} updates (100 per batch, 100-byte values) spread evenly over
 * {@code keys} keys, all in non-active segments, with the default 128 MiB offset map. Each invocation cleans a freshly
 * written log; records/s = records / reported time. The tear-down prints what the last cleaning did and the offset
 * map's memory. Run: {@code haeryu-bench/scripts/jmh.sh LogCleanerBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class LogCleanerBenchmark {
    private static final int RECORDS_PER_BATCH = 100;
    private static final long SEGMENT_MS = 7L * 24 * 60 * 60 * 1000;

    @Param({"1000000"})
    int records;

    @Param({"10000"})
    int keys;

    @Param({"none", "lz4"})
    String compression;

    private Path dir;
    private ScheduledExecutorService scheduler;
    private LogManager logManager;
    private PartitionLog log;
    private LogCleaner.CleanResult lastResult;

    @Setup(Level.Invocation)
    public void writeDirtyLog() throws IOException {
        dir = Files.createTempDirectory("haeryu-jmh-cleaner");
        scheduler = Executors.newSingleThreadScheduledExecutor();
        LogConfig config = LogConfig.builder().cleanupPolicyCompact(true).cleanupPolicyDelete(false)
            .segmentBytes(16 * 1024 * 1024).build();
        logManager = new LogManager(List.of(dir), config, Time.SYSTEM, scheduler,
            LogManager.DEFAULT_RETENTION_CHECK_INTERVAL_MS, new CleanerConfig(128L * 1024 * 1024, 512 * 1024, 0));
        logManager.startup();
        log = logManager.getOrCreateLog(new TopicPartition("bench-compacted", 0), Uuid.randomUuid(), config);
        Compression codec = compression.equals("lz4") ? Compression.lz4().build() : Compression.NONE;
        long timestamp = System.currentTimeMillis();
        byte[] value = new byte[100];
        SimpleRecord[] batch = new SimpleRecord[RECORDS_PER_BATCH];
        for (int i = 0; i < records; i += RECORDS_PER_BATCH) {
            for (int j = 0; j < RECORDS_PER_BATCH; j++) {
                byte[] key = ("key-" + (i + j) % keys).getBytes(StandardCharsets.UTF_8);
                batch[j] = new SimpleRecord(timestamp, key, value);
            }
            log.appendAsLeader(MemoryRecords.withRecords(codec, batch), 0);
        }
        // A record past segment.ms rolls the segment, so everything written above is cleanable.
        log.appendAsLeader(MemoryRecords.withRecords(codec, new SimpleRecord(timestamp + SEGMENT_MS + 1,
            "roll".getBytes(StandardCharsets.UTF_8), value)), 0);
        log.updateHighWatermark(log.logEndOffset());
        // Keep the fsync of the written segments out of the measurement.
        log.flush();
    }

    @TearDown(Level.Invocation)
    public void deleteLog() throws IOException {
        System.out.printf("%n[cleaned %,d records into %,d, %,d -> %,d bytes, %,d keys mapped, offset map %,d bytes,"
                + " %.0f records/s]%n", lastResult.recordsRead(), lastResult.recordsRetained(), lastResult.bytesRead(),
            lastResult.bytesWritten(), lastResult.keysMapped(), lastResult.offsetMapMemoryBytes(),
            lastResult.recordsRead() / (lastResult.durationNanos() / 1e9));
        logManager.close();
        scheduler.shutdownNow();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public long clean() {
        lastResult = logManager.cleaner().clean(log).orElseThrow();
        return lastResult.recordsRetained();
    }
}
