package io.haeryu.bench;

import io.haeryu.log.LogConfig;
import io.haeryu.log.LogManager;
import io.haeryu.log.PartitionLog;
import java.io.IOException;
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
 * The produce hot path below the network: validating a batch (CRC), assigning offsets and appending it to the
 * active segment with index maintenance; and the fetch hot path: locating a batch by offset.
 * Run: {@code haeryu-bench/scripts/jmh.sh PartitionLogBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class PartitionLogBenchmark {

    @Param({"1", "100"})
    int recordsPerBatch;

    @Param({"100", "1000"})
    int recordSize;

    private Path dir;
    private ScheduledExecutorService scheduler;
    private LogManager logManager;
    private PartitionLog log;
    private MemoryRecords batch;
    private long readOffset;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("haeryu-jmh");
        scheduler = Executors.newSingleThreadScheduledExecutor();
        logManager = new LogManager(List.of(dir), LogConfig.defaults(), Time.SYSTEM, scheduler);
        logManager.startup();
        log = logManager.getOrCreateLog(new TopicPartition("bench", 0), Uuid.randomUuid(), LogConfig.defaults());
        SimpleRecord[] records = new SimpleRecord[recordsPerBatch];
        for (int i = 0; i < recordsPerBatch; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), ("k" + i).getBytes(), new byte[recordSize]);
        }
        batch = MemoryRecords.withRecords(Compression.NONE, records);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        logManager.close();
        scheduler.shutdownNow();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public long append() {
        // The log rewrites only the header's offsets and epoch (outside the CRC), so one batch can be re-appended.
        return log.appendAsLeader(batch, 0).lastOffset();
    }

    @Benchmark
    public int readByOffset() {
        long end = log.logEndOffset();
        if (end == 0) {
            log.appendAsLeader(batch, 0);
            end = log.logEndOffset();
        }
        readOffset = (readOffset + 7919) % end;
        return log.read(readOffset, 1 << 20, end, true).records().sizeInBytes();
    }
}
