package io.haeryu.protocol;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.PartitionState;
import io.haeryu.cluster.TopicInfo;
import io.haeryu.cluster.ZkMetadataStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingPartitionReassignment;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingTopicReassignment;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.ListPartitionReassignmentsResponse;

/**
 * ListPartitionReassignments: the reassignments in progress, from the metadata image (the topic znodes'
 * {@code adding_replicas}/{@code removing_replicas}), for the requested partitions or all (topics null).
 * Partitions not being reassigned, or unknown, are left out, as in Kafka.
 */
final class ListPartitionReassignmentsHandler implements RequestHandler<ListPartitionReassignmentsRequest> {

    private final ZkMetadataStore metadata;

    ListPartitionReassignmentsHandler(ZkMetadataStore metadata) {
        this.metadata = metadata;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, ListPartitionReassignmentsRequest request) {
        MetadataImage image = metadata.image();
        ListPartitionReassignmentsResponseData data = new ListPartitionReassignmentsResponseData();
        List<ListPartitionReassignmentsTopics> requested = request.data().topics();
        if (requested == null) {
            image.topicsByName().values().stream().sorted(Comparator.comparing(TopicInfo::name))
                .forEach(t -> add(data, t, t.partitions()));
        } else {
            for (ListPartitionReassignmentsTopics topic : requested) {
                image.topic(topic.name()).ifPresent(t -> {
                    List<PartitionState> states = new ArrayList<>();
                    topic.partitionIndexes().forEach(p -> t.partition(p).ifPresent(states::add));
                    add(data, t, states);
                });
            }
        }
        return CompletableFuture.completedFuture(new ListPartitionReassignmentsResponse(data));
    }

    private static void add(ListPartitionReassignmentsResponseData data, TopicInfo topic, List<PartitionState> states) {
        List<OngoingPartitionReassignment> ongoing = states.stream().filter(PartitionState::reassigning)
            .map(s -> new OngoingPartitionReassignment().setPartitionIndex(s.partition())
                .setReplicas(new ArrayList<>(s.replicas()))
                .setAddingReplicas(new ArrayList<>(s.addingReplicas()))
                .setRemovingReplicas(new ArrayList<>(s.removingReplicas())))
            .toList();
        if (!ongoing.isEmpty()) {
            data.topics().add(new OngoingTopicReassignment().setName(topic.name()).setPartitions(new ArrayList<>(ongoing)));
        }
    }
}
