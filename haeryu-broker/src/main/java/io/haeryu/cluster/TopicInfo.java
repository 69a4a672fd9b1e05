package io.haeryu.cluster;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/** A topic as known to the cluster; {@code partitions.get(i).partition() == i}. */
public record TopicInfo(String name, Uuid topicId, List<PartitionState> partitions, Map<String, String> configs) {

    public TopicInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(topicId, "topicId");
        partitions = List.copyOf(partitions);
        configs = Map.copyOf(configs);
        for (int i = 0; i < partitions.size(); i++) {
            if (partitions.get(i).partition() != i) {
                throw new IllegalArgumentException("topic " + name + ": partition at index " + i
                        + " is numbered " + partitions.get(i).partition());
            }
        }
    }

    public int partitionCount() {
        return partitions.size();
    }

    public Optional<PartitionState> partition(int partition) {
        return partition >= 0 && partition < partitions.size() ? Optional.of(partitions.get(partition)) : Optional.empty();
    }
}
