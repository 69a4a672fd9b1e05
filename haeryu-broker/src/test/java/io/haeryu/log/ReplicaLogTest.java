package io.haeryu.log;

import static io.haeryu.log.LogTestSupport.TOPIC_ID;
import static io.haeryu.log.LogTestSupport.TP;
import static io.haeryu.log.LogTestSupport.batches;
import static io.haeryu.log.LogTestSupport.idempotent;
import static io.haeryu.log.LogTestSupport.readAll;
import static io.haeryu.log.LogTestSupport.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The follower side of a log: copying the leader's batches, cutting a divergent tail, and the leader epoch cache. */
class ReplicaLogTest {

    private static final LogConfig SMALL_SEGMENTS = LogConfig.builder().segmentBytes(300).build();

    @RegisterExtension
    final LogTestSupport leaderSupport = new LogTestSupport();
    @RegisterExtension
    final LogTestSupport followerSupport = new LogTestSupport();

    /** Everything the leader has from {@code from} on, as a replica fetch would get it. */
    private static MemoryRecords fetch(PartitionLog leader, long from) {
        FileRecords records = (FileRecords) leader.read(from, Integer.MAX_VALUE, leader.logEndOffset(), true).records();
        try {
            ByteBuffer buffer = ByteBuffer.allocate(records.sizeInBytes());
            records.readInto(buffer, 0); // flips the buffer
            return MemoryRecords.readableRecords(buffer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void followerKeepsTheLeadersOffsetsEpochsAndProducerState() {
        PartitionLog leader = leaderSupport.startManager(SMALL_SEGMENTS).getOrCreateLog(TP, TOPIC_ID, SMALL_SEGMENTS);
        PartitionLog follower = followerSupport.startManager(SMALL_SEGMENTS).getOrCreateLog(TP, TOPIC_ID, SMALL_SEGMENTS);
        leader.appendAsLeader(records(LogTestSupport.START_MS, "a", "b"), 3);
        leader.appendAsLeader(idempotent(42L, (short) 0, 0, "c"), 3);
        leader.appendAsLeader(records(LogTestSupport.START_MS, "d"), 5);

        LogAppendInfo info = follower.appendAsFollower(fetch(leader, 0));

        assertThat(info.firstOffset()).isEqualTo(0);
        assertThat(info.lastOffset()).isEqualTo(3);
        assertThat(follower.logEndOffset()).isEqualTo(4);
        follower.updateHighWatermark(4);
        assertThat(readAll(follower)).containsExactly("a", "b", "c", "d");
        assertThat(batches(follower.read(0, Integer.MAX_VALUE, 4, true).records()))
            .extracting(RecordBatch::partitionLeaderEpoch).containsExactly(3, 3, 5);
        assertThat(follower.epochCache().entries()).containsExactly(
            new LeaderEpochFileCache.EpochOffset(3, 0), new LeaderEpochFileCache.EpochOffset(5, 3));
        // Producer state came along: as a new leader the follower recognises the producer's retry.
        LogAppendInfo retry = follower.appendAsLeader(idempotent(42L, (short) 0, 0, "c"), 6);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(2);
    }

    @Test
    void followerRefusesBatchesBelowItsLogEnd() {
        PartitionLog leader = leaderSupport.startManager(SMALL_SEGMENTS).getOrCreateLog(TP, TOPIC_ID, SMALL_SEGMENTS);
        PartitionLog follower = followerSupport.startManager(SMALL_SEGMENTS).getOrCreateLog(TP, TOPIC_ID, SMALL_SEGMENTS);
        leader.appendAsLeader(records(1000L, "a"), 1);
        leader.appendAsLeader(records(1000L, "b"), 1);

        follower.appendAsFollower(fetch(leader, 0));

        assertThatThrownBy(() -> follower.appendAsFollower(fetch(leader, 1)))
            .isInstanceOf(CorruptRecordException.class);
        assertThat(follower.logEndOffset()).isEqualTo(2);
    }

    @Test
    void truncateCutsSegmentsIndexesEpochsAndProducerState() {
        LogManager manager = leaderSupport.startManager(SMALL_SEGMENTS);
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, SMALL_SEGMENTS);
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(idempotent(7L, (short) 0, i, "v" + i), i < 6 ? 1 : 2);
        }
        assertThat(log.numberOfSegments()).isGreaterThan(2);

        log.truncateTo(4);

        assertThat(log.logEndOffset()).isEqualTo(4);
        log.updateHighWatermark(4);
        assertThat(readAll(log)).containsExactly("v0", "v1", "v2", "v3");
        assertThat(log.epochCache().entries()).containsExactly(new LeaderEpochFileCache.EpochOffset(1, 0));
        // Sequence 4 was cut, so it is the next expected one again, not a duplicate.
        LogAppendInfo next = log.appendAsLeader(idempotent(7L, (short) 0, 4, "w4"), 3);
        assertThat(next.duplicate()).isFalse();
        assertThat(next.firstOffset()).isEqualTo(4);

        manager.close();
        PartitionLog reopened = leaderSupport.startManager(SMALL_SEGMENTS).getLog(TP).orElseThrow();
        reopened.updateHighWatermark(reopened.logEndOffset());
        assertThat(readAll(reopened)).containsExactly("v0", "v1", "v2", "v3", "w4");
        assertThat(reopened.epochCache().entries()).containsExactly(
            new LeaderEpochFileCache.EpochOffset(1, 0), new LeaderEpochFileCache.EpochOffset(3, 4));
    }

    @Test
    void truncatingAtTheLogEndStillDropsEpochsThatStartThere() {
        // A leader that assigned itself a new epoch and lost leadership before appending anything: the new leader
        // never had that epoch, so it answers the follower's fetch with a diverging epoch ending at the follower's
        // log end. Truncating there cuts no record, but must drop the epoch, or every next fetch diverges again.
        LogManager manager = leaderSupport.startManager(SMALL_SEGMENTS);
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, SMALL_SEGMENTS);
        log.appendAsLeader(records(1000L, "a", "b"), 2);
        log.assignEpochStartOffset(5);
        assertThat(log.epochCache().latestEpoch()).isEqualTo(5);

        log.truncateTo(2);

        assertThat(log.logEndOffset()).isEqualTo(2);
        assertThat(log.epochCache().entries()).containsExactly(new LeaderEpochFileCache.EpochOffset(2, 0));
        log.updateHighWatermark(2);
        assertThat(readAll(log)).containsExactly("a", "b");

        PartitionLog empty = followerSupport.startManager(SMALL_SEGMENTS).getOrCreateLog(TP, TOPIC_ID, SMALL_SEGMENTS);
        empty.assignEpochStartOffset(7);
        empty.assignEpochStartOffset(8);
        empty.truncateTo(0);
        assertThat(empty.epochCache().entries()).isEmpty();
    }

