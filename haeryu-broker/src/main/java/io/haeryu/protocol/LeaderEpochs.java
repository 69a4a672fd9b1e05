package io.haeryu.protocol;

import io.haeryu.replication.Partition;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;

/** The client's view of a partition's leader epoch against ours: older is fenced, newer is not known yet. */
final class LeaderEpochs {

    private LeaderEpochs() {
    }

    static void check(int clientEpoch, Partition partition) {
        if (clientEpoch < 0) {
            return; // the client did not say
        }
        int ours = partition.leaderEpoch();
        if (clientEpoch < ours) {
            throw new FencedLeaderEpochException("Leader epoch " + clientEpoch + " of " + partition.topicPartition()
                + " is older than the current " + ours);
        }
        if (clientEpoch > ours) {
            throw new UnknownLeaderEpochException("Leader epoch " + clientEpoch + " of " + partition.topicPartition()
                + " is newer than the current " + ours);
        }
    }
}
