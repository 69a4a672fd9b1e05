package io.haeryu.replication;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A request part that cannot be answered yet, parked in a {@link DelayedOperationPurgatory} until its condition
 * holds or its delay passes (Kafka's DelayedOperation): {@link #tryComplete} checks the condition and calls
 * {@link #forceComplete} when it holds; {@link #onComplete} runs exactly once, whoever completes it (a check, the
 * expiration timer, or a forced completion), and {@link #onExpiration} after it when the delay ran out first.
 */
public abstract class DelayedOperation {

    private final long delayMs;
    private final AtomicBoolean completed = new AtomicBoolean();
    /** Serialises {@link #tryComplete} calls, which may come from several threads' checks at once. */
    private final ReentrantLock lock = new ReentrantLock();
    private volatile ScheduledFuture<?> expiration;
    private volatile boolean expired;

    protected DelayedOperation(long delayMs) {
        this.delayMs = Math.max(0, delayMs);
    }

    /** Completes the operation (via {@link #forceComplete}) if its condition holds; true if this call completed it. */
    protected abstract boolean tryComplete();

    /** Produces the operation's outcome; called exactly once. */
    protected abstract void onComplete();

    /** Called after {@link #onComplete} when the operation completed because its delay passed. */
    protected void onExpiration() {
    }

    /** Completes the operation now, condition or not; true if this call completed it (false if already done). */
    public final boolean forceComplete() {
        if (!completed.compareAndSet(false, true)) {
            return false;
        }
        ScheduledFuture<?> timer = expiration;
        if (timer != null) {
            timer.cancel(false);
        }
        onComplete();
        return true;
    }

    public final boolean isCompleted() {
        return completed.get();
    }

    /** True once the delay has passed: the operation completes, or completed, with what it has. */
    protected final boolean expired() {
        return expired;
    }

    final long delayMs() {
        return delayMs;
    }

    /** {@link #tryComplete} unless completed, one caller at a time. */
    final boolean safeTryComplete() {
        lock.lock();
        try {
            return !isCompleted() && tryComplete();
        } finally {
            lock.unlock();
        }
    }

    final void expire() {
        expired = true;
        if (forceComplete()) {
            onExpiration();
        }
    }

    final void setExpiration(ScheduledFuture<?> timer) {
        expiration = timer;
        if (isCompleted()) {
            timer.cancel(false); // completed while the timer was being scheduled
        }
    }
}
