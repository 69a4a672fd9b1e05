package io.haeryu.cluster;

import java.util.List;

/** Replica assignment and leadership of one partition; {@code leader} is -1 when the partition has none. */
public record PartitionState(int partition, List<Integer> replicas, int leader, int leaderEpoch, List<Integer> isr) {

    public PartitionState {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }

    /** The state of a new partition: the first replica leads, every replica is in sync. */
    public static PartitionState initial(int partition, List<Integer> replicas) {
        return new PartitionState(partition, replicas, replicas.get(0), 0, replicas);
    }
}
