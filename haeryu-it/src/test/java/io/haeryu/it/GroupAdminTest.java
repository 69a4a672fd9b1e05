package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * Consumer groups through the admin API and Kafka's kafka-consumer-groups tool: list, describe (members and
 * assignment), lag (committed offsets vs log end offsets), reset offsets, delete.
 */
@Timeout(120)
class GroupAdminTest {

    private static final String TOOL = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";

    @RegisterExtension
    static final SharedBroker broker = SharedBroker.forGroupTests();

    @Test
    void listDescribeLagResetAndDelete() throws Exception {
        String topic = Clients.uniqueTopic("adm");
        String group = Clients.uniqueTopic("g");
        Clients.createTopic(broker.admin(), topic, 3);
        List<TopicPartition> all = Clients.partitions(topic, 3);
        produce(topic, 0, 30);
        produce(topic, 1, 30);
        produce(topic, 2, 30);

        GroupMember a = new GroupMember("client-a", broker.bootstrap(), group, List.of(topic), Map.of(), true);
        GroupMember b = new GroupMember("client-b", broker.bootstrap(), group, List.of(topic), Map.of(), true);
        try {
            await("both members consumed and committed everything").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                        assertThat(a.assignment()).isNotEmpty();
                        assertThat(b.assignment()).isNotEmpty();
                        assertThat(a.generation()).isEqualTo(b.generation());
                        Map<TopicPartition, OffsetAndMetadata> c = committed(group);
                        for (TopicPartition tp : all) {
                            assertThat(c.get(tp)).as("%s", tp).isNotNull();
                            assertThat(c.get(tp).offset()).isEqualTo(30);
                        }
                    });

            // listGroups: the group, as a classic consumer group, Stable
            GroupListing listing = broker.admin().listGroups().all().get(30, TimeUnit.SECONDS).stream()
                    .filter(l -> l.groupId().equals(group)).findFirst().orElseThrow();
            assertThat(listing.protocol()).isEqualTo("consumer");
            assertThat(listing.groupState()).contains(GroupState.STABLE);

            // describeConsumerGroups: members, their client ids and assignments
            ConsumerGroupDescription d = broker.admin().describeConsumerGroups(List.of(group)).all()
                    .get(30, TimeUnit.SECONDS).get(group);
            assertThat(d.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(d.isSimpleConsumerGroup()).isFalse();
            assertThat(d.partitionAssignor()).isEqualTo("range");
            assertThat(d.coordinator().port()).isEqualTo(broker.process().port());
            assertThat(d.members()).extracting(MemberDescription::clientId)
                    .containsExactlyInAnyOrder("client-a", "client-b");
            Set<TopicPartition> described = new HashSet<>();
            for (MemberDescription m : d.members()) {
                GroupMember local = m.clientId().equals("client-a") ? a : b;
                assertThat(m.consumerId()).isEqualTo(local.memberId());
                assertThat(m.assignment().topicPartitions())
                        .containsExactlyInAnyOrderElementsOf(local.assignment());
                described.addAll(m.assignment().topicPartitions());
            }
            assertThat(described).containsExactlyInAnyOrderElementsOf(all);

            // deleting a group with members fails
            assertThatThrownBy(() -> broker.admin().deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(GroupNotEmptyException.class);

            // the tool's --describe while the group is active
            List<List<String>> rows = describeRows(group, topic);
            assertThat(rows).hasSize(3);
            for (List<String> r : rows) {
                assertThat(r.get(3)).as("CURRENT-OFFSET in %s", r).isEqualTo("30");
                assertThat(r.get(4)).as("LOG-END-OFFSET in %s", r).isEqualTo("30");
                assertThat(r.get(5)).as("LAG in %s", r).isEqualTo("0");
                assertThat(r.get(6)).as("CONSUMER-ID in %s", r).isIn(a.memberId(), b.memberId());
            }
        } finally {
            a.close();
            b.close();
        }

        // the group is empty now; new records make lag
        produce(topic, 0, 15);
        Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        all.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = broker.admin().listOffsets(latest).all()
                .get(30, TimeUnit.SECONDS);
        Map<Integer, Long> lag = new HashMap<>();
        for (TopicPartition tp : all) {
            lag.put(tp.partition(), ends.get(tp).offset() - committed.get(tp).offset());
        }
        assertThat(lag).containsExactlyInAnyOrderEntriesOf(Map.of(0, 15L, 1, 0L, 2, 0L));
        await("group is Empty").atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(broker.admin().describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
                        .get(group).groupState()).isEqualTo(GroupState.EMPTY));

        // the tool: --list and --describe (lag 15 on partition 0)
        ToolProcess.Result list = tool("--bootstrap-server", broker.bootstrap(), "--list");
        assertThat(list.exitCode()).as(list.stderr()).isZero();
        assertThat(list.lines()).contains(group);
        List<List<String>> rows = describeRows(group, topic);
        assertThat(rows).hasSize(3);
        for (List<String> r : rows) {
            String expectedLag = r.get(2).equals("0") ? "15" : "0";
            assertThat(r.get(5)).as("LAG in %s", r).isEqualTo(expectedLag);
        }

