package io.haeryu.protocol;

import io.haeryu.replication.Partition;

/** The client's view of a partition's leader epoch against ours: older is fenced, newer is not known yet. */
final class LeaderEpochs {

    private LeaderEpochs() {
    }

    static void check(int clientEpoch, Partition partition) {
        partition.checkLeaderEpoch(clientEpoch);
    }
}
