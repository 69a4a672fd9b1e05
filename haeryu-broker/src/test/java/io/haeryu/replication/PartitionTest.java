package io.haeryu.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haeryu.cluster.PartitionState;
import io.haeryu.log.LogConfig;
import io.haeryu.log.LogManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leader's bookkeeping: high watermark from the ISR, ISR expansion and shrink requests, role changes. */
class PartitionTest {

    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private static final List<Integer> REPLICAS = List.of(1, 2, 3);

    @TempDir
    Path dir;
    private ScheduledExecutorService scheduler;
    private LogManager logManager;
    private final List<String> events = new ArrayList<>();
    private Partition partition;

    @BeforeEach
    void setUp() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        logManager = new LogManager(List.of(dir), LogConfig.defaults(), Time.SYSTEM, scheduler);
        logManager.startup();
        partition = new Partition(TP, logManager.getOrCreateLog(TP, Uuid.randomUuid(), LogConfig.defaults()), 1,
            new Partition.Events() {
                @Override
                public void highWatermarkAdvanced(Partition p) {
                    events.add("hw " + p.highWatermark());
                }

                @Override
                public void isrChangeWanted(Partition p, int leaderEpoch, List<Integer> newIsr) {
                    events.add("isr " + newIsr);
                }
            });
    }

    @AfterEach
    void tearDown() throws Exception {
        logManager.close();
        scheduler.shutdownNow();
    }

    private static MemoryRecords records(int n) {
        SimpleRecord[] records = new SimpleRecord[n];
        for (int i = 0; i < n; i++) {
            records[i] = new SimpleRecord(("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    @Test
    void highWatermarkIsTheSmallestLogEndInTheIsr() {
        partition.applyState(new PartitionState(0, REPLICAS, 1, 5, REPLICAS), 0);
        partition.appendAsLeader(records(10), (short) -1, 2);
        assertThat(partition.highWatermark()).isZero(); // followers not heard from yet

        partition.updateFollowerFetchState(2, 10, 0, 1);
        assertThat(partition.highWatermark()).isZero(); // broker 3 is in the ISR too
        partition.updateFollowerFetchState(3, 4, 0, 1);
        assertThat(partition.highWatermark()).isEqualTo(4);
        partition.updateFollowerFetchState(3, 10, 0, 2);
        assertThat(partition.highWatermark()).isEqualTo(10);
        assertThat(events).containsExactly("hw 4", "hw 10");
    }

    @Test
    void laggingFollowerIsDroppedOnlyOnceZooKeeperHasTheChange() {
        partition.applyState(new PartitionState(0, REPLICAS, 1, 5, REPLICAS), 0);
        partition.appendAsLeader(records(10), (short) 1, 1);
        partition.updateFollowerFetchState(2, 10, 0, 1_000);
        partition.updateFollowerFetchState(3, 2, 0, 1_000);
        assertThat(events).containsExactly("hw 2");
        events.clear();

        partition.maybeShrinkIsr(20_000, 30_000);
        assertThat(events).isEmpty();
        partition.updateFollowerFetchState(2, 10, 0, 35_000);
        partition.maybeShrinkIsr(40_000, 30_000); // 3 has not caught up since the leader started at 0
        assertThat(events).containsExactly("isr [1, 2]");
        assertThat(partition.isr()).isEqualTo(REPLICAS);
        assertThat(partition.highWatermark()).isEqualTo(2);

        partition.onIsrChangeCompleted(5, List.of(1, 2), true);
        assertThat(partition.isr()).containsExactly(1, 2);
        assertThat(partition.highWatermark()).isEqualTo(10);
        assertThat(events).containsExactly("isr [1, 2]", "hw 10");
    }

    @Test
    void followerRejoinsOnceItReachesTheHighWatermark() {
        partition.applyState(new PartitionState(0, REPLICAS, 1, 5, List.of(1, 2)), 0);
        partition.appendAsLeader(records(10), (short) 1, 1);
        partition.updateFollowerFetchState(2, 10, 0, 1);
        partition.updateFollowerFetchState(3, 5, 0, 1);
        assertThat(events).containsExactly("hw 10");
        partition.updateFollowerFetchState(3, 10, 0, 2);
        assertThat(events).containsExactly("hw 10", "isr [1, 2, 3]");
    }

    @Test
    void acksAllNeedsMinInsyncReplicasAndOnlyTheLeaderAppends() {
        partition.applyState(new PartitionState(0, REPLICAS, 1, 5, List.of(1)), 0);
        assertThatThrownBy(() -> partition.appendAsLeader(records(1), (short) -1, 2))
            .isInstanceOf(NotEnoughReplicasException.class);
        assertThat(partition.log().logEndOffset()).isZero();

        partition.applyState(new PartitionState(0, REPLICAS, 2, 6, List.of(2, 3)), 0);
        assertThat(partition.isLeader()).isFalse();
        assertThatThrownBy(() -> partition.appendAsLeader(records(1), (short) 1, 1))
            .isInstanceOf(NotLeaderOrFollowerException.class);
        // An older state arriving late changes nothing.
        assertThat(partition.applyState(new PartitionState(0, REPLICAS, 1, 5, List.of(1)), 0).changed()).isFalse();
        assertThat(partition.leaderId()).isEqualTo(2);
    }

    /**
     * ISR [1, 2]: broker 3 catches up at offset 10 and its return is asked for; then 10 more records, which only
     * broker 2 fetches.
     */
    private void expansionOfBroker3PendingWhileItLags() {
        partition.applyState(new PartitionState(0, REPLICAS, 1, 5, List.of(1, 2)), 0);
        partition.appendAsLeader(records(10), (short) 1, 1);
        partition.updateFollowerFetchState(2, 10, 0, 1);
        partition.updateFollowerFetchState(3, 10, 0, 1);
        assertThat(events).containsExactly("hw 10", "isr [1, 2, 3]");
        partition.appendAsLeader(records(10), (short) 1, 1);
        partition.updateFollowerFetchState(2, 20, 0, 2);
    }

    @Test
    void replicaBeingAddedToTheIsrCountsForTheHighWatermarkAtOnce() {
        expansionOfBroker3PendingWhileItLags();
        assertThat(partition.isr()).containsExactly(1, 2);
        assertThat(partition.maximalIsr()).containsExactly(1, 2, 3);
        // Broker 3 may lead as soon as ZooKeeper has the change: records it lacks are not committed yet.
        assertThat(partition.highWatermark()).isEqualTo(10);
        partition.onIsrChangeCompleted(5, List.of(1, 2, 3), true);
        assertThat(partition.highWatermark()).isEqualTo(10);
        partition.updateFollowerFetchState(3, 20, 0, 3);
        assertThat(partition.highWatermark()).isEqualTo(20);
    }

    @Test
    void refusedExpansionStopsCountingTheReplica() {
        expansionOfBroker3PendingWhileItLags();
        assertThat(partition.highWatermark()).isEqualTo(10);

        partition.onIsrChangeCompleted(5, List.of(1, 2, 3), false);

        assertThat(partition.maximalIsr()).containsExactly(1, 2);
        assertThat(partition.highWatermark()).isEqualTo(20);
    }

    @Test
    void isrChangeAnsweredAfterANewEpochDoesNotFreezeTheIsr() {
        partition.applyState(new PartitionState(0, REPLICAS, 1, 5, REPLICAS), 0);
        partition.appendAsLeader(records(10), (short) 1, 1);
        partition.updateFollowerFetchState(2, 10, 0, 1_000);
        partition.maybeShrinkIsr(31_000, 30_000); // 3 never fetched
        assertThat(events).containsExactly("isr [1, 2]");
        events.clear();

        // The controller bumps the epoch (a reassignment starts) with this broker still leading; ZooKeeper then
        // refuses the change asked for in epoch 5.
        partition.applyState(new PartitionState(0, REPLICAS, 1, 6, REPLICAS), 40_000);
        partition.onIsrChangeCompleted(5, List.of(1, 2), false);
        assertThat(partition.isr()).isEqualTo(REPLICAS);

        partition.updateFollowerFetchState(2, 10, 0, 75_000);
        partition.maybeShrinkIsr(75_000, 30_000); // 3 is still silent: it is dropped in epoch 6
        assertThat(events).containsExactly("isr [1, 2]");
        partition.onIsrChangeCompleted(6, List.of(1, 2), true);
        assertThat(partition.isr()).containsExactly(1, 2);
    }

    @Test
    void failedIsrWriteCanBeAskedForAgain() {
        partition.applyState(new PartitionState(0, REPLICAS, 1, 5, REPLICAS), 0);
        partition.updateFollowerFetchState(2, 0, 0, 1_000);
        partition.maybeShrinkIsr(31_000, 30_000);
        partition.maybeShrinkIsr(31_000, 30_000); // one change at a time
        assertThat(events).containsExactly("isr [1, 2]");

        partition.onIsrChangeCompleted(5, List.of(1, 2), false); // e.g. ZooKeeper unreachable
        partition.updateFollowerFetchState(2, 0, 0, 42_000);
        partition.maybeShrinkIsr(42_000, 30_000);
        assertThat(events).containsExactly("isr [1, 2]", "isr [1, 2]");
    }

    @Test
    void onlyTheFollowersOfThePartitionFetchAsReplicas() {
        partition.applyState(new PartitionState(0, List.of(1, 2), 1, 5, List.of(1, 2)), 0);
        partition.appendAsLeader(records(10), (short) 1, 1);

        assertThatThrownBy(() -> partition.ensureFollower(3, true)).isInstanceOf(UnknownLeaderEpochException.class);
        assertThatThrownBy(() -> partition.ensureFollower(3, false)).isInstanceOf(NotLeaderOrFollowerException.class);
        assertThatThrownBy(() -> partition.ensureFollower(1, false)).isInstanceOf(NotLeaderOrFollowerException.class);
        assertThatThrownBy(() -> partition.updateFollowerFetchState(3, 10, 0, 1))
            .isInstanceOf(NotLeaderOrFollowerException.class);
        partition.ensureFollower(2, true);
        assertThat(partition.highWatermark()).isZero();
        assertThat(events).isEmpty();
    }

    @Test
    void followerTakesTheLeadersLogStartOffset() {
        partition.applyState(new PartitionState(0, REPLICAS, 2, 5, REPLICAS), 0);
        MemoryRecords batch = records(10);
        for (org.apache.kafka.common.record.internal.MutableRecordBatch b : batch.batches()) {
            b.setPartitionLeaderEpoch(5);
        }
        partition.appendAsFollower(5, batch, 10, 0);
        assertThat(partition.log().logStartOffset()).isZero();

        partition.appendAsFollower(5, MemoryRecords.EMPTY, 10, 4);

        assertThat(partition.log().logStartOffset()).isEqualTo(4);
        assertThat(partition.read(4, Integer.MAX_VALUE, true).logStartOffset()).isEqualTo(4);
        // Never above what this replica knows to be committed.
        partition.appendAsFollower(5, MemoryRecords.EMPTY, 10, 40);
        assertThat(partition.log().logStartOffset()).isEqualTo(10);
    }
    @Test
    void lowWatermarkIsTheSmallestLogStartOfTheInSyncReplicas() {
        partition.applyState(new PartitionState(0, REPLICAS, 1, 5, List.of(1, 2)), 0);
        partition.appendAsLeader(records(10), (short) 1, 1);
        partition.updateFollowerFetchState(2, 10, 0, 1);
        partition.updateFollowerFetchState(3, 10, 0, 1); // asks to rejoin: counts at once
        partition.log().deleteRecordsBefore(6);
        assertThat(partition.lowWatermark()).isZero();

        partition.updateFollowerFetchState(2, 10, 6, 2);
        assertThat(partition.lowWatermark()).isZero();
        partition.updateFollowerFetchState(3, 10, 6, 2);
        assertThat(partition.lowWatermark()).isEqualTo(6);
    }
    @Test
    void emptyFollowerStartsAtABatchThatHoldsTheLeadersLogStart() {
        partition.applyState(new PartitionState(0, REPLICAS, 2, 5, REPLICAS), 0);
        partition.truncateFullyAsFollower(5, 100); // below the leader's log start: started over there
        SimpleRecord[] values = new SimpleRecord[10];
        for (int i = 0; i < values.length; i++) {
            values[i] = new SimpleRecord(("v" + (95 + i)).getBytes(StandardCharsets.UTF_8));
        }
        MemoryRecords batch = MemoryRecords.withRecords(95, Compression.NONE, values); // offsets 95..104

        partition.appendAsFollower(5, batch, 105, 100);

        assertThat(partition.log().logEndOffset()).isEqualTo(105);
        assertThat(partition.log().logStartOffset()).isEqualTo(100);
        assertThat(partition.highWatermark()).isEqualTo(105);
    }
}
