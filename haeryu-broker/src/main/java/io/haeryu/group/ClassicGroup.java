package io.haeryu.group;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * The membership state of one classic group: who is in it, which generation and protocol it runs, and which
 * state it is in. It enforces the group's own invariants; the protocol rules that drive it live in
 * {@link ClassicGroupMembership}. Only touched from its partition's event loop.
 */
final class ClassicGroup {

    static final String CONSUMER_PROTOCOL_TYPE = ConsumerProtocol.PROTOCOL_TYPE;

    private final String groupId;
    private GroupState state = GroupState.EMPTY;
    private long stateTimestampMs;
    private String protocolType;
    private String protocolName;
    private int generationId;
    private String leaderId;
    private final Map<String, GroupMember> members = new LinkedHashMap<>();
    /** Members told MEMBER_ID_REQUIRED that have not rejoined with their new id yet. */
    private final Set<String> pendingMembers = new HashSet<>();
    private final Map<String, String> staticMemberIds = new HashMap<>();
    /** Members that joined but have not sent SyncGroup for the current generation yet. */
    private final Set<String> pendingSyncMembers = new HashSet<>();
    /** Set when a member joins during the initial rebalance delay, which then waits once more. */
    private boolean newMemberAdded;
    private EventLoop.Cancellable rebalanceTimer;
    /** While the initial rebalance delay runs, joins do not complete the rebalance early. */
    private boolean initialDelayPending;
    /** Topics the consumer-protocol members subscribe to; null when unknown (not a consumer group, or unparsable). */
    private Set<String> subscribedTopics;

    ClassicGroup(String groupId, long nowMs) {
        this.groupId = groupId;
        this.stateTimestampMs = nowMs;
    }

    /** Rebuilds a group from its persisted snapshot: Stable when it had members, else Empty. */
    static ClassicGroup restore(String groupId, CoordinatorRecord.GroupSnapshot snapshot) {
        ClassicGroup group = new ClassicGroup(groupId, snapshot.stateTimestampMs());
        group.protocolType = snapshot.protocolType();
        group.protocolName = snapshot.protocolName();
        group.generationId = snapshot.generationId();
        for (CoordinatorRecord.MemberSnapshot saved : snapshot.members()) {
            GroupMember member = new GroupMember(saved.memberId(), saved.groupInstanceId(), saved.clientId(),
                saved.clientHost(), snapshot.protocolType(), saved.rebalanceTimeoutMs(), saved.sessionTimeoutMs(),
                List.of(new GroupMember.Protocol(snapshot.protocolName(), saved.metadata())));
            member.setAssignment(saved.assignment());
            group.members.put(member.memberId(), member);
            if (member.isStatic()) {
                group.staticMemberIds.put(member.groupInstanceId(), member.memberId());
            }
        }
        group.leaderId = snapshot.leaderId();
        group.state = group.members.isEmpty() ? GroupState.EMPTY : GroupState.STABLE;
        group.subscribedTopics = group.computeSubscribedTopics();
        return group;
    }

    /** The group as it stands, for persisting. */
    CoordinatorRecord.GroupSnapshot snapshot() {
        return snapshot(GroupMember::assignment);
    }

    /** The group with the given assignments, persisted before they are handed to the members. */
    CoordinatorRecord.GroupSnapshot snapshot(Map<String, byte[]> assignments) {
        return snapshot(m -> assignments.getOrDefault(m.memberId(), new byte[0]));
    }

    private CoordinatorRecord.GroupSnapshot snapshot(Function<GroupMember, byte[]> assignmentOf) {
        List<CoordinatorRecord.MemberSnapshot> saved = members.values().stream()
            .map(m -> new CoordinatorRecord.MemberSnapshot(m.memberId(), m.groupInstanceId(), m.clientId(),
                m.clientHost(), m.rebalanceTimeoutMs(), m.sessionTimeoutMs(), m.metadata(protocolName), assignmentOf.apply(m)))
            .toList();
        return new CoordinatorRecord.GroupSnapshot(protocolType, generationId, protocolName, leaderId, stateTimestampMs,
            saved);
    }

    String groupId() {
        return groupId;
    }

