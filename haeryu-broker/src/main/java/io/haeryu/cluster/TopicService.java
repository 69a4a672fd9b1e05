package io.haeryu.cluster;

import io.haeryu.config.BrokerConfig;
import io.haeryu.config.TopicConfigs;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;

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

    /** Checks a creation request without writing anything; returns the replica assignment it would use. */
    public List<List<Integer>> plan(String name, int numPartitions, short replicationFactor,
                                    List<List<Integer>> explicitAssignment, Map<String, String> configs) {
        TopicNames.validate(name);
        TopicConfigs.validate(configs);
        if (explicitAssignment != null && !explicitAssignment.isEmpty()) {
            if (numPartitions != -1 || replicationFactor != -1) {
                throw new org.apache.kafka.common.errors.InvalidRequestException(
                    "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.");
            }
            for (List<Integer> replicas : explicitAssignment) {
                for (int broker : replicas) {
                    if (!metadata.image().brokers().containsKey(broker)) {
                        throw new org.apache.kafka.common.errors.InvalidReplicaAssignmentException(
                            "Replica assignment names broker " + broker + " which is not registered");
                    }
                }
            }
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
}
