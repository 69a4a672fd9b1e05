package io.haeryu.replication;

import io.haeryu.log.LogAppendInfo;
import io.haeryu.log.LogReadInfo;
import io.haeryu.log.PartitionLog;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * A partition this broker leads: its log plus the leadership facts (epoch, ISR) from cluster metadata. The high
 * watermark is what consumers may read; with the leader alone in the ISR it follows the log end offset.
 */
public final class Partition {

    private final TopicPartition topicPartition;
    private final PartitionLog log;
    private volatile int leaderEpoch;
    private volatile List<Integer> isr;

    Partition(TopicPartition topicPartition, PartitionLog log, int leaderEpoch, List<Integer> isr) {
        this.topicPartition = topicPartition;
        this.log = log;
        this.leaderEpoch = leaderEpoch;
        this.isr = isr;
        if (isr.size() <= 1) {
            // Alone in the ISR, everything recovered from the log is committed.
            log.updateHighWatermark(log.logEndOffset());
        }
    }

    void updateLeadership(int leaderEpoch, List<Integer> isr) {
        this.leaderEpoch = leaderEpoch;
        this.isr = isr;
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

    /**
     * Appends as leader. {@code requiredAcks == -1} needs at least {@code minInsyncReplicas} in the ISR, checked
     * before writing, so a refused write leaves no trace.
     */
    public LogAppendInfo appendAsLeader(MemoryRecords records, short requiredAcks, int minInsyncReplicas) {
        List<Integer> currentIsr = isr;
        if (requiredAcks == -1 && currentIsr.size() < minInsyncReplicas) {
            throw new NotEnoughReplicasException("The size of the current ISR " + currentIsr + " is insufficient to"
                + " satisfy the min.isr requirement of " + minInsyncReplicas + " for partition " + topicPartition);
        }
        LogAppendInfo info = log.appendAsLeader(records, leaderEpoch);
        if (currentIsr.size() <= 1) {
            log.updateHighWatermark(log.logEndOffset());
        }
        return info;
    }

    /** Reads committed data (below the high watermark) for a consumer. */
    public LogReadInfo read(long fetchOffset, int maxBytes, boolean minOneMessage) {
        return log.read(fetchOffset, maxBytes, log.highWatermark(), minOneMessage);
    }
}
