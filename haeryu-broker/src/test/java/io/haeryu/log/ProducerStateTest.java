package io.haeryu.log;

import static io.haeryu.log.LogTestSupport.TOPIC_ID;
import static io.haeryu.log.LogTestSupport.TP;
import static io.haeryu.log.LogTestSupport.append;
import static io.haeryu.log.LogTestSupport.idempotent;
import static io.haeryu.log.LogTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProducerStateTest {
    private static final long PID = 4242L;
    private static final short EPOCH = 3;

    @RegisterExtension
    final LogTestSupport support = new LogTestSupport();

    private PartitionLog newLog() {
        return support.startManager(LogConfig.defaults()).getOrCreateLog(TP, TOPIC_ID, LogConfig.defaults());
    }

    @Test
    void producersIdleForProducerIdExpirationMsAreForgotten() {
        LogManager manager = support.startManager(LogConfig.defaults(), LogTestSupport.TEST_CLEANER,
            new ProducerIdExpiration(60_000, 1_000));
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, LogConfig.defaults());
        long start = support.time.milliseconds();
        long other = PID + 1;
        append(log, idempotentAt(PID, 0, start, "a"));
        append(log, idempotentAt(other, 0, start + 30_000, "b"));

        support.time.advance(59_999);
        manager.removeExpiredProducers();
        assertThat(log.activeProducers()).extracting(ActiveProducer::producerId).containsExactlyInAnyOrder(PID, other);
        assertThatThrownBy(() -> log.appendAsLeader(idempotentAt(PID, 5, start, "gap"), 0))
            .isInstanceOf(OutOfOrderSequenceException.class);

        support.time.advance(1);
        manager.removeExpiredProducers();
        assertThat(log.activeProducers()).extracting(ActiveProducer::producerId).containsExactly(other);

        // Forgotten, it is a new producer again: any sequence starts it.
        assertThat(append(log, idempotentAt(PID, 5, support.time.milliseconds(), "back")).duplicate()).isFalse();
        assertThat(log.activeProducers()).extracting(ActiveProducer::producerId).containsExactlyInAnyOrder(PID, other);
    }

    @Test
    void producersThatExpiredWhileTheBrokerWasDownAreNotLoaded() {
        ProducerIdExpiration expiration = new ProducerIdExpiration(60_000, 3_600_000);
        LogManager before = support.startManager(LogConfig.defaults(), LogTestSupport.TEST_CLEANER, expiration);
        PartitionLog log = before.getOrCreateLog(TP, TOPIC_ID, LogConfig.defaults());
        append(log, idempotentAt(PID, 0, support.time.milliseconds(), "a"));
        before.close();

        support.time.advance(60_000);
        LogManager after = support.startManager(LogConfig.defaults(), LogTestSupport.TEST_CLEANER, expiration);

        assertThat(after.getOrCreateLog(TP, TOPIC_ID, LogConfig.defaults()).activeProducers()).isEmpty();
    }

    private static MemoryRecords idempotentAt(long producerId, int baseSequence, long timestamp, String value) {
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, EPOCH, baseSequence,
            new SimpleRecord(timestamp, "k".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void retriedBatchReturnsTheOriginalOffsetsAndIsNotWrittenAgain() {
        PartitionLog log = newLog();
        append(log, idempotent(PID, EPOCH, 0, "a", "b"));
        LogAppendInfo original = append(log, idempotent(PID, EPOCH, 2, "c"));
        append(log, idempotent(PID, EPOCH, 3, "d"));

        LogAppendInfo retry = append(log, idempotent(PID, EPOCH, 2, "c"));

        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(original.firstOffset()).isEqualTo(2);
        assertThat(retry.lastOffset()).isEqualTo(2);
        assertThat(log.logEndOffset()).isEqualTo(4);
        assertThat(readAll(log)).containsExactly("a", "b", "c", "d");
    }

    @Test
    void onlyTheLastFiveBatchesAreRecognisedAsDuplicates() {
        PartitionLog log = newLog();
        for (int seq = 0; seq < 6; seq++) {
            append(log, idempotent(PID, EPOCH, seq, "v" + seq));
        }

        assertThat(append(log, idempotent(PID, EPOCH, 1, "v1")).duplicate()).isTrue();
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID, EPOCH, 0, "v0"), 0))
            .isInstanceOf(OutOfOrderSequenceException.class);
    }

    @Test
    void sequenceGapIsRejectedAndNothingIsWritten() {
        PartitionLog log = newLog();
        append(log, idempotent(PID, EPOCH, 0, "a"));

        assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID, EPOCH, 2, "c"), 0))
            .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(log.logEndOffset()).isEqualTo(1);
    }

    @Test
    void olderEpochIsFencedAndANewEpochMustStartAtZero() {
        PartitionLog log = newLog();
        append(log, idempotent(PID, EPOCH, 0, "a"));

        assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID, (short) (EPOCH - 1), 1, "old"), 0))
            .isInstanceOf(InvalidProducerEpochException.class);
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID, (short) (EPOCH + 1), 5, "x"), 0))
            .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(append(log, idempotent(PID, (short) (EPOCH + 1), 0, "new")).firstOffset()).isEqualTo(1);
        assertThat(log.activeProducers()).containsExactly(
            new ActiveProducer(PID, (short) (EPOCH + 1), 0, LogTestSupport.START_MS));
    }

    @Test
    void sequenceWrapsAroundAtIntegerMax() {
        PartitionLog log = newLog();
        append(log, idempotent(PID, EPOCH, Integer.MAX_VALUE - 1, "a", "b"));

        assertThat(append(log, idempotent(PID, EPOCH, 0, "c")).duplicate()).isFalse();
        assertThat(log.logEndOffset()).isEqualTo(3);
    }

    @Test
    void batchesOfOneAppendAreCheckedAgainstEachOtherAndRejectedTogether() {
        PartitionLog log = newLog();
        append(log, idempotent(PID, EPOCH, 0, "a"));

        LogAppendInfo both = append(log, concat(idempotent(PID, EPOCH, 1, "b"), idempotent(PID, EPOCH, 2, "c")));
        assertThatThrownBy(() -> log.appendAsLeader(
            concat(idempotent(PID, EPOCH, 3, "d"), idempotent(PID, EPOCH, 5, "gap")), 0))
            .isInstanceOf(OutOfOrderSequenceException.class);

        assertThat(both.firstOffset()).isEqualTo(1);
        assertThat(both.lastOffset()).isEqualTo(2);
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(append(log, idempotent(PID, EPOCH, 3, "d")).firstOffset()).isEqualTo(3);
    }

    private static MemoryRecords concat(MemoryRecords first, MemoryRecords second) {
        ByteBuffer buffer = ByteBuffer.allocate(first.sizeInBytes() + second.sizeInBytes());
        buffer.put(first.buffer().duplicate()).put(second.buffer().duplicate()).flip();
        return MemoryRecords.readableRecords(buffer);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void stateSurvivesRestart(boolean cleanShutdown) {
        LogManager manager = support.startManager(LogConfig.builder().segmentBytes(250).build());
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, LogConfig.builder().segmentBytes(250).build());
        for (int seq = 0; seq < 10; seq++) {
            append(log, idempotent(PID, EPOCH, seq, "v" + seq));
        }
        assertThat(log.numberOfSegments()).isGreaterThan(1);
        if (cleanShutdown) {
            manager.close();
        } else {
            log.flush(); // a crash after the OS wrote the data: the snapshot only covers the rolled segments
        }

        PartitionLog reopened = support.startManager(LogConfig.defaults()).getLog(TP).orElseThrow();

        LogAppendInfo retry = append(reopened, idempotent(PID, EPOCH, 9, "v9"));
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(9);
        assertThatThrownBy(() -> reopened.appendAsLeader(idempotent(PID, EPOCH, 11, "gap"), 0))
            .isInstanceOf(OutOfOrderSequenceException.class);
        assertThatThrownBy(() -> reopened.appendAsLeader(idempotent(PID, (short) 1, 10, "old"), 0))
            .isInstanceOf(InvalidProducerEpochException.class);
        assertThat(append(reopened, idempotent(PID, EPOCH, 10, "v10")).firstOffset()).isEqualTo(10);
    }
}
