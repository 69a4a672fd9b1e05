package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * The Kafka quick start against a broker started by the README's command ({@code bin/haeryu server}), with
 * Kafka's own console producer and console consumer as separate processes.
 */
@Timeout(180)
class QuickStartTest {

    @RegisterExtension
    static final SharedBroker broker = SharedBroker.launchedBy(BrokerProcess.Launch.README_LAUNCHER);

    @Test
    void consoleProducerThenConsoleConsumerFromBeginning() throws Exception {
        String topic = Clients.uniqueTopic("quickstart");
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            Clients.createTopic(admin, topic, 3);
        }
        // 100 keyed lines: key k0..k9 decides the partition; the number gives the order within a key.
        List<String> sent = IntStream.range(0, 100).mapToObj(i -> "k" + (i % 10) + ":line-" + i).toList();
        ToolProcess.Result produced = ToolProcess.run(ToolProcess.javaTool("org.apache.kafka.tools.ConsoleProducer",
                List.of("--bootstrap-server", broker.bootstrap(), "--topic", topic,
                        "--reader-property", "parse.key=true", "--reader-property", "key.separator=:",
                        "--request-required-acks", "all")),
                String.join("\n", sent) + "\n", Duration.ofSeconds(90));
        assertThat(produced.exitCode()).as("console producer exit; stderr:\n%s", produced.stderr()).isZero();

        ToolProcess.Result consumed = ToolProcess.run(ToolProcess.javaTool(
                "org.apache.kafka.tools.consumer.ConsoleConsumer",
                List.of("--bootstrap-server", broker.bootstrap(), "--topic", topic, "--from-beginning",
                        "--max-messages", "100", "--timeout-ms", "60000",
                        "--formatter-property", "print.partition=true",
                        "--formatter-property", "print.offset=true",
                        "--formatter-property", "print.key=true")),
                null, Duration.ofSeconds(120));
        assertThat(consumed.exitCode()).as("console consumer exit; stderr:\n%s", consumed.stderr()).isZero();

        // Lines look like "Partition:1<TAB>Offset:7<TAB>k3<TAB>line-13".
        Set<String> values = new HashSet<>();
        Map<Integer, List<Long>> offsetsByPartition = new HashMap<>();
        Map<String, List<Integer>> numbersByKey = new HashMap<>();
        Map<String, Set<Integer>> partitionsByKey = new HashMap<>();
        List<String> lines = consumed.lines();
        for (String line : lines) {
            String[] f = line.split("\t");
            assertThat(f).as("line %s", line).hasSizeGreaterThanOrEqualTo(4);
            int partition = Integer.parseInt(field(f, "Partition:"));
            long offset = Long.parseLong(field(f, "Offset:"));
            String key = f[f.length - 2];
            String value = f[f.length - 1];
            values.add(key + ":" + value);
            offsetsByPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(offset);
            numbersByKey.computeIfAbsent(key, k -> new ArrayList<>())
                    .add(Integer.parseInt(value.substring("line-".length())));
            partitionsByKey.computeIfAbsent(key, k -> new HashSet<>()).add(partition);
        }
        assertThat(lines).hasSize(100);
        assertThat(values).isEqualTo(new HashSet<>(sent));
        assertThat(offsetsByPartition.keySet()).isSubsetOf(0, 1, 2);
        offsetsByPartition.forEach((p, offs) ->
                assertThat(offs).as("offsets of partition %d in delivery order", p).isSorted().doesNotHaveDuplicates());
        numbersByKey.forEach((k, nums) -> assertThat(nums).as("order of key %s", k).isSorted());
        partitionsByKey.forEach((k, ps) -> assertThat(ps).as("partitions of key %s", k).hasSize(1));
        assertThat(offsetsByPartition.values().stream().mapToInt(List::size).sum()).isEqualTo(100);
        assertThat(offsetsByPartition.keySet().stream().collect(Collectors.toSet()))
                .as("10 keys should spread over more than one partition").hasSizeGreaterThan(1);
    }

    private static String field(String[] fields, String prefix) {
        for (String f : fields) {
            if (f.startsWith(prefix)) {
                return f.substring(prefix.length());
            }
        }
        throw new AssertionError("no " + prefix + " in " + String.join("|", fields));
    }
}
