package io.haeryu.protocol;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.PartitionState;
import io.haeryu.cluster.TopicInfo;
import io.haeryu.cluster.ZkMetadataStore;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData.TopicRequest;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.Cursor;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;

/**
 * DescribeTopicPartitions (what kafka-topics --describe and Admin.describeTopics use in Kafka 4.x): topics in
 * name order, at most {@code responsePartitionLimit} partitions per response, with a cursor to the next one.
 */
final class DescribeTopicPartitionsHandler implements RequestHandler<DescribeTopicPartitionsRequest> {

    /** Kafka's max.request.partition.size.limit: the cap on partitions per response, whatever the client asks. */
    static final int MAX_PARTITIONS_PER_RESPONSE = 2000;

    private final ZkMetadataStore metadata;

    DescribeTopicPartitionsHandler(ZkMetadataStore metadata) {
        this.metadata = metadata;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DescribeTopicPartitionsRequest request) {
        MetadataImage image = metadata.image();
        DescribeTopicPartitionsRequestData req = request.data();
        // An empty list asks for every topic, as in Kafka.
        SortedSet<String> names = new TreeSet<>(req.topics().isEmpty() ? image.topicsByName().keySet()
            : req.topics().stream().map(TopicRequest::name).toList());
        DescribeTopicPartitionsRequestData.Cursor cursor = req.cursor();
        if (cursor != null && !req.topics().isEmpty() && !names.contains(cursor.topicName())) {
            return CompletableFuture.failedFuture(new InvalidRequestException(
                "DescribeTopicPartitionsRequest topic list should contain the cursor topic: " + cursor.topicName()));
        }
        DescribeTopicPartitionsResponseData data = new DescribeTopicPartitionsResponseData();
        int remaining = Math.max(0, Math.min(req.responsePartitionLimit(), MAX_PARTITIONS_PER_RESPONSE));
        for (String name : cursor == null ? names : names.tailSet(cursor.topicName())) {
            TopicInfo topic = image.topicsByName().get(name);
            if (topic == null) {
                data.topics().add(new DescribeTopicPartitionsResponseTopic().setName(name).setTopicId(Uuid.ZERO_UUID)
                    .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()).setIsInternal(Topic.isInternal(name)));
                continue;
            }
            int first = cursor != null && name.equals(cursor.topicName()) ? Math.max(0, cursor.partitionIndex()) : 0;
            if (remaining == 0) {
                data.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(first));
                break;
            }
            int end = (int) Math.min(topic.partitionCount(), (long) first + remaining);
            data.topics().add(describe(topic, first, end, image, context.listenerName()));
            remaining -= end - first;
            if (end < topic.partitionCount()) {
                data.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(end));
                break;
            }
        }
        return CompletableFuture.completedFuture(new DescribeTopicPartitionsResponse(data));
    }

    /** A leader that is not live, or lacks the client's listener, is given as -1 (LISTENER_NOT_FOUND if live). */
    private static DescribeTopicPartitionsResponseTopic describe(TopicInfo topic, int first, int end,
                                                                 MetadataImage image, String listenerName) {
        Set<Integer> live = image.brokers().keySet();
        DescribeTopicPartitionsResponseTopic out = new DescribeTopicPartitionsResponseTopic().setName(topic.name())
            .setTopicId(topic.topicId()).setIsInternal(Topic.isInternal(topic.name()));
        for (PartitionState p : topic.partitions().subList(first, end)) {
            boolean leaderReachable = MetadataResponses.reachableLeader(image, p, listenerName);
            boolean listenerMissing = !leaderReachable && live.contains(p.leader());
            out.partitions().add(new DescribeTopicPartitionsResponsePartition()
                .setPartitionIndex(p.partition())
                .setErrorCode(listenerMissing ? Errors.LISTENER_NOT_FOUND.code() : Errors.NONE.code())
                .setLeaderId(leaderReachable ? p.leader() : -1)
                .setLeaderEpoch(p.leaderEpoch())
                .setReplicaNodes(p.replicas())
                .setIsrNodes(p.isr())
                .setEligibleLeaderReplicas(List.of())
                .setLastKnownElr(List.of())
                .setOfflineReplicas(p.replicas().stream().filter(r -> !live.contains(r)).toList()));
        }
        return out;
    }
}
