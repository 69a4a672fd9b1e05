package io.haeryu.group;

/**
 * One coordinator thread: runs events one at a time, in submission order, and owns the clock its timers use.
 * Every coordinator partition is bound to exactly one loop, so its state machine needs no locks.
 */
public interface EventLoop {

    long nowMs();

    /** Runs {@code event} on the loop's thread, after the events already queued. */
    void execute(Runnable event);

    /** Runs {@code event} on the loop's thread once {@code delayMs} has passed, unless cancelled first. */
    Cancellable schedule(long delayMs, Runnable event);

    /** A scheduled event that has not run yet. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
