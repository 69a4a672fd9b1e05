package io.haeryu.cli;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "produce", mixinStandardHelpOptions = true,
    description = "Send --records records of --record-size bytes; report throughput and send-to-ack latency.")
final class BenchProduceCommand extends BenchBase {
    @Option(names = "--record-size", paramLabel = "BYTES", defaultValue = "100", description = "Default: ${DEFAULT-VALUE}.")
    int recordSize;

    @Option(names = "--acks", paramLabel = "0|1|all", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
    String acks;

    @Option(names = "--rate", paramLabel = "RECORDS/S", defaultValue = "-1",
        description = "Throttle to this many records per second; -1: as fast as possible (default).")
    long rate;

    @Option(names = "--compression", paramLabel = "CODEC", defaultValue = "none",
        description = "none, gzip, snappy, lz4 or zstd. Default: ${DEFAULT-VALUE}.")
    ProduceCommand.Compression compression;

    @Override
    int run() throws Exception {
        try (Admin admin = client.admin()) {
            if (!await(admin.listTopics().names()).contains(topic)) {
                await(admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty()))).all());
                err().println("Created topic " + topic + " for the benchmark.");
            }
        }
        // Random letters: compressible roughly like text, unlike zeros (which every codec reduces to nothing).
        byte[] payload = new byte[recordSize];
        Random random = new Random(42);
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('a' + random.nextInt(26));
        }
        Latencies latencies = new Latencies(records);
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Progress progress = new Progress(err(), "records");
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = client.producer(Map.of(ProducerConfig.ACKS_CONFIG, acks,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, compression.name()))) {
            for (long i = 0; i < records; i++) {
                if (rate > 0) {
                    throttle(start, i);
                }
                long sentAt = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, payload), (md, e) -> {
                    if (e == null) {
                        latencies.record((System.nanoTime() - sentAt) / 1000);
                        acked.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                });
                progress.update(i + 1, (i + 1) * recordSize);
            }
            producer.flush();
        }
        long nanos = System.nanoTime() - start;
        progress.finish(records, records * recordSize);
        report("send-to-ack latency", acked.get(), failed.get(), acked.get() * recordSize, nanos, latencies);
        return failed.get() == 0 ? 0 : CliException.FAILED;
    }

    /** Sleeps until record i is due, so the rate holds on average without bursts of a whole second. */
    private void throttle(long start, long i) throws InterruptedException {
        long due = start + i * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
