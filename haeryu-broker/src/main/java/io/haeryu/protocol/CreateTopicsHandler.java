package io.haeryu.protocol;

import io.haeryu.cluster.PartitionBatchLimit;
import io.haeryu.cluster.TopicInfo;
import io.haeryu.cluster.TopicService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** CreateTopics, including explicit replica assignments, topic configs and {@code validateOnly}. */
final class CreateTopicsHandler implements RequestHandler<CreateTopicsRequest> {

    private static final Logger log = LoggerFactory.getLogger(CreateTopicsHandler.class);

    private final TopicService topics;
    private final Executor blockingExecutor;

    CreateTopicsHandler(TopicService topics, Executor blockingExecutor) {
        this.topics = topics;
        this.blockingExecutor = blockingExecutor;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, CreateTopicsRequest request) {
        return CompletableFuture.supplyAsync(() -> {
            CreateTopicsResponseData data = new CreateTopicsResponseData();
            Set<String> seen = new HashSet<>();
            Set<String> duplicates = new HashSet<>();
            for (CreatableTopic t : request.data().topics()) {
                if (!seen.add(t.name())) {
                    duplicates.add(t.name());
                }
            }
            ApiException batchError = batchError(request, duplicates);
            for (CreatableTopic t : request.data().topics()) {
                CreatableTopicResult result = new CreatableTopicResult().setName(t.name());
                if (duplicates.contains(t.name())) {
                    data.topics().add(result.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("Create topics request from client `" + context.clientId()
                            + "` contains multiple entries for the following topics: " + t.name()));
                    continue;
                }
                if (batchError != null) {
                    data.topics().add(result.setErrorCode(Errors.forException(batchError).code())
                        .setErrorMessage(batchError.getMessage()));
                    continue;
                }
                try {
                    create(context, t, request.data().validateOnly(), result);
                } catch (ApiException e) {
                    result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
                }
                data.topics().add(result);
            }
            return new CreateTopicsResponse(data);
        }, blockingExecutor);
    }

    /** Kafka's per-request partition cap, counted over the topics that are not duplicates; null when within it. */
    private ApiException batchError(CreateTopicsRequest request, Set<String> duplicates) {
        PartitionBatchLimit limit = topics.newTopicsLimit();
        try {
            for (CreatableTopic t : request.data().topics()) {
                if (!duplicates.contains(t.name())) {
                    limit.addNewTopic(t.numPartitions(), t.assignments().size());
                }
            }
            return null;
        } catch (ApiException e) {
            return e;
        }
    }

    private void create(RequestContext context, CreatableTopic t, boolean validateOnly, CreatableTopicResult result) {
        Map<String, String> configs = new LinkedHashMap<>();
        for (CreatableTopicConfig c : t.configs()) {
            configs.put(c.name(), c.value());
        }
        List<List<Integer>> assignment = null;
        if (!t.assignments().isEmpty()) {
            assignment = new ArrayList<>();
            for (int p = 0; p < t.assignments().size(); p++) {
                CreatableReplicaAssignment a = t.assignments().find(p);
                if (a == null) {
                    throw new org.apache.kafka.common.errors.InvalidReplicaAssignmentException(
                        "Replica assignments must cover partitions 0.." + (t.assignments().size() - 1) + "; " + p + " is missing");
                }
                assignment.add(a.brokerIds());
            }
        }
        if (validateOnly) {
            List<List<Integer>> planned = topics.plan(t.name(), t.numPartitions(), t.replicationFactor(), assignment, configs);
            result.setNumPartitions(planned.size()).setReplicationFactor((short) planned.get(0).size());
            return;
        }
        TopicInfo created = topics.create(t.name(), t.numPartitions(), t.replicationFactor(), assignment, configs);
        result.setTopicId(created.topicId())
            .setNumPartitions(created.partitionCount())
            .setReplicationFactor((short) created.partitions().get(0).replicas().size());
        log.info("Created topic {} ({} partitions) for {}", t.name(), created.partitionCount(), context.describeClient());
    }
}
