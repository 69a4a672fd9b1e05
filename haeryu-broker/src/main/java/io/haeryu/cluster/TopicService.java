package io.haeryu.cluster;

import io.haeryu.config.BrokerConfig;
import io.haeryu.config.TopicConfigs;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates topics the way Kafka does: name validation, partition and replication defaults, replica placement over
 * the live brokers, config validation, then one atomic write to ZooKeeper. Used by CreateTopics and by
 * auto-creation alike, so both follow the same rules.
 */
public final class TopicService {

    private final ZkMetadataStore metadata;
    private final BrokerConfig config;

    public TopicService(ZkMetadataStore metadata, BrokerConfig config) {
        this.metadata = metadata;
        this.config = config;
    }

    /** Kafka's per-request partition cap for one CreateTopics request (see {@link PartitionBatchLimit}). */
    public PartitionBatchLimit newTopicsLimit() {
        return PartitionBatchLimit.forNewTopics(config.numPartitions());
    }

    /** The topic's partition count now, or empty if it does not exist. */
    public OptionalInt partitionCount(String name) {
        return metadata.image().topic(name).map(t -> OptionalInt.of(t.partitionCount())).orElse(OptionalInt.empty());
    }

    /** Checks a creation request without writing anything; returns the replica assignment it would use. */
    public List<List<Integer>> plan(String name, int numPartitions, short replicationFactor,
                                    List<List<Integer>> explicitAssignment, Map<String, String> configs) {
        TopicNames.validate(name);
        // Checked here too, not only by the ZooKeeper write, so that validateOnly answers as a real creation would.
        if (metadata.image().topicsByName().containsKey(name)) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        TopicConfigs.validate(configs);
        if (explicitAssignment != null && !explicitAssignment.isEmpty()) {
            if (numPartitions != -1 || replicationFactor != -1) {
                throw new org.apache.kafka.common.errors.InvalidRequestException(
                    "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.");
            }
            checkExplicitAssignments(explicitAssignment, 0, explicitAssignment.get(0).size());
            return explicitAssignment;
        }
        int partitions = numPartitions == -1 ? config.numPartitions() : numPartitions;
        short rf = replicationFactor == -1 ? config.defaultReplicationFactor() : replicationFactor;
        if (partitions <= 0) {
            throw new InvalidPartitionsException("Number of partitions must be larger than 0.");
        }
        if (rf <= 0) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0.");
        }
        return ReplicaAssigner.assign(metadata.image().brokers().values(), partitions, rf,
            ThreadLocalRandom.current().nextInt(1 << 16));
    }

    /** Validates and creates; throws TopicExistsException if the name is taken. Blocks on ZooKeeper. */
    public TopicInfo create(String name, int numPartitions, short replicationFactor,
                            List<List<Integer>> explicitAssignment, Map<String, String> configs) {
        List<List<Integer>> assignment = plan(name, numPartitions, replicationFactor, explicitAssignment, configs);
        return metadata.createTopic(name, assignment, configs);
    }

    /**
     * Grows a topic to {@code totalCount} partitions, placing the new ones with {@code explicitAssignments} (one
     * replica list per new partition) or, without them, Kafka's placement continued from the existing partitions.
     * With {@code validateOnly} everything is checked and nothing written. Blocks on ZooKeeper.
     */
    public void createPartitions(String name, int totalCount, List<List<Integer>> explicitAssignments,
                                 boolean validateOnly) {
        TopicInfo topic = metadata.image().topic(name)
            .orElseThrow(() -> new UnknownTopicOrPartitionException("The topic '" + name + "' does not exist."));
        int current = topic.partitionCount();
        if (totalCount <= current) {
            throw new InvalidPartitionsException("Topic currently has " + current + " partitions, which is "
                + (totalCount < current ? "higher than" : "equal to") + " the requested " + totalCount
                + ". Partitions can only be added, never removed.");
        }
        int added = totalCount - current;
        int replicationFactor = topic.partitions().get(0).replicas().size();
        List<List<Integer>> newAssignments;
        if (explicitAssignments != null) {
            if (explicitAssignments.size() != added) {
                throw new InvalidReplicaAssignmentException("Increasing the number of partitions by " + added
                    + " but " + explicitAssignments.size() + " assignments provided.");
            }
            checkExplicitAssignments(explicitAssignments, current, replicationFactor);
            newAssignments = explicitAssignments;
        } else {
            // Placing all partitions from the first one's leader and keeping the new tail continues the existing
            // round robin, so the new partitions land on the brokers that have the fewest.
            List<Integer> brokerIds = metadata.image().brokers().keySet().stream().sorted().toList();
            int firstLeader = brokerIds.indexOf(topic.partitions().get(0).replicas().get(0));
            int seed = firstLeader >= 0 ? firstLeader : ThreadLocalRandom.current().nextInt(1 << 16);
            newAssignments = ReplicaAssigner.assign(metadata.image().brokers().values(), totalCount,
                (short) replicationFactor, seed).subList(current, totalCount);
        }
        if (!validateOnly) {
            metadata.createPartitions(name, current, newAssignments);
        }
    }

    /**
     * Explicit replica lists for partitions numbered from {@code firstPartition}: each non-empty, of the
     * topic's replication factor (that of partition 0), without duplicates, on registered brokers.
     */
    private void checkExplicitAssignments(List<List<Integer>> assignments, int firstPartition, int replicationFactor) {
        for (int i = 0; i < assignments.size(); i++) {
            List<Integer> replicas = assignments.get(i);
            if (replicas.isEmpty()) {
                throw new InvalidReplicaAssignmentException("Replica assignment for partition id "
                    + (firstPartition + i) + " is empty.");
            }
            if (replicas.size() != replicationFactor) {
                throw new InvalidReplicaAssignmentException("Inconsistent replication factor between partitions, "
                    + "partition 0 has " + replicationFactor + " while partition " + (firstPartition + i) + " has "
                    + replicas.size() + ".");
            }
            Set<Integer> seen = new HashSet<>();
            for (Integer broker : replicas) {
                if (!seen.add(broker)) {
                    throw new InvalidReplicaAssignmentException("Duplicate brokers not allowed in replica assignment: "
                        + "broker " + broker + " appears more than once for partition id " + (firstPartition + i) + ".");
                }
            }
        }
        requireLiveBrokers(assignments);
    }

    /** Names the first unknown broker only, as Kafka does, so a huge list cannot make a huge message. */
    private void requireLiveBrokers(List<List<Integer>> assignment) {
        for (List<Integer> replicas : assignment) {
            for (Integer broker : replicas) {
                if (!metadata.image().brokers().containsKey(broker)) {
                    throw new InvalidReplicaAssignmentException("Unknown broker in replica assignment: " + broker + ".");
                }
            }
        }
    }
}
