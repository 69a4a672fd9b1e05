package io.haeryu.replication;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * Fetches waiting for data (long polling with {@code max.wait.ms}/{@code min.bytes}). A waiter is woken once:
 * by the first append to one of its partitions, or by its deadline, whichever comes first; the fetch handler
 * then reads again and answers. As in Kafka's {@code tryCompleteElseWatch}, the waiter's condition is checked again
 * once it is registered: an append that landed between the caller's read and the registration has already sent
 * its wake-up, and without the second check the fetch would sleep until its deadline.
 */
public final class FetchPurgatory {

    /** A parked fetch. */
    private static final class Waiter {
        final Runnable onWake;
        final AtomicBoolean fired = new AtomicBoolean();
        volatile ScheduledFuture<?> deadline;
        volatile Collection<TopicPartition> partitions;

        Waiter(Runnable onWake) {
            this.onWake = onWake;
        }
    }

    private final Map<TopicPartition, Set<Waiter>> waiters = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    public FetchPurgatory(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /**
     * Parks {@code onWake} until data arrives on one of {@code partitions} or {@code maxWaitMs} passes; wakes it at
     * once if {@code changedSinceRead} (what the caller read is no longer current) holds after registering.
     */
    public void await(Collection<TopicPartition> partitions, long maxWaitMs, BooleanSupplier changedSinceRead,
                      Runnable onWake) {
        Waiter waiter = new Waiter(onWake);
        waiter.partitions = List.copyOf(partitions);
        for (TopicPartition tp : waiter.partitions) {
            // Added inside compute: fire() drops empty sets, and an add outside could land in a dropped one.
            waiters.compute(tp, (k, set) -> {
                Set<Waiter> result = set == null ? ConcurrentHashMap.newKeySet() : set;
                result.add(waiter);
                return result;
            });
        }
        waiter.deadline = timer.schedule(() -> fire(waiter), maxWaitMs, TimeUnit.MILLISECONDS);
        if (changedSinceRead.getAsBoolean()) {
            fire(waiter);
        }
    }

    /** Called after an append (or a high-watermark move) on {@code tp}. */
    public void dataArrived(TopicPartition tp) {
        Set<Waiter> set = waiters.get(tp);
        if (set == null || set.isEmpty()) {
            return;
        }
        for (Waiter waiter : set.toArray(new Waiter[0])) {
            fire(waiter);
        }
    }

    private void fire(Waiter waiter) {
        if (!waiter.fired.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> deadline = waiter.deadline;
        if (deadline != null) {
            deadline.cancel(false);
        }
        for (TopicPartition tp : waiter.partitions) {
            waiters.computeIfPresent(tp, (k, set) -> {
                set.remove(waiter);
                return set.isEmpty() ? null : set;
            });
        }
        waiter.onWake.run();
    }
}
