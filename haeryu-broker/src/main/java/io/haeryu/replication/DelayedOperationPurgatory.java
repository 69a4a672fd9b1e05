package io.haeryu.replication;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Delayed operations watched by key (Kafka's DelayedOperationPurgatory), here keyed by partition: produces waiting
 * for the ISR, fetches waiting for data, DeleteRecords waiting for the low watermark. {@link #tryCompleteElseWatch}
 * tries the operation, watches it under its keys, then tries it once more, so a change that landed between the first
 * try and the watch (whose {@link #checkAndComplete} found nothing to wake) is not missed; a timer on the scheduler
 * expires it after its delay. Whoever changes a partition calls {@link #checkAndComplete} for it. Operations on a
 * key are checked in the order they were watched.
 */
public final class DelayedOperationPurgatory<K> {

    private final Map<K, Set<DelayedOperation>> watchers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;

    public DelayedOperationPurgatory(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Completes the operation if it can be now, else watches it under {@code keys} until a check completes it or its
     * delay passes. Returns true if it was completed by this call.
     */
    public boolean tryCompleteElseWatch(DelayedOperation operation, Collection<K> keys) {
        if (operation.safeTryComplete()) {
            return true;
        }
        for (K key : keys) {
            if (operation.isCompleted()) {
                return false;
            }
            watch(key, operation);
        }
        if (operation.safeTryComplete()) {
            unwatch(keys, operation);
            return true;
        }
        if (operation.isCompleted()) {
            unwatch(keys, operation);
            return false;
        }
        operation.setExpiration(scheduler.schedule(() -> {
            operation.expire();
            unwatch(keys, operation);
        }, operation.delayMs(), TimeUnit.MILLISECONDS));
        return false;
    }

    /** Tries every operation watched under {@code key}; returns how many this call completed. */
    public int checkAndComplete(K key) {
        Set<DelayedOperation> set = watchers.get(key);
        if (set == null) {
            return 0;
        }
        List<DelayedOperation> snapshot;
        synchronized (set) {
            snapshot = new ArrayList<>(set);
        }
        int completed = 0;
        for (DelayedOperation operation : snapshot) {
            if (operation.isCompleted()) {
                remove(key, operation);
            } else if (operation.safeTryComplete()) {
                completed++;
                remove(key, operation);
            }
        }
        return completed;
    }

    /** How many operations are watched under {@code key} (completed ones are dropped as they are found). */
    public int watched(K key) {
        Set<DelayedOperation> set = watchers.get(key);
        if (set == null) {
            return 0;
        }
        synchronized (set) {
            return set.size();
        }
    }

    private void watch(K key, DelayedOperation operation) {
        // Added inside compute: remove() drops empty sets, and an add outside could land in a dropped one.
        watchers.compute(key, (k, set) -> {
            Set<DelayedOperation> result = set == null ? new LinkedHashSet<>() : set;
            synchronized (result) {
                result.add(operation);
            }
            return result;
        });
    }

    private void unwatch(Collection<K> keys, DelayedOperation operation) {
        for (K key : keys) {
            remove(key, operation);
        }
    }

    private void remove(K key, DelayedOperation operation) {
        watchers.computeIfPresent(key, (k, set) -> {
            synchronized (set) {
                set.remove(operation);
                return set.isEmpty() ? null : set;
            }
        });
    }
}
