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
import org.apache.kafka.common.TopicPartition;

/**
 * Fetches waiting for data (long polling with {@code max.wait.ms}/{@code min.bytes}). A waiter is woken once:
 * by the first append to one of its partitions, or by its deadline, whichever comes first; the fetch handler
 * then reads again and answers.
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

    /** Parks {@code onWake} until data arrives on one of {@code partitions} or {@code maxWaitMs} passes. */
    public void await(Collection<TopicPartition> partitions, long maxWaitMs, Runnable onWake) {
        Waiter waiter = new Waiter(onWake);
        waiter.partitions = List.copyOf(partitions);
        for (TopicPartition tp : waiter.partitions) {
            waiters.computeIfAbsent(tp, k -> ConcurrentHashMap.newKeySet()).add(waiter);
        }
        waiter.deadline = timer.schedule(() -> fire(waiter), maxWaitMs, TimeUnit.MILLISECONDS);
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
            Set<Waiter> set = waiters.get(tp);
            if (set != null) {
                set.remove(waiter);
                if (set.isEmpty()) {
                    waiters.remove(tp, set);
                }
            }
        }
        waiter.onWake.run();
    }
}
