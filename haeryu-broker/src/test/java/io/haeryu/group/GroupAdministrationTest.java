package io.haeryu.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;
import org.junit.jupiter.api.Test;

/** FindCoordinator, ListGroups and DescribeGroups. */
class GroupAdministrationTest {

    private final GroupTestKit kit = new GroupTestKit(GroupConfig.defaults());

    @Test
    void findCoordinatorNamesThisBrokerForGroupsInEveryVersion() {
        FindCoordinatorResponse single = kit.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
            .setKey("orders-app").setKeyType(CoordinatorType.GROUP.id())).build((short) 3));
        assertThat(single.error()).isEqualTo(Errors.NONE);
        assertThat(single.node()).isEqualTo(GroupTestKit.BROKER);

        FindCoordinatorResponse batched = kit.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
            .setCoordinatorKeys(List.of("a", "b")).setKeyType(CoordinatorType.GROUP.id())).build((short) 6));
        assertThat(batched.coordinators()).extracting(Coordinator::key, Coordinator::nodeId, Coordinator::port)
            .containsExactly(tuple("a", 1, 9092), tuple("b", 1, 9092));

        FindCoordinatorResponse transaction = kit.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
            .setCoordinatorKeys(List.of("txn")).setKeyType(CoordinatorType.TRANSACTION.id())).build((short) 4));
        assertThat(transaction.coordinators().get(0).errorCode()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());
    }

    @Test
    void findCoordinatorWithoutALeaderIsNotAvailable() {
        GroupTestKit leaderless = new GroupTestKit(GroupConfig.defaults(), new InMemoryCoordinatorLog(),
            (partition, listener) -> Optional.empty());

        FindCoordinatorResponse response = leaderless.send(new FindCoordinatorRequest.Builder(
            new FindCoordinatorRequestData().setKey("orders-app")).build((short) 0));

        assertThat(response.error()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(response.node()).isEqualTo(Node.noNode());
    }

    @Test
    void describeOfAnUnknownGroupIsDeadBeforeV6AndNotFoundFromV6() {
        kit.stableGroup("known-app", 1);
        for (short version = 0; version <= 6; version++) {
            org.apache.kafka.common.requests.DescribeGroupsResponse response = kit.send(
                new org.apache.kafka.common.requests.DescribeGroupsRequest.Builder(
                    new org.apache.kafka.common.message.DescribeGroupsRequestData()
                        .setGroups(List.of("known-app", "no-such-app"))).build(version));
            var groups = response.data().groups();
            assertThat(groups.get(0).errorCode()).as("v%d", version).isEqualTo(Errors.NONE.code());
            assertThat(groups.get(0).groupState()).isEqualTo("Stable");
            if (version < 6) {
                assertThat(groups.get(1).errorCode()).as("v%d", version).isEqualTo(Errors.NONE.code());
                assertThat(groups.get(1).groupState()).isEqualTo("Dead");
            } else {
                assertThat(groups.get(1).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
                assertThat(groups.get(1).errorMessage()).isEqualTo("Group no-such-app not found.");
            }
        }
    }

    @Test
    void listGroupsFiltersByState() {
        kit.stableGroup("stable-app", 1);
        kit.commit("offsets-only", "", -1, 0, 1);

        assertThat(list(List.of(), (short) 5)).extracting(ListedGroup::groupId, ListedGroup::groupState)
            .containsExactlyInAnyOrder(tuple("stable-app", "Stable"),
                tuple("offsets-only", "Empty"));
        assertThat(list(List.of("stable"), (short) 4)).extracting(ListedGroup::groupId).containsExactly("stable-app");
        assertThat(list(List.of("Dead"), (short) 4)).isEmpty();
        assertThat(list(List.of(), (short) 0)).extracting(ListedGroup::protocolType)
            .containsExactlyInAnyOrder("consumer", "");
    }

    @Test
    void listGroupsOfAnotherTypeFindsNone() {
        kit.stableGroup("stable-app", 1);

        ListGroupsResponse response = kit.send(new ListGroupsRequest.Builder(new ListGroupsRequestData()
            .setTypesFilter(List.of("consumer"))).build((short) 5));

        assertThat(response.data().groups()).isEmpty();
    }

    @Test
    void describeShowsMembersWithAssignmentsOnceStable() {
        List<JoinGroupResponseData> members = kit.stableGroup("stable-app", 2);

        var described = GroupPersistenceTest.describe(kit, "stable-app");

        assertThat(described.protocolType()).isEqualTo("consumer");
        assertThat(described.members()).hasSize(2).allSatisfy(m -> {
            assertThat(m.clientId()).isEqualTo("client-app");
            assertThat(m.clientHost()).isEqualTo("/127.0.0.1");
            assertThat(m.memberAssignment()).isEqualTo(m.memberId().getBytes());
        });
        kit.join(GroupTestKit.joinData("stable-app", members.get(0).memberId()));
        var rebalancing = GroupPersistenceTest.describe(kit, "stable-app");
        assertThat(rebalancing.groupState()).isEqualTo("PreparingRebalance");
        assertThat(rebalancing.members()).allSatisfy(m -> assertThat(m.memberAssignment()).isEmpty());
    }

    @Test
    void requestsWhileAPartitionLoadsAreToldToRetry() {
        kit.loop.pause();
        int partition = kit.coordinator.partitionFor("loading-app");
        kit.coordinator.onResign(partition);
        kit.coordinator.onBecomeLeader(partition);

        var response = kit.join(GroupTestKit.joinData("loading-app", "")).join();
        var list = kit.<ListGroupsResponse>sendAsync(new ListGroupsRequest.Builder(new ListGroupsRequestData()).build((short) 4));
        kit.loop.resume();

        assertThat(response.error()).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        assertThat(list.join().data().errorCode()).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        assertThat(kit.join(GroupTestKit.joinData("loading-app", "")).join().error()).isEqualTo(Errors.MEMBER_ID_REQUIRED);
    }

    private List<ListedGroup> list(List<String> states, short version) {
        ListGroupsResponse response = kit.send(new ListGroupsRequest.Builder(new ListGroupsRequestData()
            .setStatesFilter(states)).build(version));
        assertThat(response.data().errorCode()).isEqualTo(Errors.NONE.code());
        return response.data().groups();
    }

}
