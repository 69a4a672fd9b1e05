package io.haeryu.group;

import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.requests.SyncGroupRequest;
import static io.haeryu.group.GroupTestKit.REBALANCE_TIMEOUT_MS;
import static io.haeryu.group.GroupTestKit.SESSION_TIMEOUT_MS;
import static io.haeryu.group.GroupTestKit.joinData;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.junit.jupiter.api.Test;

/** JoinGroup, SyncGroup, Heartbeat and LeaveGroup as a kafka-clients consumer drives them. */
class GroupMembershipTest {

    private static final String GROUP = "payments";

    private final GroupTestKit kit = new GroupTestKit(GroupConfig.defaults());

    @Test
    void firstJoinWithoutMemberIdIsGivenOneToRejoinWith() {
        JoinGroupResponse response = kit.join(joinData(GROUP, "")).join();

        assertThat(response.error()).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        assertThat(response.data().memberId()).startsWith("client-app-");
        assertThat(describe().members()).as("the member is only pending").isEmpty();
    }

    @Test
    void joinBeforeVersion4IsAcceptedWithoutMemberIdRoundTrip() {
        CompletableFuture<JoinGroupResponse> response =
            kit.sendAsync(new JoinGroupRequest.Builder(joinData(GROUP, "")).build((short) 3));
        kit.awaitJoins(List.of(response));

        assertThat(response.join().error()).isEqualTo(Errors.NONE);
        assertThat(response.join().data().generationId()).isEqualTo(1);
    }

    @Test
    void threeMembersFormOneGenerationAndTheLeadersAssignmentReachesEveryone() {
        List<CompletableFuture<JoinGroupResponse>> joins = List.of(
            kit.joinNewMember(GROUP), kit.joinNewMember(GROUP), kit.joinNewMember(GROUP));

        kit.loop.advance(kit.config.initialRebalanceDelayMs());
        assertThat(joins).as("members kept arriving during the first delay, so it waits once more")
            .noneMatch(CompletableFuture::isDone);
        kit.loop.advance(kit.config.initialRebalanceDelayMs());

        List<JoinGroupResponseData> joined = joins.stream().map(f -> f.join().data()).toList();
        assertThat(joined).extracting(JoinGroupResponseData::errorCode).containsOnly(Errors.NONE.code());
        assertThat(joined).extracting(JoinGroupResponseData::generationId).containsOnly(1);
        assertThat(joined).extracting(JoinGroupResponseData::protocolName).containsOnly("range");
        String leaderId = joined.get(0).leader();
        assertThat(joined).extracting(JoinGroupResponseData::leader).containsOnly(leaderId);
        JoinGroupResponseData leader = joined.stream().filter(j -> j.memberId().equals(leaderId)).findFirst().orElseThrow();
        assertThat(leader.members()).hasSize(3)
            .allSatisfy(m -> assertThat(m.metadata()).isEqualTo(GroupTestKit.subscription(GroupTestKit.TOPIC)));
        assertThat(joined).filteredOn(j -> j != leader).allSatisfy(j -> assertThat(j.members()).isEmpty());
        assertThat(describe().groupState()).isEqualTo("CompletingRebalance");

        List<JoinGroupResponseData> followers = joined.stream().filter(j -> j != leader).toList();
        List<CompletableFuture<SyncGroupResponse>> followerSyncs =
            followers.stream().map(f -> kit.syncAsync(GROUP, f, Map.of())).toList();
        assertThat(followerSyncs).as("followers wait for the leader").noneMatch(CompletableFuture::isDone);

        SyncGroupResponse leaderSync = kit.syncAsync(GROUP, leader, Map.of(
            leader.memberId(), new byte[]{0}, followers.get(0).memberId(), new byte[]{1},
            followers.get(1).memberId(), new byte[]{2})).join();

        assertThat(leaderSync.data().assignment()).containsExactly(0);
        assertThat(followerSyncs.get(0).join().data().assignment()).containsExactly(1);
        assertThat(followerSyncs.get(1).join().data().assignment()).containsExactly(2);
        assertThat(describe().groupState()).isEqualTo("Stable");
        assertThat(joined).allSatisfy(member -> assertThat(kit.heartbeat(GROUP, member)).isEqualTo(Errors.NONE));
    }

