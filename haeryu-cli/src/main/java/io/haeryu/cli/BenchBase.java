package io.haeryu.cli;

import io.haeryu.json.Json;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** What both benchmarks share: the topic and record count options and the report at the end. */
abstract class BenchBase extends ClientCommand {
    @Option(names = "--topic", paramLabel = "T", required = true)
    String topic;

    @Option(names = "--records", paramLabel = "N", defaultValue = "100000", description = "Default: ${DEFAULT-VALUE}.")
    long records;

    /** Prints throughput and latency percentiles, as a table or one JSON document. */
    void report(String latencyLabel, long count, long failed, long bytes, long nanos, Latencies lat) {
        double seconds = Math.max(nanos / 1e9, 1e-9);
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("avg", round(lat.avgMs()));
        latency.put("p50", round(lat.percentileMs(50)));
        latency.put("p95", round(lat.percentileMs(95)));
        latency.put("p99", round(lat.percentileMs(99)));
        latency.put("p99.9", round(lat.percentileMs(99.9)));
        latency.put("max", round(lat.maxMs()));
        if (client.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("topic", topic);
            doc.put("records", count);
            doc.put("failed", failed);
            doc.put("bytes", bytes);
            doc.put("elapsedMs", Math.round(nanos / 1e6));
            doc.put("recordsPerSec", Math.round(count / seconds));
            doc.put("mbPerSec", round(bytes / 1e6 / seconds));
            doc.put("latencyMs", latency);
            out().println(Json.write(doc));
        } else {
            out().printf("%,d records (%,d failed) in %.2f s: %,.0f records/s, %.2f MB/s%n",
                count, failed, seconds, count / seconds, bytes / 1e6 / seconds);
            out().printf("%s (ms): avg %.2f  p50 %.2f  p95 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n", latencyLabel,
                lat.avgMs(), lat.percentileMs(50), lat.percentileMs(95), lat.percentileMs(99),
                lat.percentileMs(99.9), lat.maxMs());
        }
        out().flush();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
