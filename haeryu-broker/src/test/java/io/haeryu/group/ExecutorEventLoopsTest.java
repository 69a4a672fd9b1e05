package io.haeryu.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** The coordinator on real threads: requests hop onto the partition's thread and answers come back. */
class ExecutorEventLoopsTest {

    @Test
    void joinCommitAndFetchCompleteOnCoordinatorThreads() throws Exception {
        GroupConfig config = GroupConfig.defaults().withInitialRebalanceDelayMs(0);
        try (ExecutorEventLoops loops = new ExecutorEventLoops(2)) {
            GroupCoordinator coordinator = new GroupCoordinator(config, new InMemoryCoordinatorLog(), loops);
            int partition = coordinator.partitionFor("threads");
            coordinator.onBecomeLeader(partition);
            JoinGroupResponseData joined;
            do {
                joined = coordinator.joinGroup(GroupTestKit.joinData("threads", ""), false, false, "c", "/h")
                    .get(10, TimeUnit.SECONDS);
            } while (joined.errorCode() == Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
            assertThat(joined.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(joined.generationId()).isEqualTo(1);

            var synced = coordinator.syncGroup(new SyncGroupRequestData().setGroupId("threads")
                .setMemberId(joined.memberId()).setGenerationId(joined.generationId()).setAssignments(List.of(
                    new SyncGroupRequestAssignment().setMemberId(joined.memberId()).setAssignment(new byte[]{1}))))
                .get(10, TimeUnit.SECONDS);
            assertThat(synced.assignment()).containsExactly(1);

            var commit = coordinator.commitOffsets(new OffsetCommitRequestData().setGroupId("threads")
                .setMemberId(joined.memberId()).setGenerationIdOrMemberEpoch(joined.generationId())
                .setTopics(List.of(new OffsetCommitRequestTopic().setName("t").setPartitions(List.of(
                    new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(5))))), (short) 9)
                .get(10, TimeUnit.SECONDS);
            var fetched = coordinator.fetchOffsets(new OffsetFetchRequestGroup().setGroupId("threads")
                .setTopics(List.of(new OffsetFetchRequestTopics().setName("t").setPartitionIndexes(List.of(0)))))
                .get(10, TimeUnit.SECONDS);

            assertThat(commit.topics().get(0).partitions().get(0).errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(fetched.topics().get(0).partitions().get(0).committedOffset()).isEqualTo(5L);
            coordinator.shutdown();
        }
    }
}
