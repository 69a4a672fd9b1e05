package io.haeryu.cli;

import java.io.PrintWriter;

/**
 * A progress line on stderr, rewritten in place with a carriage return at most four times a second, so stdout
 * stays clean for data and a redirected stderr does not fill up with updates.
 */
final class Progress {
    private static final long INTERVAL_NANOS = 250_000_000L;

    private final PrintWriter err;
    private final String unit;
    private final long start = System.nanoTime();
    private long lastPrint = start;
    private boolean printed;

    Progress(PrintWriter err, String unit) {
        this.err = err;
        this.unit = unit;
    }

    void update(long count, long bytes) {
        long now = System.nanoTime();
        if (now - lastPrint >= INTERVAL_NANOS) {
            lastPrint = now;
            print(count, bytes, now);
        }
    }

    /** Prints the final numbers and ends the line, if a progress line was ever shown. */
    void finish(long count, long bytes) {
        if (printed) {
            print(count, bytes, System.nanoTime());
            err.println();
            err.flush();
        }
    }

    private void print(long count, long bytes, long now) {
        double seconds = Math.max((now - start) / 1e9, 1e-9);
        err.printf("\r%,d %s  %.1f MB  %,.0f %s/s  %.1f MB/s   ", count, unit, bytes / 1e6, count / seconds, unit,
            bytes / 1e6 / seconds);
        err.flush();
        printed = true;
    }
}
