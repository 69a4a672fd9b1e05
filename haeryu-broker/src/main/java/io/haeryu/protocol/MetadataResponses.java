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

    static MetadataResponseTopic topic(TopicInfo topic, MetadataImage image) {
        MetadataResponseTopic out = new MetadataResponseTopic()
            .setName(topic.name())
            .setTopicId(topic.topicId())
            .setIsInternal(Topic.isInternal(topic.name()));
        Set<Integer> live = image.brokers().keySet();
        for (PartitionState p : topic.partitions()) {
            boolean leaderLive = live.contains(p.leader());
            List<Integer> offline = p.replicas().stream().filter(r -> !live.contains(r)).toList();
            out.partitions().add(new MetadataResponsePartition()
                .setPartitionIndex(p.partition())
                .setErrorCode(leaderLive ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                .setLeaderId(leaderLive ? p.leader() : -1)
                .setLeaderEpoch(p.leaderEpoch())
                .setReplicaNodes(p.replicas())
                .setIsrNodes(p.isr())
                .setOfflineReplicas(offline));
        }
        return out;
    }

    static MetadataResponseTopic error(String name, Errors error) {
        return new MetadataResponseTopic().setName(name).setErrorCode(error.code())
            .setIsInternal(name != null && Topic.isInternal(name));
    }
}
