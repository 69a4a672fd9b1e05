package io.haeryu.group;

import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import static io.haeryu.group.GroupTestKit.TOPIC;
import static io.haeryu.group.GroupTestKit.joinData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetDeleteResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.junit.jupiter.api.Test;

/** OffsetCommit, OffsetFetch and OffsetDelete, for group members and standalone consumers. */
class OffsetCommitFetchTest {

    private static final String GROUP = "billing";

    private final GroupTestKit kit = new GroupTestKit(GroupConfig.defaults());

    @Test
    void memberCommitsAreFetchedBackInEveryVersionShape() {
        JoinGroupResponseData member = kit.stableGroup(GROUP, 1).get(0);

        assertThat(kit.commit(GROUP, member.memberId(), member.generationId(), 0, 42)).isEqualTo(Errors.NONE);
        assertThat(kit.commit(GROUP, member.memberId(), member.generationId(), 1, 7)).isEqualTo(Errors.NONE);

        OffsetFetchResponseGroup batched = fetchV8(List.of(0, 1, 2));
        assertThat(batched.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(batched.topics().get(0).partitions())
            .extracting(OffsetFetchResponsePartitions::partitionIndex, OffsetFetchResponsePartitions::committedOffset,
                OffsetFetchResponsePartitions::metadata)
            .containsExactly(tuple(0, 42L, "m42"),
                tuple(1, 7L, "m7"),
                tuple(2, -1L, ""));

        OffsetFetchResponse legacy = kit.send(OffsetFetchRequest.Builder.forTopicNames(new OffsetFetchRequestData()
            .setGroupId(GROUP)
            .setTopics(List.of(new OffsetFetchRequestTopic().setName(TOPIC).setPartitionIndexes(List.of(0))))
            , false).build((short) 1));
        assertThat(legacy.data().topics().get(0).partitions()).extracting(OffsetFetchResponsePartition::committedOffset)
            .containsExactly(42L);

        OffsetFetchResponse all = kit.send(OffsetFetchRequest.Builder.forTopicNames(new OffsetFetchRequestData()
            .setGroupId(GROUP).setTopics(null), false).build((short) 7));
        assertThat(all.data().errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(all.data().topics().get(0).partitions()).extracting(OffsetFetchResponsePartition::partitionIndex)
            .containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void commitsFromAStaleGenerationOrUnknownMemberAreRejected() {
        List<JoinGroupResponseData> members = kit.stableGroup(GROUP, 2);
        JoinGroupResponseData member = members.get(0);
        // The other member leaves: the group rebalances, and member rejoins into generation 2.
        kit.send(new LeaveGroupRequest.Builder(GROUP, List.of(
            new MemberIdentity()
                .setMemberId(members.get(1).memberId()))).build((short) 5));
        JoinGroupResponseData rejoined = kit.join(joinData(GROUP, member.memberId())).join().data();
        assertThat(kit.commit(GROUP, member.memberId(), rejoined.generationId(), 0, 5))
            .as("generation known but not yet synced").isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        kit.syncAsync(GROUP, rejoined, Map.of()).join();

        assertThat(kit.commit(GROUP, member.memberId(), member.generationId(), 0, 5)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(kit.commit(GROUP, "ghost", rejoined.generationId(), 0, 5)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(kit.commit(GROUP, member.memberId(), rejoined.generationId(), 0, 5)).isEqualTo(Errors.NONE);
    }

    @Test
    void commitsDuringARebalanceFromTheCurrentGenerationAreAccepted() {
        List<JoinGroupResponseData> members = kit.stableGroup(GROUP, 2);
        kit.join(joinData(GROUP, members.get(0).memberId()));

        // Consumers commit in onPartitionsRevoked before rejoining.
        assertThat(kit.commit(GROUP, members.get(1).memberId(), members.get(1).generationId(), 0, 9)).isEqualTo(Errors.NONE);
    }

    @Test
    void standaloneConsumersCommitWithoutGroupMembership() {
        assertThat(kit.commit("standalone", "", -1, 0, 100)).isEqualTo(Errors.NONE);
        assertThat(kit.commit("unknown", "member", 3, 0, 100)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(kit.commit("", "", -1, 0, 100)).isEqualTo(Errors.INVALID_GROUP_ID);
        assertThat(fetchV8("standalone", List.of(0)).topics().get(0).partitions().get(0).committedOffset())
            .isEqualTo(100L);
    }

    @Test
    void oversizedMetadataIsRejectedPerPartition() {
        OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId(GROUP).setGenerationIdOrMemberEpoch(-1)
            .setTopics(List.of(new OffsetCommitRequestTopic().setName(TOPIC).setPartitions(List.of(
                new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(1)
                    .setCommittedMetadata("x".repeat(kit.config.offsetMetadataMaxBytes() + 1)),
                new OffsetCommitRequestPartition().setPartitionIndex(1).setCommittedOffset(1)))));

        OffsetCommitResponse response = kit.send(OffsetCommitRequest.Builder.forTopicNames(data).build((short) 2));

        assertThat(response.data().topics().get(0).partitions()).extracting(p -> Errors.forCode(p.errorCode()))
            .containsExactly(Errors.OFFSET_METADATA_TOO_LARGE, Errors.NONE);
    }

    @Test
    void commitsToPartitionsTheClusterDoesNotHaveAreRejectedAndNotStored() {
        kit.knownPartitions = tp -> tp.topic().equals(TOPIC) && tp.partition() < 2;
        OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId(GROUP).setGenerationIdOrMemberEpoch(-1)
            .setTopics(List.of(
                new OffsetCommitRequestTopic().setName(TOPIC).setPartitions(List.of(
                    new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(5),
                    new OffsetCommitRequestPartition().setPartitionIndex(7).setCommittedOffset(5))),
                new OffsetCommitRequestTopic().setName("no-such-topic").setPartitions(List.of(
                    new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(5)))));

        OffsetCommitResponse response = kit.send(OffsetCommitRequest.Builder.forTopicNames(data).build((short) 9));

        assertThat(response.data().topics()).hasSize(2);
        assertThat(response.data().topics()).flatExtracting(t -> t.partitions().stream()
                .map(p -> tuple(t.name(), p.partitionIndex(), Errors.forCode(p.errorCode()))).toList())
            .containsExactlyInAnyOrder(tuple(TOPIC, 0, Errors.NONE),
                tuple(TOPIC, 7, Errors.UNKNOWN_TOPIC_OR_PARTITION),
                tuple("no-such-topic", 0, Errors.UNKNOWN_TOPIC_OR_PARTITION));
        assertThat(fetchV8(List.of(0, 7)).topics().get(0).partitions())
            .extracting(OffsetFetchResponsePartitions::partitionIndex, OffsetFetchResponsePartitions::committedOffset)
            .containsExactly(tuple(0, 5L), tuple(7, -1L));

        // nothing valid left: answered without consulting the group (an unknown member would otherwise be reported)
        OffsetCommitRequestData onlyUnknown = new OffsetCommitRequestData().setGroupId(GROUP).setMemberId("ghost")
            .setGenerationIdOrMemberEpoch(3)
            .setTopics(List.of(new OffsetCommitRequestTopic().setName("no-such-topic").setPartitions(List.of(
                new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(5)))));
        OffsetCommitResponse rejected = kit.send(OffsetCommitRequest.Builder.forTopicNames(onlyUnknown).build((short) 9));
        assertThat(rejected.data().topics().get(0).partitions().get(0).errorCode())
            .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    @Test
    void commitIsAnsweredOnlyOnceTheLogHasIt() {
        kit.log.holdAppends();
        CompletableFuture<OffsetCommitResponse> pending = kit.sendAsync(OffsetCommitRequest.Builder.forTopicNames(
            new OffsetCommitRequestData().setGroupId(GROUP).setGenerationIdOrMemberEpoch(-1).setTopics(List.of(
                new OffsetCommitRequestTopic().setName(TOPIC).setPartitions(List.of(
                    new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(3)))))).build((short) 9));

        assertThat(pending).isNotDone();
        assertThat(fetchV8(List.of(0)).topics().get(0).partitions().get(0).committedOffset())
            .as("not visible before it is durable").isEqualTo(-1L);
        kit.log.release();

        assertThat(pending.join().data().topics().get(0).partitions().get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(fetchV8(List.of(0)).topics().get(0).partitions().get(0).committedOffset()).isEqualTo(3L);
    }

    @Test
    void commitsAcknowledgedOutOfOrderAreAppliedInLogOrder() {
        kit.log.holdAppends();
        CompletableFuture<OffsetCommitResponse> older = kit.sendAsync(standaloneCommit(5));
        CompletableFuture<OffsetCommitResponse> newer = kit.sendAsync(standaloneCommit(7));

        kit.log.releaseNewest();
        assertThat(newer).as("answered only after the earlier append").isNotDone();
        assertThat(fetchV8(List.of(0)).topics().get(0).partitions().get(0).committedOffset()).isEqualTo(-1L);
        kit.log.release();

        assertThat(older.join().data().topics().get(0).partitions().get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(newer.join().data().topics().get(0).partitions().get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(fetchV8(List.of(0)).topics().get(0).partitions().get(0).committedOffset())
            .as("the later commit wins, as in the log").isEqualTo(7L);
        GroupTestKit reloaded = new GroupTestKit(GroupConfig.defaults(), kit.log);
        OffsetFetchResponse afterReload = reloaded.send(OffsetFetchRequest.Builder.forTopicNames(
            new OffsetFetchRequestData().setGroups(List.of(
                new OffsetFetchRequestGroup().setGroupId(GROUP).setTopics(null))), false).build((short) 9));
        assertThat(afterReload.data().groups().get(0).topics().get(0).partitions().get(0).committedOffset())
            .isEqualTo(7L);
    }

    private static OffsetCommitRequest standaloneCommit(long offset) {
        return OffsetCommitRequest.Builder.forTopicNames(new OffsetCommitRequestData().setGroupId(GROUP)
            .setGenerationIdOrMemberEpoch(-1).setTopics(List.of(new OffsetCommitRequestTopic().setName(TOPIC)
                .setPartitions(List.of(new OffsetCommitRequestPartition().setPartitionIndex(0)
                    .setCommittedOffset(offset)))))).build((short) 9);
    }

    @Test
    void failedAppendIsReportedAndNothingIsCommitted() {
        kit.log.failAppends(true);

        assertThat(kit.commit(GROUP, "", -1, 0, 3)).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(fetchV8(List.of(0)).topics().get(0).partitions().get(0).committedOffset()).isEqualTo(-1L);
    }

    @Test
    void offsetDeleteOfATopicTheClusterDoesNotHaveIsUnknownTopicOrPartition() {
        kit.commit(GROUP, "", -1, 0, 4);
        kit.knownPartitions = tp -> tp.topic().equals(TOPIC);

        OffsetDeleteResponse response = kit.send(new OffsetDeleteRequest.Builder(new OffsetDeleteRequestData()
            .setGroupId(GROUP).setTopics(new OffsetDeleteRequestTopicCollection(List.of(
                deleteTopic(TOPIC), deleteTopic("gone")).iterator()))).build((short) 0));

        assertThat(response.data().errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(Errors.forCode(response.data().topics().find(TOPIC).partitions().find(0).errorCode()))
            .isEqualTo(Errors.NONE);
        assertThat(Errors.forCode(response.data().topics().find("gone").partitions().find(0).errorCode()))
            .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(fetchV8(List.of(0)).topics().get(0).partitions().get(0).committedOffset()).isEqualTo(-1L);

        OffsetDeleteResponse noGroup = kit.send(new OffsetDeleteRequest.Builder(new OffsetDeleteRequestData()
            .setGroupId("no-such-group").setTopics(new OffsetDeleteRequestTopicCollection(List.of(
                deleteTopic("gone")).iterator()))).build((short) 0));
        assertThat(noGroup.data().errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
    }

    @Test
    void offsetDeleteRefusesTopicsTheGroupConsumes() {
        JoinGroupResponseData member = kit.stableGroup(GROUP, 1).get(0);
        kit.commit(GROUP, member.memberId(), member.generationId(), 0, 1);
        assertThat(kit.commit(GROUP, member.memberId(), member.generationId(), 0, 1)).isEqualTo(Errors.NONE);
        OffsetCommitRequestData other = new OffsetCommitRequestData().setGroupId(GROUP).setMemberId(member.memberId())
            .setGenerationIdOrMemberEpoch(member.generationId()).setTopics(List.of(new OffsetCommitRequestTopic()
                .setName("retired").setPartitions(List.of(new OffsetCommitRequestPartition().setPartitionIndex(0)
                    .setCommittedOffset(8)))));
        kit.send(OffsetCommitRequest.Builder.forTopicNames(other).build((short) 9));

        OffsetDeleteResponse response = kit.send(new OffsetDeleteRequest.Builder(new OffsetDeleteRequestData()
            .setGroupId(GROUP).setTopics(new OffsetDeleteRequestTopicCollection(List.of(
                deleteTopic(TOPIC), deleteTopic("retired")).iterator()))).build((short) 0));

        assertThat(response.data().errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(Errors.forCode(response.data().topics().find(TOPIC).partitions().find(0).errorCode()))
            .isEqualTo(Errors.GROUP_SUBSCRIBED_TO_TOPIC);
        assertThat(Errors.forCode(response.data().topics().find("retired").partitions().find(0).errorCode()))
            .isEqualTo(Errors.NONE);
        OffsetFetchResponseGroup left = fetchAll(GROUP);
        assertThat(left.topics()).extracting(t -> t.name()).containsExactly(TOPIC);
    }

    @Test
    void offsetDeleteOfUnknownGroupIsNotFound() {
        OffsetDeleteResponse response = kit.send(new OffsetDeleteRequest.Builder(new OffsetDeleteRequestData()
            .setGroupId("nope").setTopics(new OffsetDeleteRequestTopicCollection(List.of(deleteTopic(TOPIC)).iterator())))
            .build((short) 0));

        assertThat(response.data().errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
    }

    @Test
    void offsetsOfAnEmptyGroupExpireAfterRetentionAndTheGroupGoesAway() {
        kit.commit(GROUP, "", -1, 0, 1);
        long checkInterval = kit.config.offsetsRetentionCheckIntervalMs();

        kit.loop.advance(kit.config.offsetsRetentionMs() - checkInterval);
        assertThat(fetchAll(GROUP).topics()).isNotEmpty();
        kit.loop.advance(2 * checkInterval);

        assertThat(fetchAll(GROUP).topics()).isEmpty();
        assertThat(kit.commit(GROUP, "member", 1, 0, 1)).as("the group is gone").isEqualTo(Errors.ILLEGAL_GENERATION);
    }

    private static OffsetDeleteRequestTopic deleteTopic(String name) {
        return new OffsetDeleteRequestTopic().setName(name)
            .setPartitions(List.of(new OffsetDeleteRequestPartition().setPartitionIndex(0)));
    }

    private OffsetFetchResponseGroup fetchV8(List<Integer> partitions) {
        return fetchV8(GROUP, partitions);
    }

    private OffsetFetchResponseGroup fetchV8(String groupId, List<Integer> partitions) {
        return fetch(new OffsetFetchRequestGroup().setGroupId(groupId).setTopics(List.of(
            new OffsetFetchRequestTopics().setName(TOPIC).setPartitionIndexes(partitions))));
    }

    private OffsetFetchResponseGroup fetchAll(String groupId) {
        return fetch(new OffsetFetchRequestGroup().setGroupId(groupId).setTopics(null));
    }

    private OffsetFetchResponseGroup fetch(OffsetFetchRequestGroup group) {
        OffsetFetchResponse response = kit.send(OffsetFetchRequest.Builder.forTopicNames(
            new OffsetFetchRequestData().setGroups(List.of(group)), false).build((short) 9));
        return response.data().groups().get(0);
    }
}
