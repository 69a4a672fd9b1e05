package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 3, "done when" 4 and 5: incremental cooperative rebalancing with the cooperative-sticky assignor, and static
 * membership (a restarted {@code group.instance.id} gets its partitions back without a rebalance; a duplicate
 * instance is fenced).
 */
@Timeout(120)
class GroupProtocolsTest {

    @RegisterExtension
    static final SharedBroker broker = SharedBroker.forGroupTests();

    @Test
    void cooperativeStickyMovesOnlyWhatMustMove() throws Exception {
        String topic = Clients.uniqueTopic("coop");
        String group = Clients.uniqueTopic("g");
        Clients.createTopic(broker.admin(), topic, 6);
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = producer(topic, 6, producing);
        Map<String, Object> cfg = Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                CooperativeStickyAssignor.class.getName());
        List<GroupMember> members = new ArrayList<>();
        try {
            GroupMember a = new GroupMember("a", broker.bootstrap(), group, List.of(topic), cfg, true);
            members.add(a);
            GroupMember b = new GroupMember("b", broker.bootstrap(), group, List.of(topic), cfg, true);
            members.add(b);
            await("two members, three partitions each").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                        assertThat(a.assignment()).hasSize(3);
                        assertThat(b.assignment()).hasSize(3);
                        assertThat(union(a, b)).hasSize(6);
                    });
            Set<TopicPartition> aBefore = a.assignment();
            Set<TopicPartition> bBefore = b.assignment();
            int genBefore = a.generation();
            a.everRevoked.clear();
            b.everRevoked.clear();
            int aEventsBefore = a.events.size();

            GroupMember c = new GroupMember("c", broker.bootstrap(), group, List.of(topic), cfg, true);
            members.add(c);
            try {
                await("third member gets two partitions").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                        assertThat(c.assignment()).hasSize(2);
                        assertThat(a.assignment()).hasSize(2);
                        assertThat(b.assignment()).hasSize(2);
                        assertThat(union(a, b, c)).hasSize(6);
                        assertThat(a.generation()).isEqualTo(b.generation()).isEqualTo(c.generation());
                    });
            } catch (Throwable t) {
                throw new AssertionError("a " + a.generation() + " " + a.events + "\nb " + b.generation() + " "
                        + b.events + "\nc " + c.generation() + " " + c.events + "\nerrors " + a.error() + " "
                        + b.error() + " " + c.error() + "\n" + broker.process().logTail(40), t);
            }
            // a and b each gave up exactly one partition, the one c now owns; nothing else was ever revoked
            assertThat(a.assignment()).isSubsetOf(aBefore);
            assertThat(b.assignment()).isSubsetOf(bBefore);
            assertThat(a.everRevoked).hasSize(1).isSubsetOf(c.assignment());
            assertThat(b.everRevoked).hasSize(1).isSubsetOf(c.assignment());
            assertThat(a.generation()).as("two rebalances: revoke, then assign").isEqualTo(genBefore + 2);
            assertThat(a.events.subList(aEventsBefore, a.events.size()))
                    .noneMatch(e -> e.startsWith("lost"));

            // everyone keeps consuming: new records on every partition arrive at its owner
            int[] sizes = {a.consumed.size(), b.consumed.size(), c.consumed.size()};
            await("all three keep consuming").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(a.consumed.size()).isGreaterThan(sizes[0] + 20);
                assertThat(b.consumed.size()).isGreaterThan(sizes[1] + 20);
                assertThat(c.consumed.size()).isGreaterThan(sizes[2] + 20);
            });
            Set<Integer> aKeptPartitionsConsumed = new HashSet<>();
            synchronized (a.consumed) {
                for (ConsumerRecord<String, String> r : a.consumed.subList(sizes[0], a.consumed.size())) {
                    aKeptPartitionsConsumed.add(r.partition());
                }
            }
            assertThat(aKeptPartitionsConsumed).containsExactlyInAnyOrderElementsOf(
                    a.assignment().stream().map(TopicPartition::partition).toList());
        } finally {
            producing.set(false);
            producer.join(10_000);
            members.forEach(GroupMember::closeQuietly);
        }
        for (GroupMember m : members) {
            assertThat(m.error()).as("member %s", m.name).isNull();
        }
    }

    @Test
    void staticMemberRestartGetsItsPartitionsBackWithoutRebalance() throws Exception {
        String topic = Clients.uniqueTopic("static");
        String group = Clients.uniqueTopic("g");
        Clients.createTopic(broker.admin(), topic, 4);
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = producer(topic, 4, producing);
        List<GroupMember> members = new ArrayList<>();
        try {
            GroupMember a = new GroupMember("a", broker.bootstrap(), group, List.of(topic),
                    staticCfg("inst-a"), true);
            members.add(a);
            GroupMember b = new GroupMember("b", broker.bootstrap(), group, List.of(topic),
                    staticCfg("inst-b"), true);
            members.add(b);
            await("two static members, two partitions each").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                        assertThat(a.assignment()).hasSize(2);
                        assertThat(b.assignment()).hasSize(2);
                        assertThat(a.generation()).isEqualTo(b.generation());
                    });
            Thread.sleep(500); // settled: no more rebalances pending
            Set<TopicPartition> aParts = a.assignment();
            int gen = b.generation();
            String bMember = b.memberId();
            List<String> bEvents = List.copyOf(b.events);

            // a restarts: closes without leaving, a new consumer with the same instance id comes back in time
            long closedAt = System.nanoTime();
            a.closeRemainingInGroup();
            members.remove(a);
            GroupMember a2 = new GroupMember("a2", broker.bootstrap(), group, List.of(topic),
                    staticCfg("inst-a"), true);
            members.add(a2);
            await("restarted static member gets its partitions back").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                        assertThat(a2.assignment()).containsExactlyInAnyOrderElementsOf(aParts);
                    });
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt)).isLessThan(6000);
            Thread.sleep(1500); // several heartbeats: a rebalance would show up now
            assertThat(a2.generation()).as("no new generation").isEqualTo(gen);
            assertThat(b.generation()).as("no new generation").isEqualTo(gen);
            assertThat(b.memberId()).isEqualTo(bMember);
            assertThat(b.events).as("b's rebalance listener was not called again").isEqualTo(bEvents);
            assertThat(b.assignment()).hasSize(2).doesNotContainAnyElementsOf(aParts);
            var described = broker.admin().describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
                    .get(group);
            assertThat(described.members()).hasSize(2);
            assertThat(described.members()).extracting(m -> m.groupInstanceId().orElse(null))
                    .containsExactlyInAnyOrder("inst-a", "inst-b");

            // a duplicate of inst-b while b is alive: the old one is fenced (Kafka's behaviour)
            GroupMember dup = new GroupMember("b-dup", broker.bootstrap(), group, List.of(topic),
                    staticCfg("inst-b"), true);
            members.add(dup);
            await("the older inst-b is fenced").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100)).until(() -> b.error() != null);
            assertThat(b.error()).isInstanceOf(FencedInstanceIdException.class);
            await("the newer inst-b owns b's partitions").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                            assertThat(dup.assignment()).hasSize(2).doesNotContainAnyElementsOf(aParts));
            assertThat(a2.assignment()).containsExactlyInAnyOrderElementsOf(aParts);
            assertThat(dup.error()).isNull();
            assertThat(a2.error()).isNull();
        } finally {
            producing.set(false);
            producer.join(10_000);
            members.forEach(GroupMember::closeQuietly);
        }
    }

    private static Map<String, Object> staticCfg(String instance) {
        return Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
    }

    private static Set<TopicPartition> union(GroupMember... ms) {
        Set<TopicPartition> s = new HashSet<>();
        int n = 0;
        for (GroupMember m : ms) {
            s.addAll(m.assignment());
            n += m.assignment().size();
        }
        assertThat(s).as("a partition owned twice").hasSize(n);
        return s;
    }

    private static Thread producer(String topic, int partitions, AtomicBoolean producing) {
        Thread t = new Thread(() -> {
            try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(), Map.of())) {
                for (int i = 0; producing.get(); i++) {
                    p.send(new ProducerRecord<>(topic, i % partitions, "k" + i, "v" + i));
                    if (i % partitions == 0) {
                        p.flush();
                        Thread.sleep(5);
                    }
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, "producer");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