        // the tool: --reset-offsets --to-earliest --execute
        ToolProcess.Result reset = tool("--bootstrap-server", broker.bootstrap(), "--group", group,
                "--reset-offsets", "--to-earliest", "--topic", topic, "--execute");
        assertThat(reset.exitCode()).as(reset.stdout() + reset.stderr()).isZero();
        Map<TopicPartition, OffsetAndMetadata> afterReset = committed(group);
        for (TopicPartition tp : all) {
            assertThat(afterReset.get(tp).offset()).as("%s after reset", tp).isZero();
        }
        // and a member of the group now replays from the beginning
        try (var c = Clients.consumer(broker.bootstrap(), Map.of("group.id", group))) {
            c.subscribe(List.of(topic));
            List<Long> firstOffsets = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (firstOffsets.isEmpty() && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(100)).forEach(r -> firstOffsets.add(r.offset()));
            }
            assertThat(firstOffsets).isNotEmpty();
            assertThat(firstOffsets.get(0)).isZero();
        }

        // deleteConsumerGroups on the empty group
        await("group is Empty again").atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(broker.admin().describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
                        .get(group).groupState()).isEqualTo(GroupState.EMPTY));
        broker.admin().deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);
        assertThat(broker.admin().listGroups().all().get(30, TimeUnit.SECONDS))
                .noneMatch(l -> l.groupId().equals(group));
        assertThat(committed(group)).isEmpty();
    }

    @Test
    void offsetDeleteStateFilterMemberRemovalAndMoreToolOptions() throws Exception {
        String topic = Clients.uniqueTopic("adm2");
        String group = Clients.uniqueTopic("g");
        String idle = Clients.uniqueTopic("g-idle");
        Clients.createTopic(broker.admin(), topic, 2);
        List<TopicPartition> all = Clients.partitions(topic, 2);
        TopicPartition p0 = all.get(0);
        TopicPartition p1 = all.get(1);
        long base = System.currentTimeMillis() - 100_000L;
        try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(), Map.of())) {
            for (int i = 0; i < 50; i++) { // record i of each partition has timestamp base + 1000 * i
                p.send(new ProducerRecord<>(topic, 0, base + 1000L * i, "k", "v" + i));
                p.send(new ProducerRecord<>(topic, 1, base + 1000L * i, "k", "v" + i));
            }
            p.flush();
        }
        // an empty group with offsets only (commits from an assign()-ing consumer)
        try (var c = Clients.consumer(broker.bootstrap(), Map.of("group.id", idle))) {
            c.assign(all);
            c.commitSync(Map.of(p0, new OffsetAndMetadata(10), p1, new OffsetAndMetadata(20)));
        }
        GroupMember m = new GroupMember("static-1", broker.bootstrap(), group, List.of(topic),
                Map.of("group.instance.id", "inst-1"), true);
        try {
            await("member consumed everything").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(m.consumed).hasSize(100));

            // listGroups filtered by state
            var stable = broker.admin().listGroups(org.apache.kafka.clients.admin.ListGroupsOptions.forConsumerGroups()
                    .inGroupStates(Set.of(GroupState.STABLE))).all().get(30, TimeUnit.SECONDS);
            assertThat(stable).extracting(GroupListing::groupId).contains(group).doesNotContain(idle);
            var empty = broker.admin().listGroups(org.apache.kafka.clients.admin.ListGroupsOptions.forConsumerGroups()
                    .inGroupStates(Set.of(GroupState.EMPTY))).all().get(30, TimeUnit.SECONDS);
            assertThat(empty).extracting(GroupListing::groupId).contains(idle).doesNotContain(group);

            // the tool: --describe --members --verbose and --describe --state
            ToolProcess.Result members = tool("--bootstrap-server", broker.bootstrap(), "--describe", "--group",
                    group, "--members", "--verbose");
            assertThat(members.exitCode()).as(members.stderr()).isZero();
            assertThat(members.stdout()).contains(m.memberId()).contains("inst-1").contains("static-1")
                    .contains(topic);
            ToolProcess.Result state = tool("--bootstrap-server", broker.bootstrap(), "--describe", "--group",
                    group, "--state");
            assertThat(state.exitCode()).as(state.stderr()).isZero();
            assertThat(state.stdout()).contains("Stable").contains("range");

            // OffsetDelete of a partition the group consumes is refused; removing the static member by its
            // instance id (KIP-345) empties the group
            assertThatThrownBy(() -> broker.admin().deleteConsumerGroupOffsets(group, Set.of(p0)).all()
                    .get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.GroupSubscribedToTopicException.class);
            broker.admin().removeMembersFromConsumerGroup(group, new org.apache.kafka.clients.admin
                    .RemoveMembersFromConsumerGroupOptions(List.of(
                            new org.apache.kafka.clients.admin.MemberToRemove("inst-1")))).all()
                    .get(30, TimeUnit.SECONDS);
        } finally {
            m.closeQuietly();
        }
        await("group is Empty after the removal").atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(broker.admin().describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
                        .get(group).groupState()).isEqualTo(GroupState.EMPTY));

        // OffsetDelete on the empty group: only that partition's offset goes
        broker.admin().deleteConsumerGroupOffsets(idle, Set.of(p0)).all().get(30, TimeUnit.SECONDS);
        assertThat(committed(idle)).containsOnlyKeys(p1).containsEntry(p1, new OffsetAndMetadata(20));

        // the tool: --reset-offsets --to-offset / --shift-by / --to-datetime, then --delete-offsets and --delete
        ToolProcess.Result r = tool("--bootstrap-server", broker.bootstrap(), "--group", group, "--reset-offsets",
                "--to-offset", "5", "--topic", topic, "--execute");
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        assertThat(committed(group)).containsEntry(p0, new OffsetAndMetadata(5)).containsEntry(p1,
                new OffsetAndMetadata(5));
        r = tool("--bootstrap-server", broker.bootstrap(), "--group", group, "--reset-offsets", "--shift-by", "3",
                "--topic", topic + ":1", "--execute");
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        assertThat(committed(group)).containsEntry(p0, new OffsetAndMetadata(5)).containsEntry(p1,
                new OffsetAndMetadata(8));
        String when = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS")
                .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.ofEpochMilli(base + 30_500L));
        r = tool("--bootstrap-server", broker.bootstrap(), "--group", group, "--reset-offsets", "--to-datetime",
                when + "Z", "--topic", topic, "--execute");
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        assertThat(committed(group)).containsEntry(p0, new OffsetAndMetadata(31)).containsEntry(p1,
                new OffsetAndMetadata(31));
        r = tool("--bootstrap-server", broker.bootstrap(), "--group", group, "--delete-offsets", "--topic",
                topic + ":0");
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        assertThat(committed(group)).containsOnlyKeys(p1);
        r = tool("--bootstrap-server", broker.bootstrap(), "--group", group, "--delete");
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        assertThat(broker.admin().listGroups().all().get(30, TimeUnit.SECONDS))
                .extracting(GroupListing::groupId).doesNotContain(group).contains(idle);
    }

    @Test
    void badInputGetsKafkasErrors() throws Exception {
        String topic = Clients.uniqueTopic("bad");
        String group = Clients.uniqueTopic("g");
        Clients.createTopic(broker.admin(), topic, 1);
        TopicPartition ok = new TopicPartition(topic, 0);
        broker.admin().alterConsumerGroupOffsets(group, Map.of(ok, new OffsetAndMetadata(0))).all()
                .get(30, TimeUnit.SECONDS);
        // a commit to a topic or partition that does not exist
        for (TopicPartition unknown : List.of(new TopicPartition(Clients.uniqueTopic("nope"), 0),
                new TopicPartition(topic, 7))) {
            assertThatThrownBy(() -> broker.admin().alterConsumerGroupOffsets(group,
                    Map.of(unknown, new OffsetAndMetadata(5))).partitionResult(unknown).get(30, TimeUnit.SECONDS))
                    .as("commit to %s", unknown).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.UnknownTopicOrPartitionException.class);
        }
        assertThat(committed(group)).containsOnlyKeys(ok);
        // OffsetDelete naming a topic that does not exist
        TopicPartition gone = new TopicPartition(Clients.uniqueTopic("nope"), 0);
        assertThatThrownBy(() -> broker.admin().deleteConsumerGroupOffsets(group, Set.of(gone)).partitionResult(gone)
                .get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(org.apache.kafka.common.errors.UnknownTopicOrPartitionException.class);
        // groups that do not exist
        String missing = Clients.uniqueTopic("g-missing");
        assertThatThrownBy(() -> broker.admin().deleteConsumerGroups(List.of(missing)).all().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(org.apache.kafka.common.errors.GroupIdNotFoundException.class);
        assertThatThrownBy(() -> broker.admin().describeConsumerGroups(List.of(missing)).all().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(org.apache.kafka.common.errors.GroupIdNotFoundException.class);
        assertThat(committed(missing)).isEmpty();
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>(broker.admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS));
        m.values().removeIf(v -> v == null);
        return m;
    }

    /** The --describe rows for {@code topic}: GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID... */
    private static List<List<String>> describeRows(String group, String topic) {
        ToolProcess.Result r = tool("--bootstrap-server", broker.bootstrap(), "--describe", "--group", group);
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        List<List<String>> rows = new ArrayList<>();
        for (String line : r.lines()) {
            List<String> cols = List.of(line.trim().split("\\s+"));
            if (cols.size() >= 6 && cols.get(0).equals(group) && cols.get(1).equals(topic)) {
                rows.add(cols);
            }
        }
        assertThat(rows).as("rows of:\n%s", r.stdout()).isNotEmpty();
        return rows;
    }

    private static ToolProcess.Result tool(String... args) {
        return ToolProcess.run(ToolProcess.javaTool(TOOL, List.of(args)), null, Duration.ofSeconds(60));
    }

    private static void produce(String topic, int partition, int n) throws Exception {
        try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(), Map.of())) {
            for (int i = 0; i < n; i++) {
                p.send(new ProducerRecord<>(topic, partition, "k" + i, "v" + i));
            }
            p.flush();
        }
    }
}
