package io.haeryu.group;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
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
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine of one coordinator partition: the classic groups hashed to it and their committed offsets.
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
    private static final byte[] NO_ASSIGNMENT = new byte[0];

    private enum Status { LOADING, ACTIVE, CLOSED }

    private final int partition;
    private final GroupConfig config;
    private final CoordinatorLog coordinatorLog;
    private final EventLoop loop;
    private final Map<String, ClassicGroup> groups = new HashMap<>();
    private final OffsetStore offsets = new OffsetStore();
    /** Read from request threads to answer COORDINATOR_LOAD_IN_PROGRESS / NOT_COORDINATOR without queueing. */
    private volatile Status status = Status.LOADING;
    private EventLoop.Cancellable cleanupTimer;

    GroupCoordinatorShard(int partition, GroupConfig config, CoordinatorLog coordinatorLog, EventLoop loop) {
        this.partition = partition;
        this.config = config;
        this.coordinatorLog = coordinatorLog;
        this.loop = loop;
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
            group.members().forEach(member -> scheduleSessionTimeout(group, member, member.sessionTimeoutMs()));
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
        for (ClassicGroup group : groups.values()) {
            group.cancelRebalanceTimer();
            for (GroupMember member : group.members()) {
                member.cancelSessionTimer();
                member.completeJoin(joinError(member.memberId(), Errors.NOT_COORDINATOR));
                member.completeSync(syncError(Errors.NOT_COORDINATOR));
            }
        }
        groups.clear();
        log.info("Resigned coordinator partition {}", partition);
    }

    /**
     * Appends records and, once durable, replays those that are not group snapshots. Completes on the loop thread
     * with NONE or the error to report to clients.
     */
    private CompletableFuture<Errors> write(List<CoordinatorRecord> records, Errors tooLargeError) {
        CompletableFuture<Errors> result = new CompletableFuture<>();
        if (records.isEmpty()) {
            result.complete(Errors.NONE);
            return result;
        }
        List<SimpleRecord> encoded = records.stream().map(r -> GroupRecordSerde.encode(r, loop.nowMs())).toList();
        CompletableFuture<Void> append;
        try {
            append = coordinatorLog.append(partition, encoded);
        } catch (RuntimeException e) {
            append = CompletableFuture.failedFuture(e);
        }
        append.whenComplete((ignored, error) -> loop.execute(() -> {
            if (status != Status.ACTIVE) {
                result.complete(Errors.NOT_COORDINATOR);
            } else if (error != null) {
                log.warn("Coordinator partition {} failed to append {} records", partition, records.size(), error);
                result.complete(appendError(error, tooLargeError));
            } else {
                records.stream()
                    .filter(r -> !(r instanceof CoordinatorRecord.GroupMetadata g && g.snapshot() != null))
                    .forEach(this::replay);
                result.complete(Errors.NONE);
            }
        }));
        return result;
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

    private CompletableFuture<Errors> persistGroup(ClassicGroup group, CoordinatorRecord.GroupSnapshot snapshot) {
        return write(List.of(new CoordinatorRecord.GroupMetadata(group.groupId(), snapshot)), Errors.UNKNOWN_SERVER_ERROR);
    }

    // ---------------------------------------------------------------- JoinGroup

    CompletableFuture<JoinGroupResponseData> joinGroup(JoinGroupRequestData request, boolean requireKnownMemberId,
                                                       boolean supportsSkippingAssignment, String clientId,
                                                       String clientHost) {
        CompletableFuture<JoinGroupResponseData> response = new CompletableFuture<>();
        String memberId = request.memberId();
        boolean unknownMember = memberId.isEmpty();
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
            || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            response.complete(joinError(memberId, Errors.INVALID_SESSION_TIMEOUT));
            return response;
        }
        ClassicGroup group = groups.get(request.groupId());
        if (group == null) {
            if (!unknownMember) {
                response.complete(joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
                return response;
            }
            group = new ClassicGroup(request.groupId(), loop.nowMs());
            groups.put(group.groupId(), group);
        }
        boolean knownMember = group.has(memberId) || group.isPendingMember(memberId)
            || group.staticMemberId(request.groupInstanceId()) != null;
        if (!knownMember && group.size() >= config.maxGroupSize()) {
            response.complete(joinError(memberId, Errors.GROUP_MAX_SIZE_REACHED));
            return response;
        }
        JoinRequest join = new JoinRequest(request, clientId, clientHost, supportsSkippingAssignment, response);
        if (unknownMember) {
            joinNewMember(group, join, requireKnownMemberId);
        } else {
            joinCurrentMember(group, join);
        }
        tryCompleteJoin(group);
        return response;
    }

    /** A JoinGroup in progress, with the protocols decoded once. */
    private record JoinRequest(JoinGroupRequestData data, String clientId, String clientHost,
                               boolean supportsSkippingAssignment, CompletableFuture<JoinGroupResponseData> response) {
        List<GroupMember.Protocol> protocols() {
            List<GroupMember.Protocol> result = new ArrayList<>();
            data.protocols().forEach(p -> result.add(new GroupMember.Protocol(p.name(), p.metadata())));
            return result;
        }

        void fail(String memberId, Errors error) {
            response.complete(joinError(memberId, error));
        }
    }

    private void joinNewMember(ClassicGroup group, JoinRequest join, boolean requireKnownMemberId) {
        String instanceId = join.data().groupInstanceId();
        if (group.is(GroupState.DEAD)) {
            // Removed while this request waited: the client rediscovers the coordinator and retries.
            join.fail("", Errors.COORDINATOR_NOT_AVAILABLE);
        } else if (!group.supportsProtocols(join.data().protocolType(), join.protocols())) {
            join.fail("", Errors.INCONSISTENT_GROUP_PROTOCOL);
        } else {
            String newMemberId = (instanceId != null ? instanceId : join.clientId()) + "-" + UUID.randomUUID();
            if (instanceId != null) {
                String oldMemberId = group.staticMemberId(instanceId);
                if (oldMemberId == null) {
                    addMemberAndRebalance(group, newMemberId, join);
                } else {
                    replaceStaticMember(group, oldMemberId, newMemberId, join);
                }
            } else if (requireKnownMemberId) {
                // KIP-394: hand out the id first, so a client that times out and retries does not leave a ghost.
                group.addPendingMember(newMemberId);
                loop.schedule(join.data().sessionTimeoutMs(), () -> expirePendingMember(group, newMemberId));
                join.fail(newMemberId, Errors.MEMBER_ID_REQUIRED);
            } else {
                addMemberAndRebalance(group, newMemberId, join);
            }
        }
    }

    private void expirePendingMember(ClassicGroup group, String memberId) {
        if (group.removePendingMember(memberId)) {
            log.debug("Pending member {} of group {} did not rejoin in time", memberId, group.groupId());
            tryCompleteJoin(group);
        }
    }

    private void joinCurrentMember(ClassicGroup group, JoinRequest join) {
        String memberId = join.data().memberId();
        String instanceId = join.data().groupInstanceId();
        if (group.is(GroupState.DEAD)) {
            join.fail(memberId, Errors.COORDINATOR_NOT_AVAILABLE);
        } else if (!group.supportsProtocols(join.data().protocolType(), join.protocols())) {
            join.fail(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL);
        } else if (group.isPendingMember(memberId) && instanceId == null) {
            group.removePendingMember(memberId);
            addMemberAndRebalance(group, memberId, join);
        } else if (group.isStaticMemberFenced(instanceId, memberId)) {
            join.fail(memberId, Errors.FENCED_INSTANCE_ID);
        } else if (!group.has(memberId) || (instanceId != null && group.staticMemberId(instanceId) == null)) {
            join.fail(memberId, Errors.UNKNOWN_MEMBER_ID);
        } else {
            GroupMember member = group.get(memberId);
            boolean unchanged = member.matches(join.protocols());
            switch (group.state()) {
                case PREPARING_REBALANCE -> updateMemberAndRebalance(group, member, join);
                case COMPLETING_REBALANCE -> {
                    if (unchanged) {
                        // A retried JoinGroup of this generation: answer it again.
                        join.response().complete(generationResponse(group, memberId, group.isLeader(memberId)));
                    } else {
                        updateMemberAndRebalance(group, member, join);
                    }
                }
                case STABLE -> {
                    // A rejoining leader forces a rebalance: that is how it asks for a new assignment.
                    if (group.isLeader(memberId) || !unchanged) {
                        updateMemberAndRebalance(group, member, join);
                    } else {
                        join.response().complete(generationResponse(group, memberId, false));
                    }
                }
                default -> join.fail(memberId, Errors.UNKNOWN_MEMBER_ID);
            }
        }
    }

    private void addMemberAndRebalance(ClassicGroup group, String memberId, JoinRequest join) {
        JoinGroupRequestData data = join.data();
        GroupMember member = new GroupMember(memberId, data.groupInstanceId(), join.clientId(), join.clientHost(),
            data.protocolType(), data.rebalanceTimeoutMs(), data.sessionTimeoutMs(), join.protocols());
        member.setNew(true);
        if (group.is(GroupState.PREPARING_REBALANCE) && group.generationId() == 0) {
            group.setNewMemberAdded(true);
        }
        group.add(member, join.response());
        // A new member cannot heartbeat while parked in JoinGroup; bound how long a vanished one can hold it up.
        scheduleSessionTimeout(group, member, GroupConfig.NEW_MEMBER_JOIN_TIMEOUT_MS);
        maybePrepareRebalance(group, "member " + memberId + " joined");
    }

    private void updateMemberAndRebalance(ClassicGroup group, GroupMember member, JoinRequest join) {
        member.completeJoin(joinError(member.memberId(), Errors.REBALANCE_IN_PROGRESS));
        member.update(join.protocols(), join.data().rebalanceTimeoutMs(), join.data().sessionTimeoutMs());
        member.awaitJoin(join.response());
        maybePrepareRebalance(group, "member " + member.memberId() + " rejoined");
    }

    /** KIP-345: a static member restarting under a new member id takes its old place, fencing the old id. */
    private void replaceStaticMember(ClassicGroup group, String oldMemberId, String newMemberId, JoinRequest join) {
        String instanceId = join.data().groupInstanceId();
        String previousLeader = group.leaderId();
        GroupMember member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId,
            joinError(oldMemberId, Errors.FENCED_INSTANCE_ID), syncError(Errors.FENCED_INSTANCE_ID));
        scheduleSessionTimeout(group, member, member.sessionTimeoutMs());
        List<GroupMember.Protocol> oldProtocols = member.protocols();
        int oldRebalanceTimeoutMs = member.rebalanceTimeoutMs();
        int oldSessionTimeoutMs = member.sessionTimeoutMs();
        member.update(join.protocols(), join.data().rebalanceTimeoutMs(), join.data().sessionTimeoutMs());
        member.awaitJoin(join.response());
        switch (group.state()) {
            case STABLE -> {
                if (rejoinKeepsAssignmentValid(group, oldProtocols, member)) {
                    persistGroup(group, group.snapshot()).thenAccept(error -> {
                        if (group.get(newMemberId) != member) {
                            return;
                        }
                        if (error != Errors.NONE) {
                            member.completeJoin(joinError("", error));
                            member.update(oldProtocols, oldRebalanceTimeoutMs, oldSessionTimeoutMs);
                            group.replaceStaticMember(instanceId, newMemberId, oldMemberId,
                                joinError(newMemberId, error), syncError(error));
                            scheduleSessionTimeout(group, member, member.sessionTimeoutMs());
                        } else {
                            member.completeJoin(staticRejoinResponse(group, newMemberId, previousLeader,
                                join.supportsSkippingAssignment()));
                        }
                    });
                } else {
                    maybePrepareRebalance(group, "static member " + instanceId + " rejoined with other protocols");
                }
            }
            case COMPLETING_REBALANCE ->
                maybePrepareRebalance(group, "static member " + instanceId + " rejoined during sync");
            case PREPARING_REBALANCE -> {
                // The rejoin counts toward the rebalance already under way.
            }
            default -> throw new IllegalStateException("Static member in group " + group.groupId() + " in " + group.state());
        }
    }

    /**
     * Whether a static member's rejoin can keep the current assignment: the group still selects the same protocol
     * (Kafka's rule) and the member asks for the same thing under it. Consumer subscriptions are compared by topic,
     * because a restarted consumer's metadata legitimately differs in owned partitions.
     */
    private static boolean rejoinKeepsAssignmentValid(ClassicGroup group, List<GroupMember.Protocol> oldProtocols,
                                                      GroupMember member) {
        String protocol = group.protocolName();
        if (!protocol.equals(group.selectProtocol())) {
            return false;
        }
        byte[] oldMetadata = oldProtocols.stream().filter(p -> p.name().equals(protocol)).findFirst()
            .map(GroupMember.Protocol::metadata).orElseThrow();
        byte[] newMetadata = member.metadata(protocol);
        if (Arrays.equals(oldMetadata, newMetadata)) {
            return true;
        }
        Set<String> oldTopics = group.isConsumerGroup() ? ClassicGroup.consumerTopics(oldMetadata) : null;
        return oldTopics != null && oldTopics.equals(ClassicGroup.consumerTopics(newMetadata));
    }

    /**
     * The answer to a static member's rejoin into a stable group. Without KIP-814 skip-assignment the old leader
     * id is returned, so a rejoining leader does not believe it must compute an assignment nobody would receive.
     */
    private static JoinGroupResponseData staticRejoinResponse(ClassicGroup group, String memberId,
                                                              String previousLeader, boolean supportsSkippingAssignment) {
        if (supportsSkippingAssignment && group.isLeader(memberId)) {
            return generationResponse(group, memberId, true).setSkipAssignment(true);
        }
        return generationResponse(group, memberId, false).setLeader(previousLeader);
    }

    private void maybePrepareRebalance(ClassicGroup group, String reason) {
        if (group.canRebalance()) {
            prepareRebalance(group, reason);
        }
    }

    private void prepareRebalance(ClassicGroup group, String reason) {
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            resetAndPropagateAssignmentError(group, Errors.REBALANCE_IN_PROGRESS);
        }
        boolean wasEmpty = group.is(GroupState.EMPTY);
        group.transitionTo(GroupState.PREPARING_REBALANCE, loop.nowMs());
        log.info("Preparing to rebalance group {} in state {} with old generation {} (reason: {})",
            group.groupId(), group.state(), group.generationId(), reason);
        if (wasEmpty && config.initialRebalanceDelayMs() > 0) {
            // Give the other members of a starting application a chance to join the first generation.
            int delay = config.initialRebalanceDelayMs();
            scheduleInitialDelay(group, delay, Math.max(group.rebalanceTimeoutMs() - delay, 0));
        } else {
            group.replaceRebalanceTimer(loop.schedule(group.rebalanceTimeoutMs(), () -> onRebalanceTimeout(group)));
            tryCompleteJoin(group);
        }
    }

    /** Kafka's InitialDelayedJoin: wait {@code delayMs}, longer while new members keep arriving, up to the rebalance timeout. */
    private void scheduleInitialDelay(ClassicGroup group, long delayMs, long remainingMs) {
        group.setInitialDelayPending(true);
        group.replaceRebalanceTimer(loop.schedule(delayMs, () -> {
            if (group.newMemberAdded() && remainingMs != 0) {
                group.setNewMemberAdded(false);
                long delay = Math.min(config.initialRebalanceDelayMs(), remainingMs);
                scheduleInitialDelay(group, delay, Math.max(remainingMs - config.initialRebalanceDelayMs(), 0));
            } else {
                group.setInitialDelayPending(false);
                completeJoin(group);
            }
        }));
    }

    private void onRebalanceTimeout(ClassicGroup group) {
        if (groups.get(group.groupId()) == group && group.is(GroupState.PREPARING_REBALANCE)) {
            completeJoin(group);
        }
    }

    private void tryCompleteJoin(ClassicGroup group) {
        if (group.is(GroupState.PREPARING_REBALANCE) && !group.initialDelayPending() && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }

    /** Ends the join phase: drops dynamic members that did not rejoin and starts the next generation. */
    private void completeJoin(ClassicGroup group) {
        group.cancelRebalanceTimer();
        for (GroupMember member : group.notYetRejoinedMembers()) {
            if (!member.isStatic()) {
                log.info("Removing member {} from group {}: it did not rejoin in time", member.memberId(), group.groupId());
                member.cancelSessionTimer();
                group.remove(member.memberId());
            }
        }
        if (group.is(GroupState.DEAD)) {
            return;
        }
        if (!group.maybeElectNewJoinedLeader() && group.size() > 0) {
            // Only static members that did not rejoin are left; wait for their sessions to expire.
            group.replaceRebalanceTimer(loop.schedule(group.rebalanceTimeoutMs(), () -> onRebalanceTimeout(group)));
            return;
        }
        group.initNextGeneration(loop.nowMs());
        if (group.is(GroupState.EMPTY)) {
            log.info("Group {} with generation {} is now empty", group.groupId(), group.generationId());
            persistGroup(group, group.snapshot()).thenAccept(error -> {
                if (error != Errors.NONE) {
                    log.warn("Failed to persist empty group {}: {}", group.groupId(), error);
                }
            });
            return;
        }
        log.info("Stabilized group {} generation {} with {} members (protocol {})", group.groupId(),
            group.generationId(), group.size(), group.protocolName());
        for (GroupMember member : group.members()) {
            member.completeJoin(generationResponse(group, member.memberId(), group.isLeader(member.memberId())));
            scheduleSessionTimeout(group, member, member.sessionTimeoutMs());
            member.setNew(false);
            group.addPendingSyncMember(member.memberId());
        }
        schedulePendingSyncTimeout(group);
    }

    /** Members that got their JoinGroup answer but never send SyncGroup are removed after the rebalance timeout. */
    private void schedulePendingSyncTimeout(ClassicGroup group) {
        int generation = group.generationId();
        group.replaceRebalanceTimer(loop.schedule(group.rebalanceTimeoutMs(), () -> {
            if (groups.get(group.groupId()) != group || group.generationId() != generation
                || !(group.is(GroupState.COMPLETING_REBALANCE) || group.is(GroupState.STABLE))) {
                return;
            }
            for (String memberId : group.pendingSyncMembers()) {
                GroupMember member = group.get(memberId);
                if (member != null) {
                    log.info("Removing member {} from group {}: it did not sync in time", memberId, group.groupId());
                    removeMemberAndUpdateGroup(group, member);
                }
            }
        }));
    }

    // ---------------------------------------------------------------- sessions

    private void scheduleSessionTimeout(ClassicGroup group, GroupMember member, long timeoutMs) {
        member.replaceSessionTimer(loop.schedule(timeoutMs, () -> onSessionTimeout(group, member)));
    }

    private void onSessionTimeout(ClassicGroup group, GroupMember member) {
        if (groups.get(group.groupId()) != group || group.get(member.memberId()) != member) {
            return;
        }
        // Members parked in JoinGroup (after their first generation) or SyncGroup cannot heartbeat: keep them.
        if ((member.isAwaitingJoin() && !member.isNew()) || member.isAwaitingSync()) {
            scheduleSessionTimeout(group, member, member.sessionTimeoutMs());
            return;
        }
        log.info("Member {} in group {} has failed, removing it (session timeout)", member.memberId(), group.groupId());
        removeMemberAndUpdateGroup(group, member);
    }

    private void removeMemberAndUpdateGroup(ClassicGroup group, GroupMember member) {
        member.cancelSessionTimer();
        member.completeJoin(joinError(member.memberId(), Errors.UNKNOWN_MEMBER_ID));
        member.completeSync(syncError(Errors.UNKNOWN_MEMBER_ID));
        group.remove(member.memberId());
        switch (group.state()) {
            case STABLE, COMPLETING_REBALANCE -> maybePrepareRebalance(group, "member " + member.memberId() + " left");
            case PREPARING_REBALANCE -> tryCompleteJoin(group);
            default -> {
                // Empty and Dead groups have nothing to rebalance.
            }
        }
    }

    // ---------------------------------------------------------------- SyncGroup

    CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
        CompletableFuture<SyncGroupResponseData> response = new CompletableFuture<>();
        ClassicGroup group = groups.get(request.groupId());
        String memberId = request.memberId();
        Errors error = null;
        if (group == null || !group.has(memberId)) {
            error = group != null && group.is(GroupState.DEAD) ? Errors.COORDINATOR_NOT_AVAILABLE : Errors.UNKNOWN_MEMBER_ID;
        } else if (group.isStaticMemberFenced(request.groupInstanceId(), memberId)) {
            error = Errors.FENCED_INSTANCE_ID;
        } else if (request.generationId() != group.generationId()) {
            error = Errors.ILLEGAL_GENERATION;
        } else if (request.protocolType() != null && !request.protocolType().equals(group.protocolType())
            || request.protocolName() != null && !request.protocolName().equals(group.protocolName())) {
            error = Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        if (error != null) {
            response.complete(syncError(error));
            return response;
        }
        GroupMember member = group.get(memberId);
        switch (group.state()) {
            case EMPTY -> response.complete(syncError(Errors.UNKNOWN_MEMBER_ID));
            case PREPARING_REBALANCE -> response.complete(syncError(Errors.REBALANCE_IN_PROGRESS));
            case COMPLETING_REBALANCE -> {
                member.awaitSync(response);
                group.removePendingSyncMember(memberId);
                if (group.isLeader(memberId)) {
                    Map<String, byte[]> assignments = new HashMap<>();
                    request.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
                    storeAssignment(group, assignments);
                }
            }
            case STABLE -> {
                group.removePendingSyncMember(memberId);
                scheduleSessionTimeout(group, member, member.sessionTimeoutMs());
                response.complete(syncSuccess(group, member.assignment()));
            }
            case DEAD -> response.complete(syncError(Errors.COORDINATOR_NOT_AVAILABLE));
        }
        return response;
    }

    /** Persists the leader's assignment, then hands every member its part and makes the group Stable. */
    private void storeAssignment(ClassicGroup group, Map<String, byte[]> assignments) {
        int generation = group.generationId();
        persistGroup(group, group.snapshot(assignments)).thenAccept(error -> {
            if (groups.get(group.groupId()) != group || !group.is(GroupState.COMPLETING_REBALANCE)
                || group.generationId() != generation) {
                return;
            }
            if (error != Errors.NONE) {
                resetAndPropagateAssignmentError(group, error);
                maybePrepareRebalance(group, "failed to persist the assignment: " + error);
                return;
            }
            for (GroupMember member : group.members()) {
                member.setAssignment(assignments.getOrDefault(member.memberId(), NO_ASSIGNMENT));
                if (member.isAwaitingSync()) {
                    member.completeSync(syncSuccess(group, member.assignment()));
                    scheduleSessionTimeout(group, member, member.sessionTimeoutMs());
                }
            }
            group.transitionTo(GroupState.STABLE, loop.nowMs());
            log.info("Assignment received from leader {} for group {} generation {}", group.leaderId(),
                group.groupId(), generation);
        });
    }

    private static void resetAndPropagateAssignmentError(ClassicGroup group, Errors error) {
        for (GroupMember member : group.members()) {
            member.setAssignment(NO_ASSIGNMENT);
            member.completeSync(syncError(error));
        }
    }

    // ---------------------------------------------------------------- Heartbeat and LeaveGroup

    Errors heartbeat(HeartbeatRequestData request) {
        ClassicGroup group = groups.get(request.groupId());
        String memberId = request.memberId();
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        } else if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        } else if (group.isStaticMemberFenced(request.groupInstanceId(), memberId)) {
            return Errors.FENCED_INSTANCE_ID;
        } else if (!group.has(memberId)) {
            return Errors.UNKNOWN_MEMBER_ID;
        } else if (request.generationId() != group.generationId()) {
            return Errors.ILLEGAL_GENERATION;
        } else if (group.is(GroupState.EMPTY)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        GroupMember member = group.get(memberId);
        scheduleSessionTimeout(group, member, member.sessionTimeoutMs());
        return group.is(GroupState.PREPARING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
    }

    LeaveGroupResponseData leaveGroup(String groupId, List<MemberIdentity> leaving) {
        ClassicGroup group = groups.get(groupId);
        LeaveGroupResponseData response = new LeaveGroupResponseData();
        if (group != null && group.is(GroupState.DEAD)) {
            return response.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
        }
        for (MemberIdentity identity : leaving) {
            Errors error = group == null ? Errors.UNKNOWN_MEMBER_ID : leave(group, identity);
            response.members().add(new MemberResponse()
                .setMemberId(identity.memberId())
                .setGroupInstanceId(identity.groupInstanceId())
                .setErrorCode(error.code()));
        }
        return response;
    }

    private Errors leave(ClassicGroup group, MemberIdentity identity) {
        String memberId = identity.memberId();
        String instanceId = identity.groupInstanceId();
        if (memberId.isEmpty()) {
            // KIP-345 admin removal: static members named by instance id only.
            String currentMemberId = group.staticMemberId(instanceId);
            if (currentMemberId == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            removeMemberAndUpdateGroup(group, group.get(currentMemberId));
            return Errors.NONE;
        }
        if (group.removePendingMember(memberId)) {
            tryCompleteJoin(group);
            return Errors.NONE;
        }
        if (group.isStaticMemberFenced(instanceId, memberId)) {
            return Errors.FENCED_INSTANCE_ID;
        }
        if (!group.has(memberId)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        log.info("Member {} is leaving group {}", memberId, group.groupId());
        removeMemberAndUpdateGroup(group, group.get(memberId));
        return Errors.NONE;
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
        GroupMember member = group.get(memberId);
        scheduleSessionTimeout(group, member, member.sessionTimeoutMs());
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
                .setMemberMetadata(stable ? member.metadata(group.protocolName()) : NO_ASSIGNMENT)
                .setMemberAssignment(stable ? member.assignment() : NO_ASSIGNMENT));
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

    // ---------------------------------------------------------------- response shapes

    private static JoinGroupResponseData joinError(String memberId, Errors error) {
        return new JoinGroupResponseData()
            .setErrorCode(error.code())
            .setMemberId(memberId)
            .setGenerationId(-1)
            .setProtocolName(null)
            .setLeader("");
    }

    private static JoinGroupResponseData generationResponse(ClassicGroup group, String memberId, boolean withMembers) {
        return new JoinGroupResponseData()
            .setErrorCode(Errors.NONE.code())
            .setMemberId(memberId)
            .setGenerationId(group.generationId())
            .setProtocolType(group.protocolType())
            .setProtocolName(group.protocolName())
            .setLeader(group.leaderId())
            .setMembers(withMembers ? group.currentMemberMetadata() : new ArrayList<>());
    }

    private static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(NO_ASSIGNMENT);
    }

    private static SyncGroupResponseData syncSuccess(ClassicGroup group, byte[] assignment) {
        return new SyncGroupResponseData()
            .setErrorCode(Errors.NONE.code())
            .setProtocolType(group.protocolType())
            .setProtocolName(group.protocolName())
            .setAssignment(assignment);
    }
}