    @Test
    void expiredSessionRebalancesTheGroupWithoutTheSilentMember() {
        List<JoinGroupResponseData> members = kit.stableGroup(GROUP, 2);
        JoinGroupResponseData alive = members.get(0);
        JoinGroupResponseData silent = members.get(1);

        kit.loop.advance(SESSION_TIMEOUT_MS / 2);
        assertThat(kit.heartbeat(GROUP, alive)).isEqualTo(Errors.NONE);
        kit.loop.advance(SESSION_TIMEOUT_MS / 2 + 1);

        assertThat(kit.heartbeat(GROUP, alive)).as("told to rejoin").isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        JoinGroupResponse rejoined = kit.join(joinData(GROUP, alive.memberId())).join();
        assertThat(rejoined.data().generationId()).isEqualTo(alive.generationId() + 1);
        assertThat(rejoined.data().leader()).isEqualTo(alive.memberId());
        assertThat(rejoined.data().members()).extracting(m -> m.memberId()).containsExactly(alive.memberId());
        assertThat(kit.heartbeat(GROUP, silent)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void membersThatDoNotRejoinWithinTheRebalanceTimeoutAreDropped() {
        List<JoinGroupResponseData> members = kit.stableGroup(GROUP, 2);
        CompletableFuture<JoinGroupResponse> rejoin = kit.join(joinData(GROUP, members.get(0).memberId()));

        // The other member keeps heartbeating but never rejoins.
        for (int elapsed = 0; elapsed < REBALANCE_TIMEOUT_MS - SESSION_TIMEOUT_MS; elapsed += SESSION_TIMEOUT_MS / 2) {
            kit.loop.advance(SESSION_TIMEOUT_MS / 2);
            assertThat(kit.heartbeat(GROUP, members.get(1))).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        }
        assertThat(rejoin).isNotDone();
        kit.loop.advance(SESSION_TIMEOUT_MS);

        assertThat(rejoin.join().data().members()).hasSize(1);
        assertThat(kit.heartbeat(GROUP, members.get(1))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void leaveGroupAnswersEachMemberAndRebalancesTheRest() {
        List<JoinGroupResponseData> members = kit.stableGroup(GROUP, 2);

        LeaveGroupResponse response = kit.send(new LeaveGroupRequest.Builder(GROUP, List.of(
            new MemberIdentity().setMemberId(members.get(1).memberId()),
            new MemberIdentity().setMemberId("nobody"))).build((short) 5));

        assertThat(response.memberResponses()).extracting(MemberResponse::errorCode)
            .containsExactly(Errors.NONE.code(), Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(kit.heartbeat(GROUP, members.get(0))).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(describe().members()).extracting(m -> m.memberId()).containsExactly(members.get(0).memberId());
    }

    @Test
    void leaveGroupVersion0ReportsTheMemberErrorAtTopLevel() {
        LeaveGroupResponse response = kit.send(new LeaveGroupRequest.Builder(GROUP, List.of(
            new MemberIdentity().setMemberId("nobody"))).build((short) 0));

        assertThat(response.error()).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void lastMemberLeavingEmptiesTheGroup() {
        List<JoinGroupResponseData> members = kit.stableGroup(GROUP, 1);

        kit.send(new LeaveGroupRequest.Builder(GROUP, List.of(
            new MemberIdentity().setMemberId(members.get(0).memberId()))).build((short) 5));

        DescribedGroup group = describe();
        assertThat(group.groupState()).isEqualTo("Empty");
        assertThat(group.members()).isEmpty();
    }

    @Test
    void staticMemberRestartKeepsItsAssignmentWithoutRebalanceAndFencesItsOldId() {
        CompletableFuture<JoinGroupResponse> first = kit.join(joinData(GROUP, "").setGroupInstanceId("instance-1"));
        kit.awaitJoins(List.of(first));
        JoinGroupResponseData original = first.join().data();
        assertThat(original.memberId()).startsWith("instance-1-");
        kit.syncAsync(GROUP, original, Map.of(original.memberId(), new byte[]{7})).join();

        JoinGroupResponse restarted = kit.join(joinData(GROUP, "").setGroupInstanceId("instance-1")).join();

        assertThat(restarted.error()).isEqualTo(Errors.NONE);
        assertThat(restarted.data().memberId()).isNotEqualTo(original.memberId());
        assertThat(restarted.data().generationId()).as("no new generation").isEqualTo(original.generationId());
        assertThat(restarted.data().skipAssignment()).as("the leader keeps the current assignment").isTrue();
        assertThat(describe().groupState()).isEqualTo("Stable");
        assertThat(kit.heartbeat(GROUP, original, "instance-1")).isEqualTo(Errors.FENCED_INSTANCE_ID);
        assertThat(kit.heartbeat(GROUP, restarted.data(), "instance-1")).isEqualTo(Errors.NONE);
        SyncGroupResponse sync = kit.syncAsync(GROUP, restarted.data(), Map.of()).join();
        assertThat(sync.data().assignment()).containsExactly(7);
    }

    @Test
    void staticMemberRejoiningWithOtherTopicsTriggersARebalance() {
        CompletableFuture<JoinGroupResponse> first = kit.join(joinData(GROUP, "").setGroupInstanceId("instance-1"));
        kit.awaitJoins(List.of(first));
        JoinGroupResponseData original = first.join().data();
        kit.syncAsync(GROUP, original, Map.of()).join();

        CompletableFuture<JoinGroupResponse> restarted = kit.join(
            joinData(GROUP, "", GroupTestKit.subscription("other")).setGroupInstanceId("instance-1"));

        assertThat(restarted.join().data().generationId()).isEqualTo(original.generationId() + 1);
    }

    @Test
    void requestsAgainstTheWrongGenerationOrMemberAreRejected() {
        List<JoinGroupResponseData> members = kit.stableGroup(GROUP, 1);
        JoinGroupResponseData member = members.get(0);

        assertThat(kit.heartbeat(GROUP, new JoinGroupResponseData().setMemberId(member.memberId())
            .setGenerationId(member.generationId() + 5))).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(kit.heartbeat(GROUP, new JoinGroupResponseData().setMemberId("ghost")
            .setGenerationId(member.generationId()))).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        SyncGroupResponse staleSync = kit.syncAsync(GROUP, new JoinGroupResponseData().setMemberId(member.memberId())
            .setGenerationId(0).setProtocolType("consumer").setProtocolName("range"), Map.of()).join();
        assertThat(staleSync.error()).isEqualTo(Errors.ILLEGAL_GENERATION);
    }

    @Test
    void joinRejectsOtherProtocolTypesAndOutOfRangeSessionTimeouts() {
        kit.stableGroup(GROUP, 1);

        JoinGroupResponse otherType = kit.join(joinData(GROUP, "").setProtocolType("connect")).join();
        JoinGroupResponse tooShort = kit.join(joinData(GROUP, "").setSessionTimeoutMs(1000)).join();
        JoinGroupResponse noGroup = kit.join(joinData("", "")).join();

        assertThat(otherType.error()).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        assertThat(tooShort.error()).isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
        assertThat(noGroup.error()).isEqualTo(Errors.INVALID_GROUP_ID);
        JoinGroupResponse version0 = kit.<JoinGroupResponse>sendAsync(new JoinGroupRequest.Builder(
            joinData(GROUP, "").setSessionTimeoutMs(1000)).build((short) 0)).join();
        assertThat(version0.error()).as("errors fit the oldest response shape").isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
    }

    @Test
    void syncDuringRebalanceIsToldToRejoin() {
        List<JoinGroupResponseData> members = kit.stableGroup(GROUP, 2);
        kit.join(joinData(GROUP, members.get(0).memberId()));

        SyncGroupResponse sync = kit.syncAsync(GROUP, members.get(1), Map.of()).join();

        assertThat(sync.error()).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
    }

    @Test
    void theOldestVersionsCarryAWholeConsumerLifecycle() {
        CompletableFuture<JoinGroupResponse> join = kit.sendAsync(new JoinGroupRequest.Builder(
            joinData(GROUP, "").setGroupInstanceId(null)).build((short) 0));
        kit.awaitJoins(List.of(join));
        JoinGroupResponseData member = join.join().data();
        assertThat(member.members()).hasSize(1);

        SyncGroupResponse sync = kit.send(new SyncGroupRequest.Builder(
            new SyncGroupRequestData().setGroupId(GROUP).setMemberId(member.memberId())
                .setGenerationId(member.generationId()).setAssignments(List.of(
                    new SyncGroupRequestAssignment()
                        .setMemberId(member.memberId()).setAssignment(new byte[]{5})))).build((short) 0));
        assertThat(sync.data().assignment()).containsExactly(5);
        DescribeGroupsResponse described = kit.send(new DescribeGroupsRequest.Builder(
            new DescribeGroupsRequestData().setGroups(List.of(GROUP))).build((short) 0));
        assertThat(described.data().groups().get(0).groupState()).isEqualTo("Stable");
        LeaveGroupResponse left = kit.send(new LeaveGroupRequest.Builder(GROUP, List.of(
            new MemberIdentity().setMemberId(member.memberId()))).build((short) 0));
        assertThat(left.error()).isEqualTo(Errors.NONE);
    }

    private DescribedGroup describe() {
        DescribeGroupsResponse response = kit.send(new DescribeGroupsRequest.Builder(
            new DescribeGroupsRequestData().setGroups(List.of(GROUP))).build((short) 5));
        return response.data().groups().get(0);
    }
}
