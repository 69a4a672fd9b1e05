package io.haeryu.log;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.utils.Time;

/** A clock that only moves when a test says so. */
final class ManualTime implements Time {
    private final AtomicLong nowMs;

    ManualTime(long startMs) {
        this.nowMs = new AtomicLong(startMs);
    }

    void advance(long ms) {
        nowMs.addAndGet(ms);
    }

    @Override
    public long milliseconds() {
        return nowMs.get();
    }

    @Override
    public long nanoseconds() {
        return TimeUnit.MILLISECONDS.toNanos(nowMs.get());
    }

    @Override
    public void sleep(long ms) {
        advance(ms);
    }
}
