package io.haeryu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(Broker.class)
class ProduceConsumeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void seedScenarioCreateProduceConsume() {
        assertThat(Cli.run("topic", "create", "test-topic").exit()).isZero();
        Cli.Result produced = Cli.runWithInput("first\nsecond\nthird\n", "produce", "test-topic");
        assertThat(produced.exit()).as(produced.err()).isZero();
        assertThat(produced.err()).contains("Sent 3 records (0 failed)");

        Cli.Result consumed = Cli.run("consume", "test-topic", "--from-beginning", "--max-messages", "3");
        assertThat(consumed.exit()).as(consumed.err()).isZero();
        // Three partitions by default: order holds within a partition only.
        assertThat(consumed.lines()).containsExactlyInAnyOrder("first", "second", "third");
        assertThat(consumed.err()).contains("Processed a total of 3 messages");
    }

    @Test
    void produceFromFileWithKeysAndHeadersThenEveryFormat(@TempDir Path dir) throws Exception {
        assertThat(Cli.run("topic", "create", "formats", "--partitions", "1").exit()).isZero();
        Path file = dir.resolve("in.txt");
        Files.writeString(file, "k1:v1\nk2:v2\n");
        Cli.Result produced = Cli.run("produce", "formats", "--file", file.toString(), "--key-separator", ":",
            "--header", "src=test", "--compression", "gzip", "--acks", "1");
        assertThat(produced.exit()).as(produced.err()).isZero();
        assertThat(produced.err()).contains("Sent 2 records (0 failed)");

        assertThat(consume("formats", "plain").lines()).containsExactly("v1", "v2");
        assertThat(consume("formats", "kv").lines()).containsExactly("k1\tv1", "k2\tv2");
        assertThat(consume("formats", "%k=%v @%o p%p %t [%h] 100%%").lines())
            .containsExactly("k1=v1 @0 p0 formats [src=test] 100%", "k2=v2 @1 p0 formats [src=test] 100%");

        Cli.Result json = consume("formats", "json");
        JsonNode first = JSON.readTree(json.lines().get(0));
        assertThat(first.get("topic").asText()).isEqualTo("formats");
        assertThat(first.get("partition").asInt()).isZero();
        assertThat(first.get("offset").asLong()).isZero();
        assertThat(first.get("timestamp").asLong()).isPositive();
        assertThat(first.get("key").asText()).isEqualTo("k1");
        assertThat(first.get("value").asText()).isEqualTo("v1");
        assertThat(first.get("headers").get("src").asText()).isEqualTo("test");
    }

    @Test
    void kafkaStylePropertiesParseKeys() {
        assertThat(Cli.run("topic", "create", "props", "--partitions", "1").exit()).isZero();
        Cli.Result produced = Cli.runWithInput("a|1\nb|2\n", "produce", "props", "--property", "parse.key=true",
            "--property", "key.separator=|");
        assertThat(produced.exit()).as(produced.err()).isZero();
        assertThat(consume("props", "%k-%v").lines()).containsExactly("a-1", "b-2");
    }

    @Test
    void maxMessagesStopsEarlyAndTimeoutStopsWhenIdle() {
        assertThat(Cli.run("topic", "create", "many", "--partitions", "1").exit()).isZero();
        String lines = IntStream.range(0, 20).mapToObj(i -> "m" + i).collect(Collectors.joining("\n"));
        assertThat(Cli.runWithInput(lines, "produce", "many").exit()).isZero();

        Cli.Result five = Cli.run("consume", "many", "--from-beginning", "--max-messages", "5");
        assertThat(five.lines()).containsExactly("m0", "m1", "m2", "m3", "m4");

        long t0 = System.nanoTime();
        Cli.Result all = Cli.run("consume", "many", "--from-beginning", "--timeout-ms", "1000");
        assertThat(all.exit()).isZero();
        assertThat(all.lines()).hasSize(20);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(15_000);

        // Without --from-beginning a consumer starts at the end: nothing old arrives before the timeout.
        assertThat(Cli.run("consume", "many", "--timeout-ms", "500").lines()).isEmpty();
    }

    @Test
    void offsetPartitionAndTimestampPickTheStart() {
        assertThat(Cli.run("topic", "create", "seek", "--partitions", "2").exit()).isZero();
        assertThat(Cli.runWithInput("a\nb\nc\nd\n", "produce", "seek", "--partition", "1").exit()).isZero();

        Cli.Result fromTwo = Cli.run("consume", "seek", "--partition", "1", "--offset", "2", "--max-messages", "2");
        assertThat(fromTwo.lines()).containsExactly("c", "d");

        Cli.Result future = Cli.run("consume", "seek", "--from-timestamp", "2999-01-01T00:00:00Z", "--timeout-ms", "500");
        assertThat(future.lines()).isEmpty();
        Cli.Result past = Cli.run("consume", "seek", "--from-timestamp", "0", "--max-messages", "4");
        assertThat(past.lines()).containsExactly("a", "b", "c", "d");

        Cli.Result noSuchPartition = Cli.run("consume", "seek", "--partition", "7", "--max-messages", "1");
        assertThat(noSuchPartition.exit()).isEqualTo(3);
        assertThat(noSuchPartition.err()).contains("has no partition 7");
    }

    @Test
    void unknownTopicSuggestsCloseNames() {
        assertThat(Cli.run("topic", "create", "clickstream").exit()).isZero();
        Cli.Result r = Cli.run("consume", "clikstream", "--max-messages", "1");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("Topic 'clikstream' does not exist", "Did you mean: clickstream");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(Cli.run("consume", "x", "--from-beginning", "--offset", "3").exit()).isEqualTo(2);
        assertThat(Cli.run("consume", "x", "--format", "nonsense").exit()).isEqualTo(2);
        assertThat(Cli.runWithInput("", "produce", "x", "--acks", "2").exit()).isEqualTo(2);
        assertThat(Cli.runWithInput("", "produce", "x", "--property", "parse.headers=true").exit()).isEqualTo(2);
    }

    private static Cli.Result consume(String topic, String format) {
        Cli.Result r = Cli.run("consume", topic, "--from-beginning", "--max-messages", "2", "--format", format);
        assertThat(r.exit()).as(r.err()).isZero();
        return r;
    }
}