    @Test
    void epochCacheAnswersEndOffsetsAndSurvivesRestart() throws Exception {
        LogManager manager = leaderSupport.startManager(SMALL_SEGMENTS);
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, SMALL_SEGMENTS);
        log.appendAsLeader(records(1000L, "a", "b"), 2);
        log.appendAsLeader(records(1000L, "c"), 4);
        log.appendAsLeader(records(1000L, "d"), 4);

        assertThat(log.endOffsetForEpoch(1)).isEqualTo(new LeaderEpochFileCache.EpochOffset(1, 0));
        assertThat(log.endOffsetForEpoch(2)).isEqualTo(new LeaderEpochFileCache.EpochOffset(2, 2));
        assertThat(log.endOffsetForEpoch(3)).isEqualTo(new LeaderEpochFileCache.EpochOffset(2, 2));
        assertThat(log.endOffsetForEpoch(4)).isEqualTo(new LeaderEpochFileCache.EpochOffset(4, 4));
        assertThat(log.endOffsetForEpoch(9)).isEqualTo(new LeaderEpochFileCache.EpochOffset(-1, -1));
        log.assignEpochStartOffset(6); // a new leader, before its first append
        assertThat(log.endOffsetForEpoch(4)).isEqualTo(new LeaderEpochFileCache.EpochOffset(4, 4));
        assertThat(log.endOffsetForEpoch(5)).isEqualTo(new LeaderEpochFileCache.EpochOffset(4, 4));
        assertThat(log.endOffsetForEpoch(6)).isEqualTo(new LeaderEpochFileCache.EpochOffset(6, 4));
        Path checkpoint = leaderSupport.logDir.resolve(TP.toString()).resolve("leader-epoch-checkpoint");
        assertThat(Files.readAllLines(checkpoint)).containsExactly("0", "3", "2 0", "4 2", "6 4");

