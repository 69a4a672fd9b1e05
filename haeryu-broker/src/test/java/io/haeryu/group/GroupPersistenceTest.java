package io.haeryu.group;

import static io.haeryu.group.GroupTestKit.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.junit.jupiter.api.Test;

/** What a coordinator rebuilt from the same log knows, and how leadership changes are answered. */
class GroupPersistenceTest {

    private final InMemoryCoordinatorLog log = new InMemoryCoordinatorLog();
    private final GroupTestKit before = new GroupTestKit(GroupConfig.defaults(), log);

    @Test
    void groupsAndOffsetsSurviveReplayIntoANewCoordinator() {
        List<JoinGroupResponseData> members = before.stableGroup("orders-app", 2);
        JoinGroupResponseData member = members.get(0);
        before.commit("orders-app", member.memberId(), member.generationId(), 3, 300);
        before.commit("standalone", "", -1, 1, 11);
        before.commit("doomed", "", -1, 0, 5);
        assertThat(deleteGroup(before, "doomed")).isEqualTo(Errors.NONE);
        DescribedGroup original = describe(before, "orders-app");

        GroupTestKit after = new GroupTestKit(GroupConfig.defaults(), log);

        DescribedGroup replayed = describe(after, "orders-app");
        assertThat(replayed.groupState()).isEqualTo("Stable");
        assertThat(replayed.protocolData()).isEqualTo("range");
        assertThat(replayed.members()).extracting(DescribedGroupMember::memberId, DescribedGroupMember::clientId)
            .containsExactlyInAnyOrderElementsOf(original.members().stream()
                .map(m -> tuple(m.memberId(), m.clientId())).toList());
        assertThat(replayed.members()).allSatisfy(m ->
            assertThat(m.memberAssignment()).isEqualTo(m.memberId().getBytes()));
        assertThat(after.heartbeat("orders-app", member)).as("same generation, same member").isEqualTo(Errors.NONE);
        assertThat(fetch(after, "orders-app", 3)).isEqualTo(300L);
        assertThat(fetch(after, "standalone", 1)).isEqualTo(11L);
        assertThat(fetch(after, "doomed", 0)).isEqualTo(-1L);
        assertThat(describe(after, "doomed").groupState()).isEqualTo("Dead");
    }

    @Test
    void replayedMembersThatNeverHeartbeatAreExpired() {
        List<JoinGroupResponseData> members = before.stableGroup("orders-app", 1);
        GroupTestKit after = new GroupTestKit(GroupConfig.defaults(), log);

        after.loop.advance(GroupTestKit.SESSION_TIMEOUT_MS + 1);

        assertThat(describe(after, "orders-app").groupState()).isEqualTo("Empty");
        assertThat(after.heartbeat("orders-app", members.get(0))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void partitionsThisBrokerDoesNotLeadAnswerNotCoordinator() {
        String groupId = "orders-app";
        before.coordinator.onResign(before.coordinator.partitionFor(groupId));

        JoinGroupResponse response = before.join(GroupTestKit.joinData(groupId, "")).join();

        assertThat(response.error()).isEqualTo(Errors.NOT_COORDINATOR);
    }

    @Test
    void resigningAnswersParkedJoinsAndDropsState() {
        String groupId = "orders-app";
        var parked = before.join(GroupTestKit.joinData(groupId, "").setMemberId(""));
        assertThat(parked.join().error()).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        var waiting = before.join(GroupTestKit.joinData(groupId, parked.join().data().memberId()));
        assertThat(waiting).isNotDone();

        int partition = before.coordinator.partitionFor(groupId);
        before.coordinator.onResign(partition);
        assertThat(waiting.join().error()).isEqualTo(Errors.NOT_COORDINATOR);

        before.coordinator.onBecomeLeader(partition);
        assertThat(describe(before, groupId).groupState()).as("nothing was persisted for it").isEqualTo("Dead");
    }

    @Test
    void groupsAreDeletedOnlyWhenEmpty() {
        List<JoinGroupResponseData> members = before.stableGroup("busy", 1);
        before.commit("idle", "", -1, 0, 1);

        DeleteGroupsResponse response = before.send(new DeleteGroupsRequest.Builder(new DeleteGroupsRequestData()
            .setGroupsNames(List.of("busy", "idle", "missing", ""))).build((short) 2));

        assertThat(response.get("busy")).isEqualTo(Errors.NON_EMPTY_GROUP);
        assertThat(response.get("idle")).isEqualTo(Errors.NONE);
        assertThat(response.get("missing")).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        assertThat(response.get("")).isEqualTo(Errors.INVALID_GROUP_ID);
        assertThat(fetch(before, "idle", 0)).isEqualTo(-1L);
        assertThat(before.heartbeat("busy", members.get(0))).isEqualTo(Errors.NONE);
    }

    private static Errors deleteGroup(GroupTestKit kit, String groupId) {
        DeleteGroupsResponse response = kit.send(new DeleteGroupsRequest.Builder(new DeleteGroupsRequestData()
            .setGroupsNames(List.of(groupId))).build((short) 2));
        return response.get(groupId);
    }

    static DescribedGroup describe(GroupTestKit kit, String groupId) {
        DescribeGroupsResponse response = kit.send(new DescribeGroupsRequest.Builder(
            new DescribeGroupsRequestData().setGroups(List.of(groupId))).build((short) 5));
        return response.data().groups().get(0);
    }

    private static long fetch(GroupTestKit kit, String groupId, int partition) {
        OffsetFetchResponse response = kit.send(OffsetFetchRequest.Builder.forTopicNames(new OffsetFetchRequestData()
            .setGroupId(groupId)
            .setTopics(List.of(new OffsetFetchRequestTopic().setName(TOPIC).setPartitionIndexes(List.of(partition)))),
            false).build((short) 5));
        List<OffsetFetchResponsePartition> partitions = response.data().topics().get(0).partitions();
        return partitions.get(0).committedOffset();
    }
}
