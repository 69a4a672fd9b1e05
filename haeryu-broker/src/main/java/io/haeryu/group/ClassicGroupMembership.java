package io.haeryu.group;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic rebalance protocol of one coordinator partition: JoinGroup, SyncGroup, Heartbeat and LeaveGroup,
 * with the rebalance, session and initial-delay timers that drive groups between states, following Kafka's
 * GroupCoordinator. Shares its partition's group map with {@link GroupCoordinatorShard} and, like it, runs only
 * on the partition's event loop.
 */
final class ClassicGroupMembership {

    /** Durably stores a group snapshot; completes on the loop with NONE or the error to report. */
    @FunctionalInterface
    interface GroupPersister {
        CompletableFuture<Errors> persist(ClassicGroup group, CoordinatorRecord.GroupSnapshot snapshot);
    }

    private static final Logger log = LoggerFactory.getLogger(ClassicGroupMembership.class);
    private static final byte[] NO_ASSIGNMENT = new byte[0];

    private final GroupConfig config;
    private final EventLoop loop;
    private final Map<String, ClassicGroup> groups;
    private final GroupPersister persister;

    ClassicGroupMembership(GroupConfig config, EventLoop loop, Map<String, ClassicGroup> groups, GroupPersister persister) {
        this.config = config;
        this.loop = loop;
        this.groups = groups;
        this.persister = persister;
    }

    /** Restarts a member's session timer: it heartbeated, committed, or was just loaded. */
    void keepAlive(ClassicGroup group, GroupMember member) {
        scheduleSessionTimeout(group, member, member.sessionTimeoutMs());
    }

    /** On resignation: stops every timer and tells parked requests this broker no longer coordinates. */
    void abandonAll() {
        for (ClassicGroup group : groups.values()) {
            group.cancelRebalanceTimer();
            for (GroupMember member : group.members()) {
                member.cancelSessionTimer();
                member.completeJoin(joinError(member.memberId(), Errors.NOT_COORDINATOR));
                member.completeSync(syncError(Errors.NOT_COORDINATOR));
            }
        }
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

    /** A JoinGroup being handled: the request, who sent it, and where its answer goes. */
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
        keepAlive(group, member);
        List<GroupMember.Protocol> oldProtocols = member.protocols();
        int oldRebalanceTimeoutMs = member.rebalanceTimeoutMs();
        int oldSessionTimeoutMs = member.sessionTimeoutMs();
        member.update(join.protocols(), join.data().rebalanceTimeoutMs(), join.data().sessionTimeoutMs());
        member.awaitJoin(join.response());
        switch (group.state()) {
            case STABLE -> {
                if (rejoinKeepsAssignmentValid(group, oldProtocols, member)) {
                    persister.persist(group, group.snapshot()).thenAccept(error -> {
                        if (group.get(newMemberId) != member) {
                            return;
                        }
                        if (error != Errors.NONE) {
                            member.completeJoin(joinError("", error));
                            member.update(oldProtocols, oldRebalanceTimeoutMs, oldSessionTimeoutMs);
                            group.replaceStaticMember(instanceId, newMemberId, oldMemberId,
                                joinError(newMemberId, error), syncError(error));
                            keepAlive(group, member);
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
            persister.persist(group, group.snapshot()).thenAccept(error -> {
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
            keepAlive(group, member);
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
            keepAlive(group, member);
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
                keepAlive(group, member);
                response.complete(syncSuccess(group, member.assignment()));
            }
            case DEAD -> response.complete(syncError(Errors.COORDINATOR_NOT_AVAILABLE));
        }
        return response;
    }

    /** Persists the leader's assignment, then hands every member its part and makes the group Stable. */
    private void storeAssignment(ClassicGroup group, Map<String, byte[]> assignments) {
        int generation = group.generationId();
        persister.persist(group, group.snapshot(assignments)).thenAccept(error -> {
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
                    keepAlive(group, member);
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
        keepAlive(group, member);
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

    // ---------------------------------------------------------------- response shapes


    static JoinGroupResponseData joinError(String memberId, Errors error) {
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

    static SyncGroupResponseData syncError(Errors error) {
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
