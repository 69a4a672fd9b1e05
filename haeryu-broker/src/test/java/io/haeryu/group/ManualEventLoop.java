package io.haeryu.group;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.PriorityQueue;

/**
 * A deterministic event loop for tests: events run on the calling thread, one at a time (an event submitted by a
 * running event runs after it), and time only moves in {@link #advance}, which fires due timers in order.
 */
final class ManualEventLoop implements EventLoop, EventLoops {

    private record Timer(long dueMs, long sequence, Runnable event) {
    }

    private final Deque<Runnable> queue = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers =
        new PriorityQueue<>(Comparator.comparingLong(Timer::dueMs).thenComparingLong(Timer::sequence));
    private long nowMs = 1_000_000L;
    private long sequence;
    private boolean running;
    private boolean paused;

    @Override
    public EventLoop loopFor(int partition) {
        return this;
    }

    @Override
    public long nowMs() {
        return nowMs;
    }

    @Override
    public void execute(Runnable event) {
        queue.add(event);
        if (running || paused) {
            return;
        }
        running = true;
        try {
            while (!queue.isEmpty()) {
                queue.poll().run();
            }
        } finally {
            running = false;
        }
    }

    @Override
    public Cancellable schedule(long delayMs, Runnable event) {
        Timer timer = new Timer(nowMs + delayMs, sequence++, event);
        timers.add(timer);
        return () -> timers.remove(timer);
    }

    /** Queues events without running them, as a busy coordinator thread would. */
    void pause() {
        paused = true;
    }

    void resume() {
        paused = false;
        execute(() -> { });
    }

    /** Moves the clock forward, running every timer that falls due on the way at its due time. */
    void advance(long ms) {
        long target = nowMs + ms;
        while (!timers.isEmpty() && timers.peek().dueMs() <= target) {
            Timer timer = timers.poll();
            nowMs = timer.dueMs();
            execute(timer.event());
        }
        nowMs = target;
    }
}
