package io.haeryu.protocol.group;

import io.haeryu.group.GroupCoordinator;
import io.haeryu.protocol.RequestContext;
import io.haeryu.protocol.RequestHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;

/**
 * OffsetCommit v2-9. As in Kafka's request handler, partitions of topics the cluster does not have (or partition
 * indexes beyond a topic's count) get UNKNOWN_TOPIC_OR_PARTITION and never reach the coordinator; when none is
 * left the answer goes out without consulting the group at all.
 */
final class OffsetCommitHandler implements RequestHandler<OffsetCommitRequest> {

    private final GroupCoordinator coordinator;
    private final Predicate<TopicPartition> partitionExists;

    OffsetCommitHandler(GroupCoordinator coordinator, Predicate<TopicPartition> partitionExists) {
        this.coordinator = coordinator;
        this.partitionExists = partitionExists;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, OffsetCommitRequest request) {
        OffsetCommitRequestData data = request.data();
        OffsetCommitRequestData known = data.duplicate().setTopics(new ArrayList<>());
        List<OffsetCommitResponseTopic> unknown = new ArrayList<>();
        for (OffsetCommitRequestTopic topic : data.topics()) {
            OffsetCommitRequestTopic kept = topic.duplicate().setPartitions(new ArrayList<>());
            OffsetCommitResponseTopic rejected = new OffsetCommitResponseTopic().setName(topic.name());
            for (OffsetCommitRequestPartition partition : topic.partitions()) {
                if (partitionExists.test(new TopicPartition(topic.name(), partition.partitionIndex()))) {
                    kept.partitions().add(partition);
                } else {
                    rejected.partitions().add(new OffsetCommitResponsePartition()
                        .setPartitionIndex(partition.partitionIndex())
                        .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
                }
            }
            if (!kept.partitions().isEmpty()) {
                known.topics().add(kept);
            }
            if (!rejected.partitions().isEmpty()) {
                unknown.add(rejected);
            }
        }
        if (unknown.isEmpty()) {
            return coordinator.commitOffsets(data, request.version()).thenApply(OffsetCommitResponse::new);
        }
        if (known.topics().isEmpty()) {
            return CompletableFuture.completedFuture(
                new OffsetCommitResponse(new OffsetCommitResponseData().setTopics(unknown)));
        }
        return coordinator.commitOffsets(known, request.version())
            .thenApply(response -> new OffsetCommitResponse(merge(response, unknown)));
    }

    /** Adds the rejected partitions to the coordinator's answer, one entry per topic name. */
    private static OffsetCommitResponseData merge(OffsetCommitResponseData response,
                                                  List<OffsetCommitResponseTopic> unknown) {
        Map<String, OffsetCommitResponseTopic> byName = new LinkedHashMap<>();
        for (OffsetCommitResponseTopic topic : response.topics()) {
            byName.merge(topic.name(), topic, (a, b) -> {
                a.partitions().addAll(b.partitions());
                return a;
            });
        }
        for (OffsetCommitResponseTopic topic : unknown) {
            byName.merge(topic.name(), topic, (a, b) -> {
                a.partitions().addAll(b.partitions());
                return a;
            });
        }
        return response.setTopics(new ArrayList<>(byName.values()));
    }
}
