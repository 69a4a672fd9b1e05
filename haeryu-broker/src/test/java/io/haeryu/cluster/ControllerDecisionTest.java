package io.haeryu.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.haeryu.cluster.ZkPayloads.LeaderAndIsr;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The controller's per-partition rules, on their own. */
class ControllerDecisionTest {

    private static final List<Integer> REPLICAS = List.of(1, 2, 3);

    private static Optional<LeaderAndIsr> decide(LeaderAndIsr current, Set<Integer> live, Set<Integer> stopping,
                                                  boolean unclean, boolean preferred) {
        return Controller.decide(REPLICAS, current, new Controller.Rules(live, stopping, unclean, preferred));
    }

    @Test
    void reassignmentTargetsMustBeNonEmptyDistinctLiveBrokers() {
        java.util.Map<Integer, BrokerRegistration> brokers = new java.util.HashMap<>();
        for (int id = 1; id <= 3; id++) {
            brokers.put(id, TestBrokers.plaintext(id, "h", 9092 + id, null));
        }
        MetadataImage image = new MetadataImage("cid", brokers, java.util.Map.of(), java.util.Map.of(), 1);
        assertThat(Controller.checkTarget(List.of(2, 3), image)).isNull();
        for (List<Integer> bad : List.of(List.<Integer>of(), List.of(2, 2), List.of(2, 7))) {
            assertThat(Controller.checkTarget(bad, image).error())
                .as("%s", bad).isEqualTo(org.apache.kafka.common.protocol.Errors.INVALID_REPLICA_ASSIGNMENT);
        }
    }

    @Test
    void healthyPartitionIsLeftAlone() {
        assertThat(decide(new LeaderAndIsr(1, 4, List.of(1, 2, 3)), Set.of(1, 2, 3), Set.of(), false, true)).isEmpty();
    }

    @Test
    void deadLeaderIsReplacedByTheFirstLiveInSyncReplicaWithABumpedEpoch() {
        assertThat(decide(new LeaderAndIsr(1, 4, List.of(1, 3)), Set.of(2, 3), Set.of(), false, false))
            .contains(new LeaderAndIsr(3, 5, List.of(3)));
    }

    @Test
    void deadFollowerLeavesTheIsr() {
        assertThat(decide(new LeaderAndIsr(1, 4, List.of(1, 2, 3)), Set.of(1, 3), Set.of(), false, false))
            .contains(new LeaderAndIsr(1, 5, List.of(1, 3)));
    }

    @Test
    void withoutAnInSyncReplicaThePartitionGoesOfflineKeepingItsIsrUnlessUncleanElectionIsAllowed() {
        LeaderAndIsr current = new LeaderAndIsr(1, 4, List.of(1));
        assertThat(decide(current, Set.of(2, 3), Set.of(), false, false)).contains(new LeaderAndIsr(-1, 5, List.of(1)));
        assertThat(decide(current, Set.of(2, 3), Set.of(), true, false)).contains(new LeaderAndIsr(2, 5, List.of(2)));
        // Offline already: nothing to do until an ISR member returns, then it leads.
        LeaderAndIsr offline = new LeaderAndIsr(-1, 5, List.of(1));
        assertThat(decide(offline, Set.of(2, 3), Set.of(), false, false)).isEmpty();
        assertThat(decide(offline, Set.of(1, 2, 3), Set.of(), false, false)).contains(new LeaderAndIsr(1, 6, List.of(1)));
    }

    @Test
    void controlledShutdownMovesLeadershipAwayButNeverTakesThePartitionOffline() {
        assertThat(decide(new LeaderAndIsr(1, 4, List.of(1, 2)), Set.of(1, 2, 3), Set.of(1), false, false))
            .contains(new LeaderAndIsr(2, 5, List.of(2)));
        assertThat(decide(new LeaderAndIsr(1, 4, List.of(1)), Set.of(1, 2, 3), Set.of(1), false, false)).isEmpty();
    }

    @Test
    void preferredReplicaGetsLeadershipBackOnlyWhenInSync() {
        assertThat(decide(new LeaderAndIsr(2, 7, List.of(2, 3, 1)), Set.of(1, 2, 3), Set.of(), false, true))
            .contains(new LeaderAndIsr(1, 8, List.of(2, 3, 1)));
        assertThat(decide(new LeaderAndIsr(2, 7, List.of(2, 3)), Set.of(1, 2, 3), Set.of(), false, true)).isEmpty();
        assertThat(decide(new LeaderAndIsr(2, 7, List.of(2, 3, 1)), Set.of(1, 2, 3), Set.of(), false, false)).isEmpty();
    }
}
