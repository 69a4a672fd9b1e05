package io.haeryu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Broker.class)
class GroupCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void listDescribeResetAndDeleteAfterAGroupCommitted() throws Exception {
        assertThat(Cli.run("topic", "create", "gt", "--partitions", "2").exit()).isZero();
        // Explicit partitions: keyless records would all stick to one partition, and the plan checks need both.
        produce("gt", 0, 5);
        produce("gt", 1, 5);
        Cli.Result consumed = Cli.run("consume", "gt", "--group", "g1", "--from-beginning", "--max-messages", "10");
        assertThat(consumed.exit()).as(consumed.err()).isZero();
        assertThat(consumed.lines()).hasSize(10);
        produce("gt", 0, 2);
        produce("gt", 1, 3);

        Cli.Result list = Cli.run("group", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.lines()).anyMatch(l -> l.startsWith("g1 "));

        assertThat(totalLag("g1")).isEqualTo(5);
        Cli.Result describe = Cli.run("group", "describe", "g1");
        assertThat(describe.out()).contains("Group: g1", "Total lag: 5")
            .containsPattern("gt +0 +5 +7 +2 +-").containsPattern("gt +1 +5 +8 +3 +-");

        Cli.Result dryRun = Cli.run("group", "reset-offsets", "g1", "--topic", "gt", "--to-earliest");
        assertThat(dryRun.exit()).as(dryRun.err()).isZero();
        assertThat(dryRun.out()).contains("Dry run: nothing changed")
            .containsPattern("gt +0 +5 +0").containsPattern("gt +1 +5 +0");
        assertThat(totalLag("g1")).isEqualTo(5);

        Cli.Result executed = Cli.run("group", "reset-offsets", "g1", "--topic", "gt", "--to-earliest", "--execute");
        assertThat(executed.exit()).as(executed.err()).isZero();
        assertThat(totalLag("g1")).isEqualTo(15);

        Cli.Result shifted = Cli.run("group", "reset-offsets", "g1", "--topic", "gt", "--shift-by", "2", "--execute",
            "--output", "json");
        JsonNode plan = JSON.readTree(shifted.out()).get("plan");
        assertThat(plan).allMatch(p -> p.get("current").asLong() == 0 && p.get("new").asLong() == 2);
        assertThat(totalLag("g1")).isEqualTo(11);

        Cli.Result again = Cli.run("consume", "gt", "--group", "g1", "--max-messages", "11");
        assertThat(again.lines()).hasSize(11);
        assertThat(totalLag("g1")).isZero();

        Cli.Result deleted = Cli.run("group", "delete", "g1");
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(Cli.run("group", "list").lines()).noneMatch(l -> l.startsWith("g1 "));
    }

    @Test
    void activeMembersAreShownAndBlockAReset() {
        assertThat(Cli.run("topic", "create", "live", "--partitions", "2").exit()).isZero();
        try (KafkaConsumer<byte[], byte[]> member = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Broker.bootstrap(), ConsumerConfig.GROUP_ID_CONFIG, "live-group",
                ConsumerConfig.CLIENT_ID_CONFIG, "the-member"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            member.subscribe(List.of("live"));
            long deadline = System.currentTimeMillis() + 15_000;
            while (member.assignment().isEmpty() && System.currentTimeMillis() < deadline) {
                member.poll(Duration.ofMillis(100));
            }
            assertThat(member.assignment()).hasSize(2);

            Cli.Result describe = Cli.run("group", "describe", "live-group");
            assertThat(describe.exit()).as(describe.err()).isZero();
            assertThat(describe.out()).contains("members: 1", "the-member", "live-0,live-1");

            Cli.Result reset = Cli.run("group", "reset-offsets", "live-group", "--topic", "live", "--to-latest", "--execute");
            assertThat(reset.exit()).isEqualTo(1);
            assertThat(reset.err()).contains("1 active member(s)", "Stop its consumers");

            Cli.Result delete = Cli.run("group", "delete", "live-group");
            assertThat(delete.exit()).isEqualTo(1);
            assertThat(delete.err()).contains("still has active members");
        }
    }

    @Test
    void aRunningConsumerCommitsAsItGoes() throws Exception {
        assertThat(Cli.run("topic", "create", "running", "--partitions", "1").exit()).isZero();
        produce("running", 0, 4);
        var consumer = CompletableFuture.supplyAsync(() ->
            Cli.run("consume", "running", "--group", "runners", "--from-beginning", "--timeout-ms", "6000"));
        long deadline = System.currentTimeMillis() + 5_000;
        JsonNode offsets = null;
        while (System.currentTimeMillis() < deadline) {
            Cli.Result r = Cli.run("group", "describe", "runners", "--output", "json");
            if (r.exit() == 0) {
                offsets = JSON.readTree(r.out()).get("offsets");
                if (offsets.size() == 1 && offsets.get(0).get("committed").asLong() == 4) {
                    break;
                }
            }
            Thread.sleep(200);
        }
        // Committed while the consumer still runs (it idles for 6 s before exiting).
        assertThat(consumer).isNotDone();
        assertThat(offsets).isNotNull();
        assertThat(offsets.get(0).get("committed").asLong()).isEqualTo(4);
        assertThat(offsets.get(0).get("member").isNull()).isFalse();
        assertThat(consumer.get().lines()).hasSize(4);
    }

    @Test
    void unknownGroupSuggestsCloseIds() {
        assertThat(Cli.run("topic", "create", "gx", "--partitions", "1").exit()).isZero();
        produce("gx", 0, 1);
        assertThat(Cli.run("consume", "gx", "--group", "analytics", "--from-beginning", "--max-messages", "1").exit()).isZero();

        Cli.Result r = Cli.run("group", "describe", "analytcs");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("Group 'analytcs' does not exist", "Did you mean: analytics", "haeryu group list");
        assertThat(Cli.run("group", "delete", "analytcs").exit()).isEqualTo(3);
    }

    private static void produce(String topic, int partition, int n) {
        String lines = IntStream.range(0, n).mapToObj(i -> "r" + i).collect(Collectors.joining("\n"));
        Cli.Result r = Cli.runWithInput(lines, "produce", topic, "--partition", String.valueOf(partition));
        assertThat(r.exit()).as(r.err()).isZero();
    }

    private static long totalLag(String group) throws Exception {
        Cli.Result r = Cli.run("group", "describe", group, "--output", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        return JSON.readTree(r.out()).get("totalLag").asLong();
    }
}
