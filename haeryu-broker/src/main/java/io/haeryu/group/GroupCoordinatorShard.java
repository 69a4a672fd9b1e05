package io.haeryu.group;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartitionCollection;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopicCollection;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One coordinator partition: the classic groups hashed to it and their committed offsets, its log, and the
 * offset and administrative APIs; the rebalance protocol itself is {@link ClassicGroupMembership}.
 *
 * <p>Runs only on its partition's {@link EventLoop}, so it holds no locks. Durable changes are written as
 * {@link CoordinatorRecord}s through the {@link CoordinatorLog}, and requests are answered only once the write
 * completes. Offset commits and all tombstones reach memory exclusively through {@link #replay}, the code that
 * also rebuilds the partition on load, so memory is exactly what the log says. Group metadata records are the
 * exception in the live path: they snapshot membership the group already holds (plus the assignment being
 * handed out), and {@link #replay} uses them only to rebuild groups on load.
 */
final class GroupCoordinatorShard {

    private static final Logger log = LoggerFactory.getLogger(GroupCoordinatorShard.class);
    private static final byte[] NOTHING = new byte[0];

    private enum Status { LOADING, ACTIVE, CLOSED }

    private final int partition;
    private final GroupConfig config;
    private final CoordinatorLog coordinatorLog;
    private final EventLoop loop;
    private final Map<String, ClassicGroup> groups = new HashMap<>();
    private final OffsetStore offsets = new OffsetStore();
    /** Writes in append order, applied only once every earlier one completed. */
    private final ArrayDeque<PendingWrite> pendingWrites = new ArrayDeque<>();
    private final ClassicGroupMembership membership;
    /** Read from request threads to answer COORDINATOR_LOAD_IN_PROGRESS / NOT_COORDINATOR without queueing. */
    private volatile Status status = Status.LOADING;
    private EventLoop.Cancellable cleanupTimer;

    GroupCoordinatorShard(int partition, GroupConfig config, CoordinatorLog coordinatorLog, EventLoop loop) {
        this.partition = partition;
        this.config = config;
        this.coordinatorLog = coordinatorLog;
        this.loop = loop;
        this.membership = new ClassicGroupMembership(config, loop, groups, this::persistGroup);
    }

    /** JoinGroup, SyncGroup, Heartbeat and LeaveGroup for this partition's groups. */
    ClassicGroupMembership membership() {
        return membership;
    }

    EventLoop loop() {
        return loop;
    }

    boolean isLoading() {
        return status == Status.LOADING;
    }

    boolean isActive() {
        return status == Status.ACTIVE;
    }

    // ---------------------------------------------------------------- loading, replay and persistence

    /** Rebuilds the partition from its log, then starts serving. */
    void load() {
        long start = loop.nowMs();
        coordinatorLog.replay(partition, record -> replay(GroupRecordSerde.decode(record)));
        // Loaded members get a full session to heartbeat to their new coordinator before they are expired.
        for (ClassicGroup group : groups.values()) {
            group.members().forEach(member -> membership.keepAlive(group, member));
        }
        scheduleCleanup();
        status = Status.ACTIVE;
        log.info("Loaded coordinator partition {}: {} groups in {} ms", partition, groups.size(), loop.nowMs() - start);
    }

    /** Applies one record to memory; the only way offsets and deletions ever reach memory. */
    void replay(CoordinatorRecord record) {
        if (record instanceof CoordinatorRecord.OffsetCommit commit) {
            if (commit.offset() == null) {
                offsets.remove(commit.groupId(), commit.partition());
            } else {
                groups.computeIfAbsent(commit.groupId(), id -> new ClassicGroup(id, commit.offset().commitTimestampMs()));
                offsets.put(commit.groupId(), commit.partition(), commit.offset());
            }
        } else {
            CoordinatorRecord.GroupMetadata metadata = (CoordinatorRecord.GroupMetadata) record;
            if (metadata.snapshot() == null) {
                groups.remove(metadata.groupId());
            } else {
                groups.put(metadata.groupId(), ClassicGroup.restore(metadata.groupId(), metadata.snapshot()));
            }
        }
    }

    /** Stops serving: parked requests learn that this broker is no longer the coordinator. */
    void close() {
        status = Status.CLOSED;
        if (cleanupTimer != null) {
            cleanupTimer.cancel();
        }
        membership.abandonAll();
        groups.clear();
        log.info("Resigned coordinator partition {}", partition);
    }

    /**
     * Appends records and, once durable, replays those that are not group snapshots. Completes on the loop thread
     * with NONE or the error to report to clients.
     *
     * <p>Appends complete in any order (the partition's {@code acks=all} waiters are unordered), but they are
     * applied in the order they were appended, which is their order in the log, so a commit that completes late
     * never overwrites a newer one in memory (Kafka applies coordinator writes in offset order too).
     */
    private CompletableFuture<Errors> write(List<CoordinatorRecord> records, Errors tooLargeError) {
        CompletableFuture<Errors> result = new CompletableFuture<>();
        if (records.isEmpty()) {
            result.complete(Errors.NONE);
            return result;
        }
        List<SimpleRecord> encoded = records.stream().map(r -> GroupRecordSerde.encode(r, loop.nowMs())).toList();
        PendingWrite write = new PendingWrite(records, tooLargeError, result);
        pendingWrites.addLast(write);
        CompletableFuture<Void> append;
        try {
            append = coordinatorLog.append(partition, encoded);
        } catch (RuntimeException e) {
            append = CompletableFuture.failedFuture(e);
        }
        append.whenComplete((ignored, error) -> loop.execute(() -> {
            write.completed = true;
            write.error = error;
            applyCompletedWrites();
        }));
        return result;
    }

    /** Applies and answers the completed writes at the head of the queue, in append order. */
    private void applyCompletedWrites() {
        while (!pendingWrites.isEmpty() && pendingWrites.peekFirst().completed) {
            PendingWrite write = pendingWrites.pollFirst();
            if (status != Status.ACTIVE) {
                write.result.complete(Errors.NOT_COORDINATOR);
            } else if (write.error != null) {
                log.warn("Coordinator partition {} failed to append {} records", partition, write.records.size(),
                    write.error);
                write.result.complete(appendError(write.error, write.tooLargeError));
            } else {
                write.records.stream()
                    .filter(r -> !(r instanceof CoordinatorRecord.GroupMetadata g && g.snapshot() != null))
                    .forEach(this::replay);
                write.result.complete(Errors.NONE);
            }
        }
    }

    /** A write waiting for its append; only touched on the loop thread. */
    private static final class PendingWrite {
        final List<CoordinatorRecord> records;
        final Errors tooLargeError;
        final CompletableFuture<Errors> result;
        boolean completed;
        Throwable error;

        PendingWrite(List<CoordinatorRecord> records, Errors tooLargeError, CompletableFuture<Errors> result) {
            this.records = records;
            this.tooLargeError = tooLargeError;
            this.result = result;
        }
    }

    /** Translates a storage failure into what Kafka tells clients, so they retry or rediscover the coordinator. */
    private static Errors appendError(Throwable error, Errors tooLargeError) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof NotLeaderOrFollowerException) {
            return Errors.NOT_COORDINATOR;
        }
        if (cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException) {
            return tooLargeError;
        }
        return Errors.COORDINATOR_NOT_AVAILABLE;
    }

    /** Persists a group snapshot; the live group already holds this state, so it is not replayed. */
    private CompletableFuture<Errors> persistGroup(ClassicGroup group, CoordinatorRecord.GroupSnapshot snapshot) {
        return write(List.of(new CoordinatorRecord.GroupMetadata(group.groupId(), snapshot)), Errors.UNKNOWN_SERVER_ERROR);
    }

    // ---------------------------------------------------------------- offsets

    CompletableFuture<OffsetCommitResponseData> commitOffsets(OffsetCommitRequestData request, short version) {
        ClassicGroup group = groups.get(request.groupId());
        Errors groupError;
        if (group == null) {
            if (request.generationIdOrMemberEpoch() < 0) {
                // A standalone consumer: it uses the coordinator only to store offsets.
                group = new ClassicGroup(request.groupId(), loop.nowMs());
                groups.put(group.groupId(), group);
                groupError = Errors.NONE;
            } else {
                groupError = Errors.ILLEGAL_GENERATION;
            }
        } else {
            groupError = validateCommit(group, request);
        }
        long now = loop.nowMs();
        long expireTimestamp = version <= 4 && request.retentionTimeMs() != OffsetCommitRequest.DEFAULT_RETENTION_TIME
            ? now + request.retentionTimeMs() : -1L;
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        List<CoordinatorRecord> records = new ArrayList<>();
        List<OffsetCommitResponsePartition> written = new ArrayList<>();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic topic : request.topics()) {
            OffsetCommitResponseTopic topicResponse = new OffsetCommitResponseTopic().setName(topic.name());
            response.topics().add(topicResponse);
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : topic.partitions()) {
                OffsetCommitResponsePartition partitionResponse =
                    new OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex());
                topicResponse.partitions().add(partitionResponse);
                String metadata = p.committedMetadata() == null ? OffsetFetchResponse.NO_METADATA : p.committedMetadata();
                if (groupError != Errors.NONE) {
                    partitionResponse.setErrorCode(groupError.code());
                } else if (metadata.length() > config.offsetMetadataMaxBytes()) {
                    partitionResponse.setErrorCode(Errors.OFFSET_METADATA_TOO_LARGE.code());
                } else {
                    records.add(new CoordinatorRecord.OffsetCommit(request.groupId(),
                        new TopicPartition(topic.name(), p.partitionIndex()),
                        new CommittedOffset(p.committedOffset(), p.committedLeaderEpoch(), metadata, now, expireTimestamp)));
                    written.add(partitionResponse);
                }
            }
        }
        return write(records, Errors.INVALID_COMMIT_OFFSET_SIZE).thenApply(error -> {
            written.forEach(p -> p.setErrorCode(error.code()));
            return response;
        });
    }

    private Errors validateCommit(ClassicGroup group, OffsetCommitRequestData request) {
        String memberId = request.memberId();
        int generation = request.generationIdOrMemberEpoch();
        if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        } else if (group.isStaticMemberFenced(request.groupInstanceId(), memberId)) {
            return Errors.FENCED_INSTANCE_ID;
        } else if (generation < 0 && group.is(GroupState.EMPTY)) {
            return Errors.NONE;
        } else if (!group.has(memberId)) {
            return Errors.UNKNOWN_MEMBER_ID;
        } else if (generation != group.generationId()) {
            return Errors.ILLEGAL_GENERATION;
        } else if (group.is(GroupState.COMPLETING_REBALANCE)) {
            // The member knows the new generation but has no assignment yet; it retries after SyncGroup.
            return Errors.REBALANCE_IN_PROGRESS;
        }
        membership.keepAlive(group, group.get(memberId));
        return Errors.NONE;
    }

    OffsetFetchResponseGroup fetchOffsets(OffsetFetchRequestGroup request) {
        String groupId = request.groupId();
        OffsetFetchResponseGroup response = new OffsetFetchResponseGroup().setGroupId(groupId);
        Map<String, OffsetFetchResponseTopics> topics = new LinkedHashMap<>();
        if (request.topics() == null) {
            offsets.offsets(groupId).forEach((tp, offset) -> topicOf(topics, tp.topic()).partitions()
                .add(fetchedPartition(tp.partition(), offset)));
        } else {
            for (var topic : request.topics()) {
                OffsetFetchResponseTopics topicResponse = topicOf(topics, topic.name());
                for (int partitionIndex : topic.partitionIndexes()) {
                    CommittedOffset offset = offsets.get(groupId, new TopicPartition(topic.name(), partitionIndex));
                    topicResponse.partitions().add(fetchedPartition(partitionIndex, offset));
                }
            }
        }
        response.setTopics(new ArrayList<>(topics.values()));
        return response;
    }

    private static OffsetFetchResponseTopics topicOf(Map<String, OffsetFetchResponseTopics> topics, String name) {
        return topics.computeIfAbsent(name, n -> new OffsetFetchResponseTopics().setName(n));
    }

    private static OffsetFetchResponsePartitions fetchedPartition(int partitionIndex, CommittedOffset offset) {
        OffsetFetchResponsePartitions partition = new OffsetFetchResponsePartitions().setPartitionIndex(partitionIndex);
        if (offset == null) {
            return partition.setCommittedOffset(OffsetFetchResponse.INVALID_OFFSET).setCommittedLeaderEpoch(-1)
                .setMetadata(OffsetFetchResponse.NO_METADATA);
        }
        return partition.setCommittedOffset(offset.offset()).setCommittedLeaderEpoch(offset.leaderEpoch())
            .setMetadata(offset.metadata());
    }

    CompletableFuture<OffsetDeleteResponseData> deleteOffsets(OffsetDeleteRequestData request) {
        String groupId = request.groupId();
        ClassicGroup group = groups.get(groupId);
        OffsetDeleteResponseData response = new OffsetDeleteResponseData();
        if (group == null || group.is(GroupState.DEAD)) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()));
        }
        boolean activeConsumerGroup = !group.is(GroupState.EMPTY) && group.isConsumerGroup();
        if (!group.is(GroupState.EMPTY) && !activeConsumerGroup) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.NON_EMPTY_GROUP.code()));
        }
        List<CoordinatorRecord> tombstones = new ArrayList<>();
        List<OffsetDeleteResponsePartition> deleted = new ArrayList<>();
        OffsetDeleteResponseTopicCollection topics = new OffsetDeleteResponseTopicCollection();
        for (var topic : request.topics()) {
            boolean subscribed = activeConsumerGroup && group.isSubscribedTo(topic.name());
            OffsetDeleteResponsePartitionCollection partitions = new OffsetDeleteResponsePartitionCollection();
            for (var p : topic.partitions()) {
                OffsetDeleteResponsePartition partitionResponse =
                    new OffsetDeleteResponsePartition().setPartitionIndex(p.partitionIndex());
                partitions.add(partitionResponse);
                TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                if (subscribed) {
                    partitionResponse.setErrorCode(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code());
                } else {
                    deleted.add(partitionResponse);
                    if (offsets.get(groupId, tp) != null) {
                        tombstones.add(new CoordinatorRecord.OffsetCommit(groupId, tp, null));
                    }
                }
            }
            topics.add(new OffsetDeleteResponseTopic().setName(topic.name()).setPartitions(partitions));
        }
        response.setTopics(topics);
        return write(tombstones, Errors.UNKNOWN_SERVER_ERROR).thenApply(error -> {
            if (error != Errors.NONE) {
                return new OffsetDeleteResponseData().setErrorCode(error.code());
            }
            return response;
        });
    }

    // ---------------------------------------------------------------- administration

    DescribedGroup describeGroup(String groupId) {
        ClassicGroup group = groups.get(groupId);
        DescribedGroup described = new DescribedGroup().setGroupId(groupId);
        if (group == null) {
            return described.setGroupState(GroupState.DEAD.toString()).setProtocolType("").setProtocolData("");
        }
        boolean stable = group.is(GroupState.STABLE);
        described.setGroupState(group.state().toString())
            .setProtocolType(group.protocolType() == null ? "" : group.protocolType())
            .setProtocolData(stable ? group.protocolName() : "");
        for (GroupMember member : group.members()) {
            // Metadata and assignment are only meaningful once the generation is stable.
            described.members().add(new DescribedGroupMember()
                .setMemberId(member.memberId())
                .setGroupInstanceId(member.groupInstanceId())
                .setClientId(member.clientId())
                .setClientHost(member.clientHost())
                .setMemberMetadata(stable ? member.metadata(group.protocolName()) : NOTHING)
                .setMemberAssignment(stable ? member.assignment() : NOTHING));
        }
        return described;
    }

    List<ListedGroup> listGroups(Set<GroupState> states) {
        List<ListedGroup> listed = new ArrayList<>();
        for (ClassicGroup group : groups.values()) {
            if (!group.is(GroupState.DEAD) && (states.isEmpty() || states.contains(group.state()))) {
                listed.add(new ListedGroup()
                    .setGroupId(group.groupId())
                    .setProtocolType(group.protocolType() == null ? "" : group.protocolType())
                    .setGroupState(group.state().toString())
                    .setGroupType("classic"));
            }
        }
        return listed;
    }

    CompletableFuture<Errors> deleteGroup(String groupId) {
        ClassicGroup group = groups.get(groupId);
        if (group == null || group.is(GroupState.DEAD)) {
            return CompletableFuture.completedFuture(Errors.GROUP_ID_NOT_FOUND);
        }
        if (!group.is(GroupState.EMPTY)) {
            return CompletableFuture.completedFuture(Errors.NON_EMPTY_GROUP);
        }
        return removeGroup(group, List.copyOf(offsets.offsets(groupId).keySet()));
    }

    /**
     * Marks an empty group Dead, so nothing joins it meanwhile, and writes tombstones for the given offsets and
     * the group; replaying them removes both from memory.
     */
    private CompletableFuture<Errors> removeGroup(ClassicGroup group, List<TopicPartition> offsetsToDelete) {
        group.transitionTo(GroupState.DEAD, loop.nowMs());
        List<CoordinatorRecord> tombstones = new ArrayList<>();
        offsetsToDelete.forEach(tp -> tombstones.add(new CoordinatorRecord.OffsetCommit(group.groupId(), tp, null)));
        tombstones.add(new CoordinatorRecord.GroupMetadata(group.groupId(), null));
        return write(tombstones, Errors.UNKNOWN_SERVER_ERROR).thenApply(error -> {
            if (error != Errors.NONE) {
                // Not durable: forget the dead group anyway; its offsets stay served and a reload brings it back.
                groups.remove(group.groupId(), group);
            }
            return error;
        });
    }

    // ---------------------------------------------------------------- retention

    private void scheduleCleanup() {
        cleanupTimer = loop.schedule(config.offsetsRetentionCheckIntervalMs(), () -> {
            if (status == Status.ACTIVE) {
                cleanupExpiredOffsetsAndGroups();
                scheduleCleanup();
            }
        });
    }

    /** Deletes expired offsets, and groups that are empty and have no offsets left (Kafka's offsets.retention). */
    void cleanupExpiredOffsetsAndGroups() {
        long now = loop.nowMs();
        for (ClassicGroup group : List.copyOf(groups.values())) {
            if (group.is(GroupState.DEAD)) {
                continue;
            }
            Map<TopicPartition, CommittedOffset> groupOffsets = offsets.offsets(group.groupId());
            List<TopicPartition> expired = new ArrayList<>();
            groupOffsets.forEach((tp, offset) -> {
                if (isExpired(group, tp, offset, now)) {
                    expired.add(tp);
                }
            });
            if (group.is(GroupState.EMPTY) && expired.size() == groupOffsets.size()) {
                log.info("Removing empty group {} and its {} expired offsets", group.groupId(), expired.size());
                removeGroup(group, expired);
            } else if (!expired.isEmpty()) {
                log.info("Removing {} expired offsets of group {}", expired.size(), group.groupId());
                List<CoordinatorRecord> tombstones = new ArrayList<>();
                expired.forEach(tp -> tombstones.add(new CoordinatorRecord.OffsetCommit(group.groupId(), tp, null)));
                write(tombstones, Errors.UNKNOWN_SERVER_ERROR);
            }
        }
    }

    /**
     * Kafka's KIP-211 rules: an explicit expiry wins; an empty consumer group's offsets expire a retention period
     * after it became empty; standalone commits expire a retention period after they were made; a stable consumer
     * group keeps the offsets of topics it subscribes to.
     */
    private boolean isExpired(ClassicGroup group, TopicPartition tp, CommittedOffset offset, long now) {
        if (offset.expireTimestampMs() >= 0) {
            return now >= offset.expireTimestampMs();
        }
        long base;
        if (group.protocolType() == null) {
            base = offset.commitTimestampMs();
        } else if (group.is(GroupState.EMPTY)) {
            base = group.stateTimestampMs();
        } else if (group.is(GroupState.STABLE) && group.isConsumerGroup() && !group.isSubscribedTo(tp.topic())) {
            base = offset.commitTimestampMs();
        } else {
            return false;
        }
        return now - base >= config.offsetsRetentionMs();
    }
}
