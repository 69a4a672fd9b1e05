package io.haeryu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatenciesTest {
    @Test
    void percentilesOfOneToThousandMillis() {
        Latencies l = new Latencies(1000);
        for (int ms = 1000; ms >= 1; ms--) {
            l.record(ms * 1000L);
        }
        assertThat(l.percentileMs(50)).isEqualTo(500.0);
        assertThat(l.percentileMs(95)).isEqualTo(950.0);
        assertThat(l.percentileMs(99.9)).isEqualTo(999.0);
        assertThat(l.maxMs()).isEqualTo(1000.0);
        assertThat(l.avgMs()).isEqualTo(500.5);
    }

    @Test
    void longRunsAreSampledWithinTheMemoryBound() {
        long n = 3L * Latencies.MAX_SAMPLES;
        Latencies l = new Latencies(n);
        for (long i = 0; i < n; i++) {
            l.record(i % 100 == 99 ? 100_000 : 1_000); // 1% slow records
        }
        assertThat(l.percentileMs(50)).isEqualTo(1.0);
        assertThat(l.percentileMs(99.9)).isEqualTo(100.0);
    }
}
