package io.haeryu.replication;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * An {@code acks=all} append waiting for the ISR (Kafka's DelayedProduce), watched under its partitions: a partition
 * is done when the leader's high watermark passes its last offset (every in-sync replica has it), with
 * NOT_ENOUGH_REPLICAS_AFTER_APPEND if the maximal ISR has meanwhile shrunk below {@code min.insync.replicas} (Kafka's
 * rule: the records are written but not as durable as asked); with NOT_LEADER_OR_FOLLOWER if this broker stops
 * leading first (the producer retries at the new leader, and an idempotent producer's retry is recognised there);
 * with KAFKA_STORAGE_ERROR if its log directory fails. The operation completes when every partition is done, or
 * after the request's timeout with REQUEST_TIMED_OUT for those that are not.
 */
final class DelayedProduce extends DelayedOperation {

    /** One partition's wait: its high watermark must reach {@code requiredOffset} (last offset + 1). */
    record PartitionWait(Partition partition, long requiredOffset, int minInsyncReplicas) {
    }

    private final List<PartitionWait> waits;
    private final Map<TopicPartition, PartitionAppendResult> results;
    private final Predicate<TopicPartition> offline;
    private final CompletableFuture<Map<TopicPartition, PartitionAppendResult>> response;
    /** The partitions' outcomes so far (null: still waiting). */
    private final AtomicReferenceArray<Errors> outcomes;

    DelayedProduce(long timeoutMs, List<PartitionWait> waits, Map<TopicPartition, PartitionAppendResult> results,
                   Predicate<TopicPartition> offline,
                   CompletableFuture<Map<TopicPartition, PartitionAppendResult>> response) {
        super(timeoutMs);
        this.waits = waits;
        this.results = results;
        this.offline = offline;
        this.response = response;
        this.outcomes = new AtomicReferenceArray<>(waits.size());
    }

    List<TopicPartition> keys() {
        return waits.stream().map(w -> w.partition().topicPartition()).toList();
    }

    @Override
    protected boolean tryComplete() {
        boolean allDone = true;
        for (int i = 0; i < waits.size(); i++) {
            if (outcomes.get(i) == null) {
                Errors outcome = outcome(waits.get(i));
                outcomes.set(i, outcome);
                allDone &= outcome != null;
            }
        }
        return allDone && forceComplete();
    }

    /** The partition's outcome if its state decides it now, else null. */
    private Errors outcome(PartitionWait wait) {
        Partition partition = wait.partition();
        if (offline.test(partition.topicPartition())) {
            return Errors.KAFKA_STORAGE_ERROR;
        }
        if (!partition.isLeader()) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        if (partition.highWatermark() >= wait.requiredOffset()) {
            // Kafka counts the maximal ISR here.
            return partition.maximalIsr().size() >= wait.minInsyncReplicas() ? Errors.NONE
                : Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
        }
        return null;
    }

    @Override
    protected void onComplete() {
        for (int i = 0; i < waits.size(); i++) {
            Errors outcome = outcomes.get(i);
            Errors error = outcome != null ? outcome : Errors.REQUEST_TIMED_OUT;
            if (error != Errors.NONE) {
                results.computeIfPresent(waits.get(i).partition().topicPartition(), (tp, r) -> r.withError(error));
            }
        }
        response.complete(results);
    }
}
