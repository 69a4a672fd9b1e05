package io.haeryu.replication;

import io.haeryu.cluster.PartitionState;
import io.haeryu.log.LogAppendInfo;
import io.haeryu.log.LogReadInfo;
import io.haeryu.log.PartitionLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * One partition hosted on this broker, as leader or follower, in Kafka's replication model.
 *
 * <p>As leader it tracks each follower's log end offset from the offsets the follower fetches at, moves the high
 * watermark to the smallest log end offset in the maximal ISR, and asks for ISR changes: a follower that has not
 * caught up for {@code replica.lag.time.max.ms} leaves, one that reaches the high watermark (and the start of this
 * leader's epoch) comes back. One ISR change is in flight at a time. As in Kafka (KIP-497's {@code maximalIsr}),
 * the high watermark counts the committed ISR together with a pending change's ISR: a replica being added counts at
 * once (it may become leader as soon as ZooKeeper has it, so it must hold everything committed), and one being
 * removed counts until ZooKeeper has dropped it. A new leader epoch (or a rejected or failed write) ends the
 * pending change, so the next one can be asked for.
 *
 * <p>As follower it appends what the {@link ReplicaFetcher} copies from the leader, takes the leader's high
 * watermark (bounded by its own log end) and the leader's log start offset (so DeleteRecords and retention survive a
 * failover). Role and epoch come from cluster metadata ({@link #applyState}); an
 * older epoch is ignored, and within its epoch the leader owns the ISR.
 *
 * <p>State changes, appends and follower bookkeeping are serialized on the partition's monitor; events (high
 * watermark moved, ISR change wanted) are raised after it is released.
 */
public final class Partition {

    /** What the partition tells its owner. */
    interface Events {
        /** The leader's high watermark moved: waiting acks=all produces and consumer fetches may complete. */
        void highWatermarkAdvanced(Partition partition);

        /** The leader wants {@code newIsr} written to ZooKeeper; it must answer with {@link #onIsrChangeCompleted}. */
        void isrChangeWanted(Partition partition, int leaderEpoch, List<Integer> newIsr);

        /** A follower's log start offset moved: a waiting DeleteRecords may complete. */
        default void lowWatermarkAdvanced(Partition partition) {
        }
    }

    /** How a metadata update changed this replica's role. */
    record Transition(boolean changed, boolean wasLeader, boolean isLeader) {
        static final Transition NONE = new Transition(false, false, false);
    }

    /** The leader's view of one follower (Kafka's replica state). */
    private static final class FollowerState {
        long logEndOffset = -1;
        long logStartOffset = -1;
        long lastCaughtUpTimeMs;
        long lastFetchLeaderLogEndOffset = -1;
        long lastFetchTimeMs;

        FollowerState(long nowMs) {
            lastCaughtUpTimeMs = nowMs;
        }
    }

    private final TopicPartition topicPartition;
    private final PartitionLog log;
    private final int localBrokerId;
    private final Events events;
    private volatile int leaderId = -1;
    private volatile int leaderEpoch = -1;
    private volatile List<Integer> isr = List.of();
    /** Leader only: followers by broker id. */
    private final Map<Integer, FollowerState> followers = new HashMap<>();
    /** Leader only: the log end offset when this broker became leader; a follower must reach it to rejoin the ISR. */
    private long leaderEpochStartOffset;
    /** Leader only: the ISR asked for and not yet answered, or null (Kafka's pending ISR state). */
    private List<Integer> pendingIsr;

    Partition(TopicPartition topicPartition, PartitionLog log, int localBrokerId, Events events) {
        this.topicPartition = topicPartition;
        this.log = log;
        this.localBrokerId = localBrokerId;
        this.events = events;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public PartitionLog log() {
        return log;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    public int leaderId() {
        return leaderId;
    }

    /** A client's view of the leader epoch against ours (-1: not said): older is fenced, newer is not known yet. */
    public void checkLeaderEpoch(int clientEpoch) {
        if (clientEpoch < 0) {
            return;
        }
        int ours = leaderEpoch;
        if (clientEpoch < ours) {
            throw new FencedLeaderEpochException("Leader epoch " + clientEpoch + " of " + topicPartition
                + " is older than the current " + ours);
        }
        if (clientEpoch > ours) {
            throw new UnknownLeaderEpochException("Leader epoch " + clientEpoch + " of " + topicPartition
                + " is newer than the current " + ours);
        }
    }

    public boolean isLeader() {
        return leaderId == localBrokerId;
    }

    public List<Integer> isr() {
        return isr;
    }

    /**
     * The committed ISR plus the replicas of a pending ISR change (Kafka's {@code maximalIsr}); what the high
     * watermark and {@code acks=all} answers count.
     */
    public synchronized List<Integer> maximalIsr() {
        if (pendingIsr == null) {
            return isr;
        }
        List<Integer> maximal = new ArrayList<>(isr);
        for (int replica : pendingIsr) {
            if (!maximal.contains(replica)) {
                maximal.add(replica);
            }
        }
        return maximal;
    }

    public long highWatermark() {
        return log.highWatermark();
    }

    /** Applies leadership from cluster metadata; states older than the one applied are ignored. */
    Transition applyState(PartitionState state, long nowMs) {
        boolean advanced;
        Transition transition;
        synchronized (this) {
            if (state.leaderEpoch() < leaderEpoch) {
                return Transition.NONE;
            }
            boolean wasLeader = isLeader();
            if (state.leaderEpoch() == leaderEpoch && state.leader() == leaderId) {
                if (!wasLeader) {
                    isr = state.isr();
                }
                return Transition.NONE;
            }
            leaderId = state.leader();
            leaderEpoch = state.leaderEpoch();
            isr = state.isr();
            if (isLeader()) {
                log.assignEpochStartOffset(leaderEpoch);
                followers.keySet().retainAll(state.replicas());
                for (int replica : state.replicas()) {
                    if (replica != localBrokerId) {
                        // A fresh leader gives every follower a full lag period before judging it.
                        followers.computeIfAbsent(replica, r -> new FollowerState(nowMs));
                    }
                }
                if (!wasLeader) {
                    leaderEpochStartOffset = log.logEndOffset();
                }
            } else {
                followers.clear();
            }
            // A change asked for in an older epoch is refused by ZooKeeper (or was already applied): not pending.
            pendingIsr = null;
            transition = new Transition(true, wasLeader, isLeader());
            advanced = isLeader() && maybeAdvanceHighWatermark();
        }
        if (advanced) {
            events.highWatermarkAdvanced(this);
        }
        return transition;
    }

    /**
     * Appends as leader. {@code requiredAcks == -1} needs at least {@code minInsyncReplicas} in the ISR, checked
     * before writing, so a refused write leaves no trace.
     */
    public LogAppendInfo appendAsLeader(MemoryRecords records, short requiredAcks, int minInsyncReplicas) {
        LogAppendInfo info;
        boolean advanced;
        synchronized (this) {
            ensureLeader();
            if (requiredAcks == -1 && isr.size() < minInsyncReplicas) {
                throw new NotEnoughReplicasException("The size of the current ISR " + isr + " is insufficient to"
                    + " satisfy the min.isr requirement of " + minInsyncReplicas + " for partition " + topicPartition);
            }
            info = log.appendAsLeader(records, leaderEpoch);
            advanced = maybeAdvanceHighWatermark();
        }
        if (advanced) {
            events.highWatermarkAdvanced(this);
        }
        return info;
    }

    /** Reads committed data (below the high watermark) for a consumer. */
    public LogReadInfo read(long fetchOffset, int maxBytes, boolean minOneMessage) {
        return log.read(fetchOffset, maxBytes, log.highWatermark(), minOneMessage);
    }

    /** Reads everything up to the log end for a follower. */
    public LogReadInfo readForFollower(long fetchOffset, int maxBytes, boolean minOneMessage) {
        return log.read(fetchOffset, maxBytes, Long.MAX_VALUE, minOneMessage);
    }

    /**
     * Leader: a follower fetched at {@code fetchOffset}, so it has everything below it, and its log starts at
     * {@code followerLogStartOffset}. Updates its caught-up time as Kafka does (caught up if it reached the log end
     * as of this fetch, or as of its previous fetch), asks for its return to the ISR if due, and moves the high
     * watermark.
     */
    public void updateFollowerFetchState(int replicaId, long fetchOffset, long followerLogStartOffset, long nowMs) {
        boolean advanced;
        boolean lowWatermarkMoved;
        synchronized (this) {
            ensureLeader();
            FollowerState follower = followerOrThrow(replicaId, false);
            lowWatermarkMoved = followerLogStartOffset > follower.logStartOffset;
            follower.logStartOffset = followerLogStartOffset;
            long leaderEnd = log.logEndOffset();
            if (fetchOffset >= leaderEnd) {
                follower.lastCaughtUpTimeMs = Math.max(follower.lastCaughtUpTimeMs, nowMs);
            } else if (fetchOffset >= follower.lastFetchLeaderLogEndOffset) {
                follower.lastCaughtUpTimeMs = Math.max(follower.lastCaughtUpTimeMs, follower.lastFetchTimeMs);
            }
            follower.logEndOffset = Math.min(fetchOffset, leaderEnd);
            follower.lastFetchLeaderLogEndOffset = leaderEnd;
            follower.lastFetchTimeMs = nowMs;
            if (!isr.contains(replicaId) && pendingIsr == null && follower.logEndOffset >= log.highWatermark()
                && follower.logEndOffset >= leaderEpochStartOffset) {
                List<Integer> expanded = new ArrayList<>(isr);
                expanded.add(replicaId);
                requestIsrChange(expanded);
            }
            advanced = maybeAdvanceHighWatermark();
        }
        if (advanced) {
            events.highWatermarkAdvanced(this);
        }
        if (lowWatermarkMoved) {
            events.lowWatermarkAdvanced(this);
        }
    }

    /**
     * Leader: the smallest log start offset of this replica and the followers in the (maximal) ISR, the replicas
     * that can lead next: once it reaches a DeleteRecords offset, the deletion survives any clean failover (Kafka's
     * low watermark, which counts the live replicas). A follower not heard from since this broker leads counts -1.
     */
    public synchronized long lowWatermark() {
        ensureLeader();
        long low = log.logStartOffset();
        for (int replica : maximalIsr()) {
            FollowerState follower = followers.get(replica);
            if (replica != localBrokerId) {
                low = Math.min(low, follower == null ? -1 : follower.logStartOffset);
            }
        }
        return low;
    }

    /**
     * Leader: refuses a replica fetch from a broker that is not a follower of this partition, with Kafka's errors:
     * UNKNOWN_LEADER_EPOCH if the fetch named a leader epoch (the pair is not known yet, the fetcher retries), else
     * NOT_LEADER_OR_FOLLOWER. Nothing of the partition's state changes for such a fetch.
     */
    public synchronized void ensureFollower(int replicaId, boolean leaderEpochInRequest) {
        ensureLeader();
        followerOrThrow(replicaId, leaderEpochInRequest);
    }

    private FollowerState followerOrThrow(int replicaId, boolean leaderEpochInRequest) {
        FollowerState follower = followers.get(replicaId);
        if (follower == null) {
            String message = "Broker " + replicaId + " is not a follower of " + topicPartition + " in leader epoch "
                + leaderEpoch;
            throw leaderEpochInRequest ? new UnknownLeaderEpochException(message)
                : new NotLeaderOrFollowerException(message);
        }
        return follower;
    }

    /** Leader: asks to drop followers that have not caught up within {@code lagTimeMs}. */
    synchronized void maybeShrinkIsr(long nowMs, long lagTimeMs) {
        if (!isLeader() || pendingIsr != null) {
            return;
        }
        List<Integer> kept = new ArrayList<>();
        for (int replica : isr) {
            FollowerState follower = followers.get(replica);
            if (replica == localBrokerId || (follower != null && nowMs - follower.lastCaughtUpTimeMs <= lagTimeMs)) {
                kept.add(replica);
            }
        }
        if (kept.size() < isr.size()) {
            requestIsrChange(kept);
        }
    }

    private void requestIsrChange(List<Integer> newIsr) {
        pendingIsr = List.copyOf(newIsr);
        events.isrChangeWanted(this, leaderEpoch, pendingIsr);
    }

    /**
     * The outcome of an ISR write asked for in {@code epoch}; applied only if this broker still leads in it. Written
     * or not, the change is no longer pending, and the high watermark is taken again from the (new) maximal ISR.
     */
    void onIsrChangeCompleted(int epoch, List<Integer> newIsr, boolean written) {
        boolean advanced;
        synchronized (this) {
            if (epoch != leaderEpoch || !isLeader() || !newIsr.equals(pendingIsr)) {
                return; // an older epoch's answer: the epoch change already ended it
            }
            pendingIsr = null;
            if (written) {
                isr = newIsr;
            }
            advanced = maybeAdvanceHighWatermark();
        }
        if (advanced) {
            events.highWatermarkAdvanced(this);
        }
    }

    /** The smallest log end offset in the maximal ISR, if larger than the high watermark; lock held. */
    private boolean maybeAdvanceHighWatermark() {
        long candidate = log.logEndOffset();
        for (int replica : maximalIsr()) {
            if (replica == localBrokerId) {
                continue;
            }
            FollowerState follower = followers.get(replica);
            if (follower == null || follower.logEndOffset < 0) {
                return false; // not heard from since this broker became leader
            }
            candidate = Math.min(candidate, follower.logEndOffset);
        }
        return log.maybeIncrementHighWatermark(candidate);
    }

    /**
     * Follower: appends what a fetch in {@code fetchEpoch} returned, takes the leader's high watermark and moves the
     * log start offset up to the leader's (bounded by the high watermark, as Kafka's follower does), deleting the
     * segments below it. Returns false (and writes nothing) if the partition changed role or epoch while the fetch
     * was out.
     */
    synchronized boolean appendAsFollower(int fetchEpoch, MemoryRecords records, long leaderHighWatermark,
                                          long leaderLogStartOffset) {
        if (isLeader() || fetchEpoch != leaderEpoch) {
            return false;
        }
        if (records.sizeInBytes() > 0) {
            RecordBatch first = records.batches().iterator().next();
            long end = log.logEndOffset();
            if (end == log.logStartOffset() && first.baseOffset() < end && first.lastOffset() >= end) {
                // The leader's log start lies inside its first batch (DeleteRecords is not batch aligned) and our
                // log is empty: as Kafka's follower, start the log at the batch; the log start follows below.
                log.truncateFullyAndStartAt(first.baseOffset());
            }
            log.appendAsFollower(records);
        }
        log.updateHighWatermark(leaderHighWatermark);
        long newLogStart = Math.min(leaderLogStartOffset, log.highWatermark());
        if (newLogStart > log.logStartOffset()) {
            log.deleteRecordsBefore(newLogStart);
        }
        return true;
    }

    /**
     * Follower: the log ends below the leader's log start, so nothing of it can be continued: empty it and start at
     * {@code leaderLogStartOffset} (Kafka's {@code truncateFullyAndStartAt}); ignored if that epoch is over.
     */
    synchronized void truncateFullyAsFollower(int fetchEpoch, long leaderLogStartOffset) {
        if (!isLeader() && fetchEpoch == leaderEpoch) {
            log.truncateFullyAndStartAt(leaderLogStartOffset);
        }
    }

    /** Follower: cuts the divergent tail found by a fetch in {@code fetchEpoch}; ignored if that epoch is over. */
    synchronized void truncateAsFollower(int fetchEpoch, long offset) {
        if (!isLeader() && fetchEpoch == leaderEpoch) {
            log.truncateTo(offset);
        }
    }

    private void ensureLeader() {
        if (!isLeader()) {
            throw new NotLeaderOrFollowerException("Broker " + localBrokerId + " is not the leader of " + topicPartition
                + " (leader: " + leaderId + ", epoch " + leaderEpoch + ")");
        }
    }

    @Override
    public String toString() {
        return "Partition(" + topicPartition + ", leader=" + leaderId + ", epoch=" + leaderEpoch + ", isr=" + isr + ")";
    }
}
