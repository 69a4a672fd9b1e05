package io.haeryu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Broker.class)
class BenchCommandTest {
    @Test
    void produceThenConsumeReportThroughputAndPercentiles() throws Exception {
        Cli.Result p = Cli.run("bench", "produce", "--topic", "bench", "--records", "2000", "--record-size", "50",
            "--acks", "all");
        assertThat(p.exit()).as(p.err()).isZero();
        assertThat(p.out()).containsPattern("2,000 records \\(0 failed\\) in [0-9.]+ s: [0-9,]+ records/s, [0-9.]+ MB/s")
            .containsPattern("send-to-ack latency \\(ms\\): avg [0-9.]+  p50 [0-9.]+  p95 [0-9.]+  p99 [0-9.]+  p99.9 [0-9.]+");

        Cli.Result c = Cli.run("bench", "consume", "--topic", "bench", "--records", "2000", "--output", "json");
        assertThat(c.exit()).as(c.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(c.out());
        assertThat(json.get("records").asLong()).isEqualTo(2000);
        assertThat(json.get("bytes").asLong()).isEqualTo(2000 * 50);
        JsonNode lat = json.get("latencyMs");
        assertThat(lat.get("p50").asDouble()).isLessThanOrEqualTo(lat.get("p99").asDouble());
        assertThat(lat.get("p99").asDouble()).isLessThanOrEqualTo(lat.get("p99.9").asDouble());
    }

    @Test
    void rateThrottlesTheProducer() {
        long t0 = System.nanoTime();
        Cli.Result p = Cli.run("bench", "produce", "--topic", "bench-rate", "--records", "100", "--rate", "200");
        assertThat(p.exit()).as(p.err()).isZero();
        // 100 records at 200/s cannot take less than half a second.
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(490);
    }

    @Test
    void consumingMoreThanThereIsFailsAfterTheTimeout() {
        assertThat(Cli.run("bench", "produce", "--topic", "bench-short", "--records", "10").exit()).isZero();
        Cli.Result c = Cli.run("bench", "consume", "--topic", "bench-short", "--records", "50", "--timeout-ms", "500");
        assertThat(c.exit()).isEqualTo(1);
        assertThat(c.err()).contains("Only 10 of 50 records arrived");
    }
}
