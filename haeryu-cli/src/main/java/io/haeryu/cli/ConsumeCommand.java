package io.haeryu.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code haeryu consume}: prints records, like kafka-console-consumer. Without --group it assigns the partitions
 * itself and seeks, so it needs no group coordinator and leaves no trace on the cluster.
 */
// Descriptions go through String.format in picocli, hence %% for each literal %.
@Command(name = "consume", mixinStandardHelpOptions = true,
    description = {"Print records of a topic, from the end unless told otherwise.",
        "Template placeholders for --format: %%t topic, %%p partition, "
            + "%%o offset, %%T timestamp (ms), %%k key, %%v value, %%h headers (k=v,...), %%%% a percent sign; "
            + "\\n and \\t are escapes."})
final class ConsumeCommand extends ClientCommand {
    static final class StartAt {
        @Option(names = "--from-beginning", description = "Start at the earliest offset (with --group: when the group has none).")
        boolean fromBeginning;

        @Option(names = "--offset", paramLabel = "N", description = "Start at offset N of every consumed partition.")
        Long offset;

        @Option(names = "--from-timestamp", paramLabel = "ISO|MS",
            description = "Start at the first record at or after this time (2026-01-31T12:00:00Z or epoch ms).")
        String fromTimestamp;
    }

    @Parameters(paramLabel = "TOPIC")
    String topic;

    @ArgGroup(exclusive = true)
    StartAt startAt = new StartAt();

    @Option(names = "--group", paramLabel = "G", description = "Consume as member of group G and commit what was printed.")
    String group;

    @Option(names = "--max-messages", paramLabel = "N", description = "Exit after N records.")
    Long maxMessages;

    @Option(names = "--timeout-ms", paramLabel = "T", description = "Exit when no record arrived for T ms.")
    Long timeoutMs;

    @Option(names = "--partition", paramLabel = "P", description = "Consume only partition P.")
    Integer partition;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "plain",
        description = "plain (value), kv (key TAB value), json (one object per line) or a template such as '%%k=%%v @%%o'.")
    String format;

    @Override
    int run() throws Exception {
        RecordFormat fmt;
        try {
            fmt = RecordFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (startAt.offset != null && startAt.offset < 0) {
            throw new ParameterException(spec.commandLine(), "--offset must be 0 or more");
        }
        Long fromMs = startAt.fromTimestamp == null ? null : parseTime(startAt.fromTimestamp);

        List<TopicPartition> partitions;
        Map<TopicPartition, Long> timestampOffsets = Map.of();
        try (Admin admin = client.admin()) {
            TopicDescription d = Topics.describe(admin, topic);
            partitions = Topics.partitions(d);
            if (partition != null) {
                TopicPartition tp = new TopicPartition(topic, partition);
                if (!partitions.contains(tp)) {
                    throw new CliException(CliException.NOT_FOUND, "Topic " + topic + " has no partition " + partition
                        + " (it has " + partitions.size() + ": 0.." + (partitions.size() - 1) + ").");
                }
                partitions = List.of(tp);
            }
            if (fromMs != null) {
                timestampOffsets = Topics.offsets(admin, partitions, OffsetSpec.forTimestamp(fromMs));
            }
        }

        Map<String, Object> settings = new HashMap<>();
        if (group != null) {
            settings.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, startAt.fromBeginning ? "earliest" : "latest");
        }
        KafkaConsumer<byte[], byte[]> consumer = client.consumer(settings);
        // Ctrl-C: wake the poll, then let this thread commit, close and print its summary before the JVM goes.
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            consumer.wakeup();
            awaitQuietly(done);
        }, "haeryu-consume-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            long count;
            try (consumer) {
                count = consume(consumer, fmt, partitions, timestampOffsets);
            }
            err().println("Processed a total of " + count + " messages");
            err().flush();
        } finally {
            done.countDown();
            removeHook(hook);
        }
        return 0;
    }

    /** Prints records until --max-messages, --timeout-ms or Ctrl-C; with a group, commits what was printed. */
    private long consume(KafkaConsumer<byte[], byte[]> consumer, RecordFormat fmt, List<TopicPartition> partitions,
            Map<TopicPartition, Long> timestampOffsets) {
        Map<TopicPartition, OffsetAndMetadata> consumed = new HashMap<>();
        long count = 0;
        try {
            if (group != null && partition == null) {
                // Position each partition on its first assignment only: a later rebalance must not rewind it.
                Set<TopicPartition> positioned = new HashSet<>();
                consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                        List<TopicPartition> fresh = assigned.stream().filter(positioned::add).toList();
                        position(consumer, fresh, timestampOffsets, false);
                    }

                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                        commit(consumer, consumed);
                    }
                });
            } else {
                consumer.assign(partitions);
                position(consumer, partitions, timestampOffsets, group == null);
            }
            long lastRecord = System.nanoTime();
            while (maxMessages == null || count < maxMessages) {
                var records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    out().println(fmt.format(r));
                    consumed.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    count++;
                    if (maxMessages != null && count >= maxMessages) {
                        break;
                    }
                }
                out().flush();
                if (!records.isEmpty()) {
                    lastRecord = System.nanoTime();
                    if (group != null) {
                        // Keeps the group's lag current while a long-running consumer prints; the final commit is sync.
                        consumer.commitAsync(Map.copyOf(consumed), null);
                    }
                } else if (timeoutMs != null && System.nanoTime() - lastRecord >= timeoutMs * 1_000_000L) {
                    break;
                }
            }
        } catch (WakeupException e) {
            // Ctrl-C: stop consuming and fall through to the commit.
        } finally {
            commit(consumer, consumed);
        }
        return count;
    }

    /**
     * Moves to the requested start. Without a group the default is the log end (like kafka-console-consumer); with a
     * group, committed offsets (or auto.offset.reset) decide unless --offset or --from-timestamp says otherwise.
     */
    private void position(KafkaConsumer<byte[], byte[]> consumer, Collection<TopicPartition> tps,
            Map<TopicPartition, Long> timestampOffsets, boolean noGroup) {
        if (startAt.offset != null) {
            tps.forEach(tp -> consumer.seek(tp, startAt.offset));
        } else if (startAt.fromTimestamp != null) {
            // A timestamp after the last record has no offset (-1): start at the end.
            tps.forEach(tp -> {
                Long o = timestampOffsets.get(tp);
                if (o == null || o < 0) {
                    consumer.seekToEnd(List.of(tp));
                } else {
                    consumer.seek(tp, o);
                }
            });
        } else if (noGroup) {
            if (startAt.fromBeginning) {
                consumer.seekToBeginning(tps);
            } else {
                consumer.seekToEnd(tps);
            }
        }
    }

    private void commit(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> consumed) {
        if (group != null && !consumed.isEmpty()) {
            consumer.commitSync(consumed);
            consumed.clear();
        }
    }

    static long parseTime(String s) {
        if (s.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(s);
        }
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new CliException(CliException.USAGE, "Cannot read time '" + s
                + "': use ISO-8601 with a zone (2026-01-31T12:00:00Z) or epoch milliseconds.");
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running and waits for us.
        }
    }
}
