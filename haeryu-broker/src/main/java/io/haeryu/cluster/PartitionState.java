package io.haeryu.cluster;

import java.util.List;

/**
 * Replica assignment and leadership of one partition; {@code leader} is -1 when the partition has none. During a
 * reassignment {@code replicas} is the union of the original and the target replicas, {@code addingReplicas} the
 * target replicas not in the original, {@code removingReplicas} the original ones not in the target (both empty
 * otherwise), as in Kafka's ZooKeeper-era controller (KIP-455).
 */
public record PartitionState(int partition, List<Integer> replicas, int leader, int leaderEpoch, List<Integer> isr,
                             List<Integer> addingReplicas, List<Integer> removingReplicas) {

    public PartitionState {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        addingReplicas = List.copyOf(addingReplicas);
        removingReplicas = List.copyOf(removingReplicas);
    }

    public PartitionState(int partition, List<Integer> replicas, int leader, int leaderEpoch, List<Integer> isr) {
        this(partition, replicas, leader, leaderEpoch, isr, List.of(), List.of());
    }

    public boolean reassigning() {
        return !addingReplicas.isEmpty() || !removingReplicas.isEmpty();
    }

    /** The replicas the partition ends with: all of them unless a reassignment is under way. */
    public List<Integer> targetReplicas() {
        return replicas.stream().filter(r -> !removingReplicas.contains(r)).toList();
    }

    /** The replicas before the ongoing reassignment (where a cancellation returns to). */
    public List<Integer> originalReplicas() {
        return replicas.stream().filter(r -> !addingReplicas.contains(r)).toList();
    }

    /** The state of a new partition: the first replica leads, every replica is in sync. */
    public static PartitionState initial(int partition, List<Integer> replicas) {
        return new PartitionState(partition, replicas, replicas.get(0), 0, replicas);
    }
}
