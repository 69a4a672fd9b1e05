package io.haeryu.replication;

import java.util.List;
import java.util.function.Consumer;

/**
 * A fetch parked for {@code min.bytes}/{@code max.wait.ms} (Kafka's DelayedFetch), watched under its partitions: it
 * completes as soon as one of them has moved past what the last read saw (its read limit, the high watermark for a
 * consumer and the log end for a follower, moved; or its leadership or hosting changed), or when the wait is over.
 * Completion hands over to {@code onWake}, told whether the wait expired, which reads again and answers, or parks a
 * new DelayedFetch for the rest of the wait if there is still not enough.
 */
final class DelayedFetch extends DelayedOperation {

    /** How far a read could go in a partition, and under which leader epoch. */
    record ReadBound(Partition partition, int leaderEpoch, long limit) {
    }

    private final List<ReadBound> bounds;
    private final boolean fromFollower;
    private final ReplicaManager replicas;
    private final Consumer<Boolean> onWake;

    DelayedFetch(long maxWaitMs, List<ReadBound> bounds, boolean fromFollower, ReplicaManager replicas,
                 Consumer<Boolean> onWake) {
        super(maxWaitMs);
        this.bounds = bounds;
        this.fromFollower = fromFollower;
        this.replicas = replicas;
        this.onWake = onWake;
    }

    static long readLimit(Partition partition, boolean fromFollower) {
        return fromFollower ? partition.log().logEndOffset() : partition.highWatermark();
    }

    @Override
    protected boolean tryComplete() {
        for (ReadBound b : bounds) {
            Partition partition = b.partition();
            if (!replicas.hosts(partition) || !partition.isLeader() || partition.leaderEpoch() != b.leaderEpoch()
                || readLimit(partition, fromFollower) != b.limit()) {
                return forceComplete();
            }
        }
        return false;
    }

    @Override
    protected void onComplete() {
        onWake.accept(expired());
    }
}
