package io.haeryu.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Reads a topic from the beginning as fast as it can (assign + seek, no group). The latency reported is the age
 * of each record when it arrived (now minus its timestamp): the end-to-end latency when run while
 * {@code bench produce} is producing, merely the data's age otherwise.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
    description = "Read --records records from the beginning; report throughput and end-to-end latency.")
final class BenchConsumeCommand extends BenchBase {
    @Option(names = "--timeout-ms", paramLabel = "T", defaultValue = "10000",
        description = "Stop when no record arrived for T ms. Default: ${DEFAULT-VALUE}.")
    long timeoutMs;

    @Override
    int run() throws Exception {
        List<TopicPartition> partitions;
        try (Admin admin = client.admin()) {
            partitions = Topics.partitions(Topics.describe(admin, topic));
            Map<TopicPartition, Long> start = Topics.offsets(admin, partitions, OffsetSpec.earliest());
            Map<TopicPartition, Long> end = Topics.offsets(admin, partitions, OffsetSpec.latest());
            long available = partitions.stream().mapToLong(tp -> end.get(tp) - start.get(tp)).sum();
            if (available < records) {
                err().printf("Note: %s holds %,d records now; waiting up to %d ms for the other %,d.%n", topic,
                    available, timeoutMs, records - available);
            }
        }
        Latencies latencies = new Latencies(records);
        Progress progress = new Progress(err(), "records");
        long count = 0;
        long bytes = 0;
        long start = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = client.consumer(Map.of())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long lastRecord = System.nanoTime();
            while (count < records && System.nanoTime() - lastRecord < timeoutMs * 1_000_000L) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                long nowMs = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    latencies.record(Math.max(0, nowMs - r.timestamp()) * 1000);
                    bytes += r.serializedValueSize() < 0 ? 0 : r.serializedValueSize();
                    if (++count == records) {
                        break;
                    }
                }
                if (!batch.isEmpty()) {
                    lastRecord = System.nanoTime();
                }
                progress.update(count, bytes);
            }
        }
        long nanos = System.nanoTime() - start;
        progress.finish(count, bytes);
        report("end-to-end latency", count, 0, bytes, nanos, latencies);
        if (count < records) {
            throw new CliException(CliException.FAILED, "Only " + count + " of " + records + " records arrived within "
                + timeoutMs + " ms of silence. Produce more (haeryu bench produce --topic " + topic + ") or lower --records.");
        }
        return 0;
    }
}
