package io.haeryu.replication;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * {@code acks=all} appends waiting for the ISR: one completes when the leader's high watermark passes its last
 * offset (every in-sync replica has it), with NOT_ENOUGH_REPLICAS_AFTER_APPEND if the (maximal) ISR has meanwhile shrunk
 * below {@code min.insync.replicas} (Kafka's rule: the records are written but not as durable as asked); with
 * NOT_LEADER_OR_FOLLOWER if this broker stops leading first (the producer retries at the new leader, and an
 * idempotent producer's retry is recognised there); with KAFKA_STORAGE_ERROR if its log directory fails; with
 * REQUEST_TIMED_OUT after the request's timeout.
 */
public final class DelayedProduce {

    private static final class Waiter {
        final long requiredOffset;
        final int minInsyncReplicas;
        final CompletableFuture<Errors> result = new CompletableFuture<>();
        volatile ScheduledFuture<?> timeout;

        Waiter(long requiredOffset, int minInsyncReplicas) {
            this.requiredOffset = requiredOffset;
            this.minInsyncReplicas = minInsyncReplicas;
        }
    }

    private final Map<TopicPartition, Set<Waiter>> waiters = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    public DelayedProduce(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Completes once {@code partition}'s high watermark reaches {@code requiredOffset} (last offset + 1). */
    public CompletableFuture<Errors> await(Partition partition, long requiredOffset, int minInsyncReplicas, long timeoutMs) {
        Waiter waiter = new Waiter(requiredOffset, minInsyncReplicas);
        TopicPartition tp = partition.topicPartition();
        // Added inside compute: complete() drops empty sets, and an add outside could land in a dropped one.
        waiters.compute(tp, (k, set) -> {
            Set<Waiter> result = set == null ? ConcurrentHashMap.newKeySet() : set;
            result.add(waiter);
            return result;
        });
        waiter.timeout = timer.schedule(() -> complete(tp, waiter, Errors.REQUEST_TIMED_OUT), timeoutMs,
            TimeUnit.MILLISECONDS);
        check(partition); // the high watermark may have moved before the waiter was registered
        return waiter.result;
    }

    /** Completes the waiters the partition's state now decides. */
    void check(Partition partition) {
        TopicPartition tp = partition.topicPartition();
        Set<Waiter> set = waiters.get(tp);
        if (set == null) {
            return;
        }
        boolean leader = partition.isLeader();
        long highWatermark = partition.highWatermark();
        int isrSize = partition.maximalIsr().size(); // Kafka counts the maximal ISR here
        for (Waiter waiter : set) {
            if (!leader) {
                complete(tp, waiter, Errors.NOT_LEADER_OR_FOLLOWER);
            } else if (highWatermark >= waiter.requiredOffset) {
                complete(tp, waiter, isrSize >= waiter.minInsyncReplicas ? Errors.NONE
                    : Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
            }
        }
    }

    /** Completes every waiter of tp with error (its log went offline: the producer retries elsewhere). */
    void failAll(TopicPartition tp, Errors error) {
        Set<Waiter> set = waiters.get(tp);
        if (set != null) {
            for (Waiter waiter : set) {
                complete(tp, waiter, error);
            }
        }
    }

    private void complete(TopicPartition tp, Waiter waiter, Errors error) {
        if (!waiter.result.complete(error)) {
            return;
        }
        ScheduledFuture<?> timeout = waiter.timeout;
        if (timeout != null) {
            timeout.cancel(false);
        }
        waiters.computeIfPresent(tp, (k, set) -> {
            set.remove(waiter);
            return set.isEmpty() ? null : set;
        });
    }
}
