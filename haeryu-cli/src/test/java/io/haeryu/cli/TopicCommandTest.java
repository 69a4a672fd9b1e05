package io.haeryu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Broker.class)
class TopicCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void createListDescribeDelete() throws Exception {
        Cli.Result created = Cli.run("topic", "create", "orders", "--partitions", "4", "--config", "retention.ms=3600000");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).contains("Created topic orders (4 partitions, replication factor 1)");

        Cli.Result list = Cli.run("topic", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.lines().get(0)).matches("TOPIC +PARTITIONS +REPLICATION");
        assertThat(list.lines()).anyMatch(l -> l.matches("orders +4 +1"));

        Cli.Result describe = Cli.run("topic", "describe", "orders");
        assertThat(describe.exit()).as(describe.err()).isZero();
        assertThat(describe.out()).contains("Topic: orders", "partitions: 4");
        // partition 3: leader, replicas and ISR are the one broker; an empty log; size or '-'
        assertThat(describe.lines()).anyMatch(l -> l.matches("3 +(\\d+) +\\1 +\\1 +0 +0 +\\S+"));

        Cli.Result deleted = Cli.run("topic", "delete", "orders");
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(Cli.run("topic", "list").out()).doesNotContain("orders");
    }

    @Test
    void jsonOutputIsOneParsableDocument() throws Exception {
        assertThat(Cli.run("topic", "create", "json-topic", "--partitions", "2").exit()).isZero();
        Cli.Result produced = Cli.runWithInput("a\nb\nc\n", "produce", "json-topic", "--partition", "1");
        assertThat(produced.exit()).as(produced.err()).isZero();

        JsonNode list = JSON.readTree(Cli.run("topic", "list", "--output", "json").out());
        assertThat(list.get("topics")).anyMatch(t -> t.get("topic").asText().equals("json-topic")
            && t.get("partitions").asInt() == 2);

        JsonNode d = JSON.readTree(Cli.run("topic", "describe", "json-topic", "--output", "json").out());
        assertThat(d.get("topic").asText()).isEqualTo("json-topic");
        assertThat(d.get("partitions")).hasSize(2);
        JsonNode p1 = d.get("partitions").get(1);
        assertThat(p1.get("partition").asInt()).isEqualTo(1);
        assertThat(p1.get("logStartOffset").asLong()).isZero();
        assertThat(p1.get("logEndOffset").asLong()).isEqualTo(3);
        assertThat(p1.get("isr").get(0).asInt()).isEqualTo(p1.get("leader").asInt());
    }

    @Test
    void unknownTopicSuggestsCloseNames() {
        assertThat(Cli.run("topic", "create", "payments").exit()).isZero();
        Cli.Result r = Cli.run("topic", "describe", "paymnets");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("Topic 'paymnets' does not exist", "Did you mean: payments", "haeryu topic list");

        Cli.Result del = Cli.run("topic", "delete", "paymnets");
        assertThat(del.exit()).isEqualTo(3);
        assertThat(del.err()).contains("Did you mean: payments");
    }

    @Test
    void creatingAnExistingTopicFails() {
        assertThat(Cli.run("topic", "create", "twice").exit()).isZero();
        Cli.Result r = Cli.run("topic", "create", "twice");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("Topic 'twice' already exists");
    }

    @Test
    void addPartitionsGrowsATopicAndRefusesToShrinkIt() {
        assertThat(Cli.run("topic", "create", "grow", "--partitions", "2").exit()).isZero();
        Cli.Result grow = Cli.run("topic", "add-partitions", "grow", "--partitions", "3");
        assertThat(grow.exit()).as(grow.err()).isZero();
        assertThat(Cli.run("topic", "describe", "grow").out()).contains("partitions: 3");
        Cli.Result shrink = Cli.run("topic", "add-partitions", "grow", "--partitions", "1");
        assertThat(shrink.exit()).isEqualTo(1);
        assertThat(shrink.err()).containsIgnoringCase("partition").doesNotContain("\tat ");
        assertThat(Cli.run("topic", "describe", "grow").out()).contains("partitions: 3");
    }

    @Test
    void alterConfigSetsAndDeletesTopicConfigs() {
        assertThat(Cli.run("topic", "create", "tuned").exit()).isZero();
        Cli.Result set = Cli.run("topic", "alter-config", "tuned", "--set", "retention.ms=1000");
        assertThat(set.exit()).as(set.err()).isZero();
        Cli.Result bad = Cli.run("topic", "alter-config", "tuned", "--set", "retention.mss=1");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("retention.mss").doesNotContain("\tat ");
        Cli.Result delete = Cli.run("topic", "alter-config", "tuned", "--delete", "retention.ms");
        assertThat(delete.exit()).as(delete.err()).isZero();
    }

    @Test
    void alterConfigWithoutChangesIsAUsageError() {
        Cli.Result r = Cli.run("topic", "alter-config", "whatever");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Nothing to change");
    }
}
