package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 3, "done when" 1: three members of one group on a 3-partition topic own one partition each, a fourth owns
 * none; a closed member's and a killed process's partitions move to the others (the killed one within the session
 * timeout), and no record produced throughout is skipped.
 */
@Timeout(120)
class GroupRebalanceTest {

    static final int SESSION_MS = 6000;

    @RegisterExtension
    static final SharedBroker broker = SharedBroker.forGroupTests();

    @Test
    void partitionsAreSharedAndMoveWhenAMemberClosesOrDies() throws Exception {
        String topic = Clients.uniqueTopic("reb");
        String group = Clients.uniqueTopic("g");
        Clients.createTopic(broker.admin(), topic, 3);
        List<TopicPartition> all = Clients.partitions(topic, 3);

        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicInteger produced = new AtomicInteger();
        Thread producer = new Thread(() -> {
            try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(), Map.of("linger.ms", "0"))) {
                for (int i = 0; producing.get(); i++) {
                    p.send(new ProducerRecord<>(topic, i % 3, "k" + i, "v" + i)).get();
                    produced.set(i + 1);
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, "producer");
        producer.setDaemon(true);
        producer.start();

        Set<String> childConsumed = Collections.synchronizedSet(new HashSet<>());
        List<String> childAssigned = Collections.synchronizedList(new ArrayList<>());
        java.nio.file.Path childErr = java.nio.file.Files.createTempFile("group-child-", ".err");
        Process child = new ProcessBuilder(ToolProcess.javaTool(GroupConsumerMain.class.getName(),
                List.of(broker.bootstrap(), group, topic, String.valueOf(SESSION_MS))))
                .redirectError(childErr.toFile()).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("CONSUMED ")) {
                        childConsumed.addAll(Arrays.asList(line.substring(9).split(" ")));
                    } else if (line.startsWith("ASSIGNED ")) {
                        childAssigned.add(line.substring(9));
                    }
                }
            } catch (Exception ignored) {
                // process killed
            }
        }, "child-reader");
        reader.setDaemon(true);
        reader.start();

        List<GroupMember> members = new ArrayList<>();
        try {
            GroupMember a = new GroupMember("a", broker.bootstrap(), group, List.of(topic), Map.of(), true);
            GroupMember b = new GroupMember("b", broker.bootstrap(), group, List.of(topic), Map.of(), true);
            members.add(a);
            members.add(b);

            // three members (a, b and the child process): one partition each
            await("three members own one partition each").atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                        assertThat(a.assignment()).hasSize(1);
                        assertThat(b.assignment()).hasSize(1);
                        assertThat(childPartitions(childAssigned)).hasSize(1);
                        Set<Integer> owned = new HashSet<>(childPartitions(childAssigned));
                        a.assignment().forEach(tp -> owned.add(tp.partition()));
                        b.assignment().forEach(tp -> owned.add(tp.partition()));
                        assertThat(owned).containsExactlyInAnyOrder(0, 1, 2);
                        assertThat(a.generation()).isEqualTo(b.generation()).isEqualTo(childGeneration(childAssigned));
                    });

            // a fourth member owns nothing
            GroupMember d = new GroupMember("d", broker.bootstrap(), group, List.of(topic), Map.of(), true);
            members.add(d);
            await("fourth member joins and stays idle").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                        assertThat(d.generation()).isPositive();
                        assertThat(a.generation()).isEqualTo(d.generation()).isEqualTo(b.generation())
                                .isEqualTo(childGeneration(childAssigned));
                        assertThat(d.assignment()).isEmpty();
                        assertThat(owners(List.of(a, b, d), childAssigned)).containsExactlyInAnyOrder(0, 1, 2);
                    });
            assertThat(a.assignment()).hasSize(1);
            assertThat(b.assignment()).hasSize(1);
            var describedMembers = broker.admin().describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
                    .get(group).members();
            assertThat(describedMembers).hasSize(4);

            // b closes (LeaveGroup): its partition moves to another member
            TopicPartition bPartition = b.assignment().iterator().next();
            b.close();
            members.remove(b);
            await("closed member's partition moves").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                        assertThat(owners(List.of(a, d), childAssigned)).containsExactlyInAnyOrder(0, 1, 2);
                        assertThat(a.generation()).isEqualTo(d.generation()).isEqualTo(childGeneration(childAssigned));
                    });
            assertThat(a.assignment().contains(bPartition) || d.assignment().contains(bPartition)
                    || childPartitions(childAssigned).contains(bPartition.partition())).isTrue();

            // the child process is killed: no LeaveGroup; its partition moves within the session timeout
            int childPartition = childPartitions(childAssigned).get(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> !childConsumed.isEmpty());
            long killedAt = System.nanoTime();
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            await("killed member's partition moves").atMost(Duration.ofMillis(SESSION_MS + 10_000))
                    .pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                        Set<TopicPartition> owned = new HashSet<>(a.assignment());
                        owned.addAll(d.assignment());
                        assertThat(owned).containsExactlyInAnyOrderElementsOf(all);
                    });
            long movedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            assertThat(movedMs).as("partition %d moved %d ms after the kill", childPartition, movedMs)
                    .isLessThan(SESSION_MS + 3000L);
            assertThat(a.assignment()).isNotEmpty();
            assertThat(d.assignment()).isNotEmpty();

            // stop producing; the survivors read to the end; nothing was skipped
            Thread.sleep(300);
            producing.set(false);
            producer.join(30_000);
            int n = produced.get();
            assertThat(n).isGreaterThan(500);
            Map<TopicPartition, Long> end = new java.util.HashMap<>();
            for (TopicPartition tp : all) {
                end.put(tp, Clients.latestOffset(broker.admin(), tp));
            }
            await("survivors commit up to the end").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = broker.admin().listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                for (TopicPartition tp : all) {
                    assertThat(committed.get(tp)).as("committed %s", tp).isNotNull();
                    assertThat(committed.get(tp).offset()).as("committed %s", tp).isEqualTo(end.get(tp));
                }
            });
            Set<String> union = new HashSet<>(childConsumed);
            for (GroupMember m : List.of(a, d)) {
                union.addAll(m.values());
            }
            // b is closed; its values are still in its list
            union.addAll(bValues(b));
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (!union.contains("v" + i)) {
                    missing.add("v" + i);
                }
            }
            if (!missing.isEmpty()) {
                StringBuilder diag = new StringBuilder();
                for (GroupMember m : List.of(a, b, d)) {
                    diag.append(m.name).append(": ").append(m.events).append('\n');
                }
                diag.append("child: ").append(childAssigned).append('\n');
                for (String v : missing) {
                    int i = Integer.parseInt(v.substring(1));
                    for (int j = i - 6; j <= i + 6; j += 3) {
                        String w = "v" + j;
                        diag.append(w).append(" consumed by:");
                        if (childConsumed.contains(w)) {
                            diag.append(" child");
                        }
                        for (GroupMember m : List.of(a, b, d)) {
                            synchronized (m.consumed) {
                                for (var r : m.consumed) {
                                    if (r.value().equals(w)) {
                                        diag.append(' ').append(m.name).append('@').append(r.partition()).append('/')
                                                .append(r.offset());
                                    }
                                }
                            }
                        }
                        diag.append('\n');
                    }
                }
                String err = java.nio.file.Files.readString(childErr);
                diag.append("child stderr: ").append(err.substring(Math.max(0, err.length() - 3000)));
                throw new AssertionError("records produced but consumed by nobody (of " + n + "): " + missing
                        + " (partition = i % 3)\n" + diag);
            }
        } finally {
            child.destroyForcibly();
            java.nio.file.Files.deleteIfExists(childErr);
            producing.set(false);
            for (GroupMember m : members) {
                try {
                    m.close();
                } catch (AssertionError ignored) {
                    // reported by the test body
                }
            }
        }
    }

    private static Set<String> bValues(GroupMember b) {
        return b.values();
    }

    private static Set<Integer> owners(List<GroupMember> ms, List<String> childAssigned) {
        List<Integer> owned = new ArrayList<>(childPartitions(childAssigned));
        for (GroupMember m : ms) {
            m.assignment().forEach(tp -> owned.add(tp.partition()));
        }
        Set<Integer> s = new HashSet<>(owned);
        assertThat(s).as("partitions owned twice: %s", owned).hasSameSizeAs(owned);
        return s;
    }

    private static String lastChild(List<String> childAssigned) {
        synchronized (childAssigned) {
            return childAssigned.isEmpty() ? "-1 " : childAssigned.get(childAssigned.size() - 1);
        }
    }

    private static int childGeneration(List<String> childAssigned) {
        return Integer.parseInt(lastChild(childAssigned).split(" ", 2)[0]);
    }

    private static List<Integer> childPartitions(List<String> childAssigned) {
        String[] parts = lastChild(childAssigned).split(" ", 2);
        if (parts.length < 2 || parts[1].isEmpty()) {
            return List.of();
        }
        return Arrays.stream(parts[1].split(",")).map(Integer::parseInt).toList();
    }
}
