package io.haeryu.replication;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * A DeleteRecords partition waiting for its low watermark (Kafka's DelayedDeleteRecords): completes once the
 * smallest log start offset of the leader and its in-sync followers (see {@link Partition#lowWatermark}) reaches
 * the requested offset, so the deletion survives a failover; with the partition's error if this broker stops
 * leading it or its log directory fails; with a TimeoutException after the request's timeout.
 */
final class DelayedDeleteRecords extends DelayedOperation {

    private final Partition partition;
    private final long offset;
    private final ReplicaManager replicas;
    private final CompletableFuture<Long> reached;
    private volatile long lowWatermark = -1;
    private volatile RuntimeException failure;

    DelayedDeleteRecords(long timeoutMs, Partition partition, long offset, ReplicaManager replicas,
                         CompletableFuture<Long> reached) {
        super(timeoutMs);
        this.partition = partition;
        this.offset = offset;
        this.replicas = replicas;
        this.reached = reached;
    }

    @Override
    protected boolean tryComplete() {
        try {
            if (replicas.isOffline(partition.topicPartition())) {
                throw new KafkaStorageException("The log of " + partition.topicPartition() + " is offline");
            }
            long low = partition.lowWatermark();
            if (low < offset) {
                return false;
            }
            lowWatermark = low;
        } catch (RuntimeException e) {
            failure = e; // no longer the leader
        }
        return forceComplete();
    }

    @Override
    protected void onComplete() {
        if (failure != null) {
            reached.completeExceptionally(failure);
        } else if (lowWatermark >= 0) {
            reached.complete(lowWatermark);
        } else {
            reached.completeExceptionally(new TimeoutException("The replicas of " + partition.topicPartition()
                + " did not reach log start offset " + offset + " in time"));
        }
    }
}
