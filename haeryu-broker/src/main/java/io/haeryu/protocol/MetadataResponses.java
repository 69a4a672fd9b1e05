package io.haeryu.protocol;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.PartitionState;
import io.haeryu.cluster.TopicInfo;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;

/** Builds the per-topic parts of Metadata answers from a metadata image. */
final class MetadataResponses {

    private MetadataResponses() {
    }

    /** Metadata v6 and later name a leader that lacks the client's listener with LISTENER_NOT_FOUND. */
    private static final short FIRST_LISTENER_NOT_FOUND_VERSION = 6;

    /**
     * As Kafka answers: a leader that is not live, or lacks listener {@code listenerName}, is given as -1 with
     * LEADER_NOT_AVAILABLE, or LISTENER_NOT_FOUND for a live leader from Metadata v6 on.
     */
    static MetadataResponseTopic topic(TopicInfo topic, MetadataImage image, String listenerName, short version) {
        MetadataResponseTopic out = new MetadataResponseTopic()
            .setName(topic.name())
            .setTopicId(topic.topicId())
            .setIsInternal(Topic.isInternal(topic.name()));
        Set<Integer> live = image.brokers().keySet();
        for (PartitionState p : topic.partitions()) {
            boolean leaderLive = live.contains(p.leader());
            boolean leaderReachable = reachableLeader(image, p, listenerName);
            Errors error = leaderReachable ? Errors.NONE
                : leaderLive && version >= FIRST_LISTENER_NOT_FOUND_VERSION ? Errors.LISTENER_NOT_FOUND
                : Errors.LEADER_NOT_AVAILABLE;
            List<Integer> offline = p.replicas().stream().filter(r -> !live.contains(r)).toList();
            out.partitions().add(new MetadataResponsePartition()
                .setPartitionIndex(p.partition())
                .setErrorCode(error.code())
                .setLeaderId(leaderReachable ? p.leader() : -1)
                .setLeaderEpoch(p.leaderEpoch())
                .setReplicaNodes(p.replicas())
                .setIsrNodes(p.isr())
                .setOfflineReplicas(offline));
        }
        return out;
    }

    /** Whether the partition's leader is live and has listener {@code listenerName}. */
    static boolean reachableLeader(MetadataImage image, PartitionState partition, String listenerName) {
        return image.broker(partition.leader()).flatMap(b -> b.endpoint(listenerName)).isPresent();
    }

    static MetadataResponseTopic error(String name, Errors error) {
        return new MetadataResponseTopic().setName(name).setErrorCode(error.code())
            .setIsInternal(name != null && Topic.isInternal(name));
    }
}
