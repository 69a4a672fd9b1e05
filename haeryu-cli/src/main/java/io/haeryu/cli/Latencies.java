package io.haeryu.cli;

import java.util.Arrays;

/**
 * Latency samples in microseconds and their percentiles. At most {@link #MAX_SAMPLES} are kept, taking every n-th
 * record of a long run, so a billion-record benchmark needs no more memory than a million-record one.
 */
final class Latencies {
    static final int MAX_SAMPLES = 1_000_000;

    private final long stride;
    private final int[] samples;
    private int size;
    private long seen;
    private long max;
    private double sum;

    Latencies(long expectedRecords) {
        stride = Math.max(1, (expectedRecords + MAX_SAMPLES - 1) / MAX_SAMPLES);
        samples = new int[(int) Math.min(MAX_SAMPLES, Math.max(1, expectedRecords))];
    }

    /** Called from client callback threads as well as the main thread. */
    synchronized void record(long micros) {
        max = Math.max(max, micros);
        sum += micros;
        if (seen++ % stride == 0 && size < samples.length) {
            samples[size++] = (int) Math.min(Integer.MAX_VALUE, micros);
        }
    }

    /** p-th percentile (0..100) in milliseconds; 0 without samples. */
    synchronized double percentileMs(double p) {
        if (size == 0) {
            return 0;
        }
        int[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        // The epsilon keeps 99.9% of 1000 at 999 despite 0.999 * 1000 = 999.0000000000001 in floating point.
        int idx = (int) Math.ceil(p / 100.0 * size - 1e-9) - 1;
        return sorted[Math.max(0, Math.min(size - 1, idx))] / 1000.0;
    }

    synchronized double avgMs() {
        return seen == 0 ? 0 : sum / seen / 1000.0;
    }

    synchronized double maxMs() {
        return max / 1000.0;
    }
}
