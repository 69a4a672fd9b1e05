package io.haeryu.cli;

import io.haeryu.json.Json;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code haeryu produce}: one record per input line, like kafka-console-producer. */
@Command(name = "produce", mixinStandardHelpOptions = true,
    description = "Send one record per line of stdin (or --file). Stops at the first failed record.")
final class ProduceCommand extends ClientCommand {
    enum Compression { none, gzip, snappy, lz4, zstd }

    private static final Set<String> PROPERTIES = Set.of("key.separator", "parse.key");

    @Parameters(paramLabel = "TOPIC")
    String topic;

    @Option(names = "--file", paramLabel = "FILE", description = "Read lines from FILE instead of stdin (shows progress).")
    Path file;

    @Option(names = "--key-separator", paramLabel = "S", description = "Split each line at the first S into key and value.")
    String keySeparator;

    @Option(names = "--property", paramLabel = "KEY=VALUE",
        description = "As kafka-console-producer: parse.key=true with key.separator=S (default TAB).")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--header", paramLabel = "KEY=VALUE", description = "Header added to every record (repeatable).")
    Map<String, String> headers = new LinkedHashMap<>();

    @Option(names = "--partition", paramLabel = "P", description = "Send every record to partition P.")
    Integer partition;

    @Option(names = "--acks", paramLabel = "0|1|all", defaultValue = "all", description = "Default: ${DEFAULT-VALUE}.")
    String acks;

    @Option(names = "--compression", paramLabel = "CODEC", defaultValue = "none",
        description = "none, gzip, snappy, lz4 or zstd. Default: ${DEFAULT-VALUE}.")
    Compression compression;

    @Override
    int run() throws Exception {
        String separator = separator();
        if (!Set.of("0", "1", "all", "-1").contains(acks)) {
            throw new ParameterException(spec.commandLine(), "--acks must be 0, 1 or all, got '" + acks + "'");
        }
        List<Header> recordHeaders = new ArrayList<>();
        headers.forEach((k, v) -> recordHeaders.add(new RecordHeader(k, v.getBytes(StandardCharsets.UTF_8))));

        boolean topicExists;
        try (Admin admin = client.admin()) {
            // Also proves the cluster is reachable before any input is consumed.
            topicExists = await(admin.listTopics().names()).contains(topic);
            if (!topicExists) {
                err().println("Topic " + topic + " does not exist yet; the broker creates it if auto.create.topics.enable=true.");
            }
        }

        Map<String, Object> settings = Map.of(ProducerConfig.ACKS_CONFIG, acks,
            ProducerConfig.COMPRESSION_TYPE_CONFIG, compression.name());
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        long sentBytes = 0;
        long lineNo = 0;
        long start = System.nanoTime();
        Progress progress = file != null ? new Progress(err(), "records") : null;
        try (BufferedReader in = file != null ? Files.newBufferedReader(file, StandardCharsets.UTF_8)
                : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
             KafkaProducer<byte[], byte[]> producer = client.producer(settings)) {
            String line;
            while (firstError.get() == null && (line = in.readLine()) != null) {
                lineNo++;
                byte[] key = null;
                String value = line;
                if (separator != null) {
                    int at = line.indexOf(separator);
                    if (at < 0) {
                        throw new CliException(CliException.FAILED, "Line " + lineNo + " has no key separator '"
                            + separator + "'. " + "Fix the input, or drop --key-separator / parse.key to send whole lines as values.");
                    }
                    key = line.substring(0, at).getBytes(StandardCharsets.UTF_8);
                    value = line.substring(at + separator.length());
                }
                byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                sentBytes += bytes.length + (key == null ? 0 : key.length);
                producer.send(new ProducerRecord<>(topic, partition, key, bytes, recordHeaders), (md, e) -> {
                    if (e == null) {
                        acked.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, e);
                    }
                });
                if (progress != null) {
                    progress.update(lineNo, sentBytes);
                }
            }
            producer.flush();
        } finally {
            if (progress != null) {
                progress.finish(lineNo, sentBytes);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (client.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("topic", topic);
            doc.put("sent", acked.get());
            doc.put("failed", failed.get());
            doc.put("elapsedMs", Math.round(seconds * 1000));
            out().println(Json.write(doc));
            out().flush();
        }
        err().printf("Sent %,d records (%,d failed) in %.2f s.%n", acked.get(), failed.get(), seconds);
        err().flush();
        Exception e = firstError.get();
        if (e instanceof TimeoutException && !topicExists) {
            throw new CliException(CliException.NOT_FOUND, "Topic '" + topic + "' does not exist and the broker did "
                + "not create it. Create it with: haeryu topic create " + topic);
        }
        if (e != null) {
            throw e;
        }
        return 0;
    }

    private String separator() {
        for (String k : properties.keySet()) {
            if (!PROPERTIES.contains(k)) {
                throw new ParameterException(spec.commandLine(), "Unsupported --property " + k + "; supported: " + PROPERTIES);
            }
        }
        if (keySeparator != null) {
            return keySeparator;
        }
        return Boolean.parseBoolean(properties.get("parse.key")) ? properties.getOrDefault("key.separator", "\t") : null;
    }
}
