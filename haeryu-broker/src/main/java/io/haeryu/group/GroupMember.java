package io.haeryu.group;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/** One member of a classic group, with the requests it is parked on while the group rebalances. */
final class GroupMember {

    /** A protocol (assignor) the member supports, with its protocol-specific metadata (the subscription). */
    record Protocol(String name, byte[] metadata) {
        boolean sameAs(Protocol other) {
            return name.equals(other.name) && Arrays.equals(metadata, other.metadata);
        }
    }

    private String memberId;
    private final String groupInstanceId;
    private final String clientId;
    private final String clientHost;
    private final String protocolType;
    private int rebalanceTimeoutMs;
    private int sessionTimeoutMs;
    /** In the member's order of preference. */
    private List<Protocol> protocols;
    private byte[] assignment = new byte[0];
    private CompletableFuture<JoinGroupResponseData> awaitingJoin;
    private CompletableFuture<SyncGroupResponseData> awaitingSync;
    /** Joined but has not seen a generation yet; such members cannot heartbeat, so a shorter timer guards them. */
    private boolean isNew;
    private EventLoop.Cancellable sessionTimer;

    GroupMember(String memberId, String groupInstanceId, String clientId, String clientHost, String protocolType,
                int rebalanceTimeoutMs, int sessionTimeoutMs, List<Protocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.protocolType = protocolType;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocols = List.copyOf(protocols);
    }

    String memberId() {
        return memberId;
    }

    /** A static member that rejoins takes a new member id but keeps its place in the group. */
    void renameTo(String newMemberId) {
        memberId = newMemberId;
    }

    String groupInstanceId() {
        return groupInstanceId;
    }

    boolean isStatic() {
        return groupInstanceId != null;
    }

    String clientId() {
        return clientId;
    }

    String clientHost() {
        return clientHost;
    }

    String protocolType() {
        return protocolType;
    }

    int rebalanceTimeoutMs() {
        return rebalanceTimeoutMs;
    }

    int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    List<Protocol> protocols() {
        return protocols;
    }

    void update(List<Protocol> newProtocols, int newRebalanceTimeoutMs, int newSessionTimeoutMs) {
        protocols = List.copyOf(newProtocols);
        rebalanceTimeoutMs = newRebalanceTimeoutMs;
        sessionTimeoutMs = newSessionTimeoutMs;
    }

    /** Whether a rejoin with these protocols changes nothing, so no rebalance is needed for it. */
    boolean matches(List<Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            if (!protocols.get(i).sameAs(other.get(i))) {
                return false;
            }
        }
        return true;
    }

    boolean supports(String protocolName) {
        return protocols.stream().anyMatch(p -> p.name().equals(protocolName));
    }

    byte[] metadata(String protocolName) {
        return protocols.stream().filter(p -> p.name().equals(protocolName)).findFirst()
            .map(Protocol::metadata)
            .orElseThrow(() -> new IllegalStateException("Member " + memberId + " does not support " + protocolName));
    }

    /** The member's most preferred protocol among those every member supports. */
    String vote(Set<String> candidates) {
        return protocols.stream().map(Protocol::name).filter(candidates::contains).findFirst()
            .orElseThrow(() -> new IllegalStateException("Member " + memberId + " supports none of " + candidates));
    }

    byte[] assignment() {
        return assignment;
    }

    void setAssignment(byte[] assignment) {
        this.assignment = Objects.requireNonNull(assignment);
    }

    boolean isAwaitingJoin() {
        return awaitingJoin != null;
    }

    void awaitJoin(CompletableFuture<JoinGroupResponseData> response) {
        awaitingJoin = response;
    }

    /** Answers the parked JoinGroup, if any; returns whether there was one. */
    boolean completeJoin(JoinGroupResponseData response) {
        if (awaitingJoin == null) {
            return false;
        }
        CompletableFuture<JoinGroupResponseData> pending = awaitingJoin;
        awaitingJoin = null;
        pending.complete(response);
        return true;
    }

    boolean isAwaitingSync() {
        return awaitingSync != null;
    }

    void awaitSync(CompletableFuture<SyncGroupResponseData> response) {
        awaitingSync = response;
    }

    /** Answers the parked SyncGroup, if any. */
    void completeSync(SyncGroupResponseData response) {
        if (awaitingSync != null) {
            CompletableFuture<SyncGroupResponseData> pending = awaitingSync;
            awaitingSync = null;
            pending.complete(response);
        }
    }

    boolean isNew() {
        return isNew;
    }

    void setNew(boolean isNew) {
        this.isNew = isNew;
    }

    void replaceSessionTimer(EventLoop.Cancellable timer) {
        cancelSessionTimer();
        sessionTimer = timer;
    }

    void cancelSessionTimer() {
        if (sessionTimer != null) {
            sessionTimer.cancel();
            sessionTimer = null;
        }
    }
}
