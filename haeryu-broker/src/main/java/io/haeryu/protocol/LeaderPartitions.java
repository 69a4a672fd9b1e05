package io.haeryu.protocol;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.TopicInfo;
import io.haeryu.replication.Partition;
import io.haeryu.replication.ReplicaManager;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Finds the partition a partition-level request is about, failing with the error Kafka clients expect
 * (UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER), so every handler answers the same way.
 */
final class LeaderPartitions {

    private LeaderPartitions() {
    }

    static Partition find(MetadataImage image, ReplicaManager replicas, String topicName, int partition) {
        TopicInfo topic = image.topicsByName().get(topicName);
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("Topic " + topicName + " does not exist");
        }
        return replicas.leaderPartition(topic, partition);
    }
}