    GroupState state() {
        return state;
    }

    boolean is(GroupState candidate) {
        return state == candidate;
    }

    long stateTimestampMs() {
        return stateTimestampMs;
    }

    void transitionTo(GroupState target, long nowMs) {
        if (!target.validPrevious().contains(state)) {
            throw new IllegalStateException("Group " + groupId + " cannot go from " + state + " to " + target);
        }
        state = target;
        stateTimestampMs = nowMs;
    }

    boolean canRebalance() {
        return GroupState.PREPARING_REBALANCE.validPrevious().contains(state);
    }

    String protocolType() {
        return protocolType;
    }

    String protocolName() {
        return protocolName;
    }

    int generationId() {
        return generationId;
    }

    String leaderId() {
        return leaderId;
    }

    boolean isLeader(String memberId) {
        return memberId.equals(leaderId);
    }

    boolean isConsumerGroup() {
        return CONSUMER_PROTOCOL_TYPE.equals(protocolType);
    }

    boolean has(String memberId) {
        return members.containsKey(memberId);
    }

    GroupMember get(String memberId) {
        return members.get(memberId);
    }

    Collection<GroupMember> members() {
        return members.values();
    }

    int size() {
        return members.size();
    }

    void add(GroupMember member, CompletableFuture<JoinGroupResponseData> awaitingJoin) {
        if (members.isEmpty()) {
            protocolType = member.protocolType();
        }
        members.put(member.memberId(), member);
        if (member.isStatic()) {
            staticMemberIds.put(member.groupInstanceId(), member.memberId());
        }
        if (leaderId == null) {
            leaderId = member.memberId();
        }
        member.awaitJoin(awaitingJoin);
    }

