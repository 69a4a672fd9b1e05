package io.haeryu.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.haeryu.log.LogConfig;
import io.haeryu.log.LogManager;
import io.haeryu.log.PartitionLog;
import io.haeryu.protocol.EpochEndOffsets.EpochEnd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpochEndOffsetsTest {

    private static final int CURRENT_EPOCH = 7;
    private static final EpochEnd UNDEFINED = new EpochEnd(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH,
        OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH_OFFSET);

    @TempDir
    Path dir;
    private ScheduledExecutorService scheduler;
    private LogManager logs;
    private PartitionLog log;

    @BeforeEach
    void createLog() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        logs = new LogManager(List.of(dir), LogConfig.defaults(), Time.SYSTEM, scheduler);
        logs.startup();
        log = logs.getOrCreateLog(new TopicPartition("t", 0), Uuid.randomUuid(), LogConfig.defaults());
    }

    @AfterEach
    void close() {
        logs.close();
        scheduler.shutdownNow();
    }

    /** Appends {@code batches} two-record batches stamped with {@code epoch}. */
    private void append(int epoch, int batches) {
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, record(), record()), epoch);
        }
        log.updateHighWatermark(log.logEndOffset());
    }

    private static SimpleRecord record() {
        return new SimpleRecord(1000L, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theCurrentEpochEndsAtTheLogEndAndUnknownEpochsAreUndefined() {
        append(CURRENT_EPOCH, 2);
        assertThat(EpochEndOffsets.endOf(log, CURRENT_EPOCH, CURRENT_EPOCH)).isEqualTo(new EpochEnd(CURRENT_EPOCH, 4));
        assertThat(EpochEndOffsets.endOf(log, CURRENT_EPOCH, CURRENT_EPOCH + 1)).isEqualTo(UNDEFINED);
        assertThat(EpochEndOffsets.endOf(log, CURRENT_EPOCH, -1)).isEqualTo(UNDEFINED);
    }

    @Test
    void anOlderEpochEndsWhereTheFirstNewerBatchBegins() {
        append(0, 3);  // offsets 0..5
        append(2, 2);  // 6..9
        append(5, 1);  // 10..11
        assertThat(EpochEndOffsets.endOf(log, CURRENT_EPOCH, 0)).isEqualTo(new EpochEnd(0, 6));
        assertThat(EpochEndOffsets.endOf(log, CURRENT_EPOCH, 1)).isEqualTo(new EpochEnd(0, 6));
        assertThat(EpochEndOffsets.endOf(log, CURRENT_EPOCH, 2)).isEqualTo(new EpochEnd(2, 10));
        assertThat(EpochEndOffsets.endOf(log, CURRENT_EPOCH, 4)).isEqualTo(new EpochEnd(2, 10));
        // Nothing newer than 5 was written: epoch 5 (and 6, which wrote nothing) end at the log end.
        assertThat(EpochEndOffsets.endOf(log, CURRENT_EPOCH, 5)).isEqualTo(new EpochEnd(5, 12));
        assertThat(EpochEndOffsets.endOf(log, CURRENT_EPOCH, 6)).isEqualTo(new EpochEnd(5, 12));
    }

    @Test
    void anEpochOlderThanTheLogStartEndsWhereTheLogNowStarts() {
        append(0, 3);
        append(2, 2);
        log.deleteRecordsBefore(8);
        assertThat(EpochEndOffsets.endOf(log, CURRENT_EPOCH, 0)).isEqualTo(new EpochEnd(0, 8));
        assertThat(EpochEndOffsets.endOf(log, CURRENT_EPOCH, 2)).isEqualTo(new EpochEnd(2, 10));
    }
}
