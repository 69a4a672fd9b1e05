package io.haeryu.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.junit.jupiter.api.Test;

class ReplicaAssignerTest {

    private static List<BrokerRegistration> brokers(int... ids) {
        return IntStream.of(ids).mapToObj(id -> broker(id, null)).toList();
    }

    private static BrokerRegistration broker(int id, String rack) {
        return TestBrokers.plaintext(id, "127.0.0.1", 9092 + id, rack);
    }

    @Test
    void matchesKafkasRackUnawarePlacement() {
        // The example from Kafka's AdminUtils documentation: 5 brokers, 10 partitions, RF 3, start index 0.
        List<List<Integer>> assignment = ReplicaAssigner.assign(brokers(0, 1, 2, 3, 4), 10, (short) 3, 0);
        assertThat(assignment).containsExactly(
                List.of(0, 1, 2), List.of(1, 2, 3), List.of(2, 3, 4), List.of(3, 4, 0), List.of(4, 0, 1),
                List.of(0, 2, 3), List.of(1, 3, 4), List.of(2, 4, 0), List.of(3, 0, 1), List.of(4, 1, 2));
    }

    @Test
    void spreadsLeadersAndReplicasEvenly() {
        List<List<Integer>> assignment = ReplicaAssigner.assign(brokers(1, 2, 3), 12, (short) 2, 7);
        Map<Integer, Long> leaders = assignment.stream().collect(Collectors.groupingBy(r -> r.get(0), Collectors.counting()));
        Map<Integer, Long> replicas = assignment.stream().flatMap(List::stream)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(leaders).containsOnly(Map.entry(1, 4L), Map.entry(2, 4L), Map.entry(3, 4L));
        assertThat(replicas).containsOnly(Map.entry(1, 8L), Map.entry(2, 8L), Map.entry(3, 8L));
        assertThat(assignment).allSatisfy(r -> assertThat(r).doesNotHaveDuplicates().hasSize(2));
    }

    @Test
    void seedPicksTheFirstLeader() {
        assertThat(ReplicaAssigner.assign(brokers(10, 20, 30), 1, (short) 1, 1)).containsExactly(List.of(20));
        assertThat(ReplicaAssigner.assign(brokers(10, 20, 30), 1, (short) 1, -1)).containsExactly(List.of(30));
    }

    @Test
    void placesReplicasOnDistinctRacksWhenEveryBrokerHasOne() {
        List<BrokerRegistration> brokers = List.of(broker(0, "a"), broker(1, "a"), broker(2, "b"), broker(3, "b"),
                broker(4, "c"), broker(5, "c"));
        Map<Integer, String> rackOf = new HashMap<>();
        brokers.forEach(b -> rackOf.put(b.id(), b.rack()));
        for (int seed = 0; seed < 6; seed++) {
            List<List<Integer>> assignment = ReplicaAssigner.assign(brokers, 12, (short) 3, seed);
            assertThat(assignment).allSatisfy(replicas ->
                    assertThat(replicas.stream().map(rackOf::get)).containsExactlyInAnyOrder("a", "b", "c"));
            Map<Integer, Long> leaders = assignment.stream()
                    .collect(Collectors.groupingBy(r -> r.get(0), Collectors.counting()));
            assertThat(leaders.values()).containsOnly(2L);
        }
    }

    @Test
    void rackAwareWithFewerRacksThanReplicasStillUsesDistinctBrokers() {
        List<BrokerRegistration> brokers = List.of(broker(0, "a"), broker(1, "a"), broker(2, "b"), broker(3, "b"));
        List<List<Integer>> assignment = ReplicaAssigner.assign(brokers, 8, (short) 3, 0);
        assertThat(assignment).allSatisfy(replicas -> {
            assertThat(replicas).doesNotHaveDuplicates().hasSize(3);
            assertThat(replicas.stream().map(id -> id < 2 ? "a" : "b")).contains("a", "b");
        });
    }

    @Test
    void ignoresRacksUnlessEveryBrokerHasOne() {
        List<BrokerRegistration> brokers = List.of(broker(0, "a"), broker(1, "a"), broker(2, null));
        assertThat(ReplicaAssigner.assign(brokers, 3, (short) 2, 0))
                .isEqualTo(ReplicaAssigner.assign(brokers(0, 1, 2), 3, (short) 2, 0));
    }

    @Test
    void rejectsReplicationFactorAboveLiveBrokers() {
        assertThatThrownBy(() -> ReplicaAssigner.assign(brokers(1), 1, (short) 3, 0))
                .isInstanceOf(InvalidReplicationFactorException.class)
                .hasMessage("Replication factor: 3 larger than available brokers: 1.");
    }

    @Test
    void rejectsNonPositivePartitionsAndReplicationFactor() {
        assertThatThrownBy(() -> ReplicaAssigner.assign(brokers(1), 0, (short) 1, 0))
                .isInstanceOf(InvalidPartitionsException.class);
        assertThatThrownBy(() -> ReplicaAssigner.assign(brokers(1), 1, (short) 0, 0))
                .isInstanceOf(InvalidReplicationFactorException.class);
    }
}