    void remove(String memberId) {
        GroupMember member = members.remove(memberId);
        if (member == null) {
            return;
        }
        if (member.isStatic()) {
            staticMemberIds.remove(member.groupInstanceId(), memberId);
        }
        pendingSyncMembers.remove(memberId);
        if (isLeader(memberId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
    }

    String staticMemberId(String groupInstanceId) {
        return groupInstanceId == null ? null : staticMemberIds.get(groupInstanceId);
    }

    /** True when {@code groupInstanceId} belongs to a different, newer member id: the caller is a zombie. */
    boolean isStaticMemberFenced(String groupInstanceId, String memberId) {
        String current = staticMemberId(groupInstanceId);
        return current != null && !current.equals(memberId);
    }

    /** Moves a static member to its new member id; the old id's parked requests are fenced. */
    GroupMember replaceStaticMember(String groupInstanceId, String oldMemberId, String newMemberId,
                                    JoinGroupResponseData fencedJoin, SyncGroupResponseData fencedSync) {
        GroupMember member = members.remove(oldMemberId);
        member.completeJoin(fencedJoin);
        member.completeSync(fencedSync);
        member.renameTo(newMemberId);
        members.put(newMemberId, member);
        staticMemberIds.put(groupInstanceId, newMemberId);
        if (pendingSyncMembers.remove(oldMemberId)) {
            pendingSyncMembers.add(newMemberId);
        }
        if (isLeader(oldMemberId)) {
            leaderId = newMemberId;
        }
        return member;
    }

    void addPendingMember(String memberId) {
        pendingMembers.add(memberId);
    }

    boolean removePendingMember(String memberId) {
        return pendingMembers.remove(memberId);
    }

    boolean isPendingMember(String memberId) {
        return pendingMembers.contains(memberId);
    }

    void addPendingSyncMember(String memberId) {
        pendingSyncMembers.add(memberId);
    }

    void removePendingSyncMember(String memberId) {
        pendingSyncMembers.remove(memberId);
    }

    Set<String> pendingSyncMembers() {
        return Set.copyOf(pendingSyncMembers);
    }

    boolean newMemberAdded() {
        return newMemberAdded;
    }

    void setNewMemberAdded(boolean newMemberAdded) {
        this.newMemberAdded = newMemberAdded;
    }

    boolean initialDelayPending() {
        return initialDelayPending;
    }

    void setInitialDelayPending(boolean initialDelayPending) {
        this.initialDelayPending = initialDelayPending;
    }

    void replaceRebalanceTimer(EventLoop.Cancellable timer) {
        cancelRebalanceTimer();
        rebalanceTimer = timer;
    }

    void cancelRebalanceTimer() {
        if (rebalanceTimer != null) {
            rebalanceTimer.cancel();
            rebalanceTimer = null;
        }
    }

    /** Whether a joining member's protocols fit the group: same protocol type and one protocol all members share. */
    boolean supportsProtocols(String memberProtocolType, List<GroupMember.Protocol> memberProtocols) {
        if (members.isEmpty()) {
            return memberProtocolType != null && !memberProtocolType.isEmpty() && !memberProtocols.isEmpty();
        }
        return memberProtocolType.equals(protocolType) && memberProtocols.stream()
            .anyMatch(p -> members.values().stream().allMatch(m -> m.supports(p.name())));
    }

    /** Kafka's rule: among protocols every member supports, the one most members prefer. */
    String selectProtocol() {
        Set<String> candidates = members.values().iterator().next().protocols().stream()
            .map(GroupMember.Protocol::name)
            .filter(name -> members.values().stream().allMatch(m -> m.supports(name)))
            .collect(Collectors.toCollection(LinkedHashSet::new));
        Map<String, Integer> votes = new LinkedHashMap<>();
        members.values().forEach(m -> votes.merge(m.vote(candidates), 1, Integer::sum));
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    int rebalanceTimeoutMs() {
        return members.values().stream().mapToInt(GroupMember::rebalanceTimeoutMs).max().orElse(0);
    }

    boolean hasAllMembersJoined() {
        return pendingMembers.isEmpty() && members.values().stream().allMatch(GroupMember::isAwaitingJoin);
    }

    List<GroupMember> notYetRejoinedMembers() {
        return members.values().stream().filter(m -> !m.isAwaitingJoin()).toList();
    }

    /** Keeps the leader if it rejoined, else picks any member that did; false when no member rejoined. */
    boolean maybeElectNewJoinedLeader() {
        if (leaderId == null) {
            return false;
        }
        if (members.get(leaderId).isAwaitingJoin()) {
            return true;
        }
        for (GroupMember member : members.values()) {
            if (member.isAwaitingJoin()) {
                leaderId = member.memberId();
                return true;
            }
        }
        return false;
    }

    /** Starts the next generation: CompletingRebalance with a selected protocol, or Empty when nobody is left. */
    void initNextGeneration(long nowMs) {
        generationId++;
        if (members.isEmpty()) {
            protocolName = null;
            transitionTo(GroupState.EMPTY, nowMs);
        } else {
            protocolName = selectProtocol();
            transitionTo(GroupState.COMPLETING_REBALANCE, nowMs);
        }
        subscribedTopics = computeSubscribedTopics();
        pendingSyncMembers.clear();
    }

    /** The member list the leader receives in its JoinGroup response, to compute the assignment from. */
    List<JoinGroupResponseMember> currentMemberMetadata() {
        List<JoinGroupResponseMember> result = new ArrayList<>(members.size());
        for (GroupMember member : members.values()) {
            result.add(new JoinGroupResponseMember()
                .setMemberId(member.memberId())
                .setGroupInstanceId(member.groupInstanceId())
                .setMetadata(member.metadata(protocolName)));
        }
        return result;
    }

    /** Whether a member consumes {@code topic}; when subscriptions are unknown, assume it does (the safe answer). */
    boolean isSubscribedTo(String topic) {
        return subscribedTopics == null || subscribedTopics.contains(topic);
    }

    private Set<String> computeSubscribedTopics() {
        if (!isConsumerGroup()) {
            return null;
        }
        Set<String> topics = new HashSet<>();
        for (GroupMember member : members.values()) {
            Set<String> memberTopics = consumerTopics(member.metadata(protocolName));
            if (memberTopics == null) {
                return null;
            }
            topics.addAll(memberTopics);
        }
        return topics;
    }

    /** The topics a consumer-protocol subscription names, or null when the bytes are not one. */
    static Set<String> consumerTopics(byte[] subscription) {
        try {
            return Set.copyOf(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(subscription)).topics());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