        manager.close();
        Files.delete(checkpoint);
        PartitionLog reopened = leaderSupport.startManager(SMALL_SEGMENTS).getLog(TP).orElseThrow();
        // Without the checkpoint the cache is rebuilt from the batches' epochs.
        // (Epoch 6 had no batch, so only a checkpoint could have told.)
        assertThat(reopened.epochCache().entries()).isEqualTo(List.of(
            new LeaderEpochFileCache.EpochOffset(2, 0), new LeaderEpochFileCache.EpochOffset(4, 2)));
    }
    @Test
    void followerBelowTheLeadersLogStartStartsOverThere() {
        PartitionLog leader = leaderSupport.startManager(SMALL_SEGMENTS).getOrCreateLog(TP, TOPIC_ID, SMALL_SEGMENTS);
        LogManager followerManager = followerSupport.startManager(SMALL_SEGMENTS);
        PartitionLog follower = followerManager.getOrCreateLog(TP, TOPIC_ID, SMALL_SEGMENTS);
        for (int i = 0; i < 8; i++) {
            leader.appendAsLeader(idempotent(9L, (short) 0, i, "v" + i), 1);
        }
        follower.appendAsFollower(fetch(leader, 0));
        follower.truncateTo(2); // the follower has only "v0", "v1"
        leader.updateHighWatermark(leader.logEndOffset());
        leader.deleteRecordsBefore(5);

        follower.truncateFullyAndStartAt(leader.logStartOffset());

        assertThat(follower.logStartOffset()).isEqualTo(5);
        assertThat(follower.logEndOffset()).isEqualTo(5);
        assertThat(follower.highWatermark()).isEqualTo(5);
        assertThat(follower.epochCache().entries()).isEmpty();
        follower.appendAsFollower(fetch(leader, 5));
        follower.updateHighWatermark(follower.logEndOffset());
        assertThat(readAll(follower)).containsExactly("v5", "v6", "v7");
        assertThat(follower.epochCache().entries()).containsExactly(new LeaderEpochFileCache.EpochOffset(1, 5));
        // The producer's state came back with its batches: a retry of its last batch is recognised.
        assertThat(follower.appendAsLeader(idempotent(9L, (short) 0, 7, "v7"), 2).duplicate()).isTrue();

        followerManager.close();
        PartitionLog reopened = followerSupport.startManager(SMALL_SEGMENTS).getLog(TP).orElseThrow();
        assertThat(reopened.logStartOffset()).isEqualTo(5);
        reopened.updateHighWatermark(reopened.logEndOffset());
        assertThat(readAll(reopened)).containsExactly("v5", "v6", "v7");
    }

    @Test
    void leaderHighWatermarkOnlyGrows() {
        PartitionLog log = leaderSupport.startManager(SMALL_SEGMENTS).getOrCreateLog(TP, TOPIC_ID, SMALL_SEGMENTS);
        log.appendAsLeader(records(1000L, "a", "b", "c", "d"), 1);

        assertThat(log.maybeIncrementHighWatermark(3)).isTrue();
        assertThat(log.maybeIncrementHighWatermark(2)).isFalse();
        assertThat(log.maybeIncrementHighWatermark(3)).isFalse();
        assertThat(log.highWatermark()).isEqualTo(3);
        assertThat(log.maybeIncrementHighWatermark(99)).isTrue(); // bounded by the log end
        assertThat(log.highWatermark()).isEqualTo(4);
    }
}
