package io.haeryu.protocol;

import io.haeryu.cluster.PartitionBatchLimit;
import io.haeryu.cluster.TopicService;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreatePartitionsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** CreatePartitions: grows topics (never shrinks them), with optional explicit assignments and {@code validateOnly}. */
final class CreatePartitionsHandler implements RequestHandler<CreatePartitionsRequest> {

    private static final Logger log = LoggerFactory.getLogger(CreatePartitionsHandler.class);

    private final TopicService topics;
    private final Executor blockingExecutor;

    CreatePartitionsHandler(TopicService topics, Executor blockingExecutor) {
        this.topics = topics;
        this.blockingExecutor = blockingExecutor;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, CreatePartitionsRequest request) {
        return CompletableFuture.supplyAsync(() -> {
            CreatePartitionsResponseData data = new CreatePartitionsResponseData();
            Set<String> seen = new HashSet<>();
            Set<String> duplicates = new HashSet<>();
            request.data().topics().forEach(t -> {
                if (!seen.add(t.name())) {
                    duplicates.add(t.name());
                }
            });
            boolean validateOnly = request.data().validateOnly();
            ApiException batchError = batchError(request, duplicates);
            for (CreatePartitionsTopic t : request.data().topics()) {
                CreatePartitionsTopicResult result = new CreatePartitionsTopicResult().setName(t.name());
                try {
                    if (duplicates.contains(t.name())) {
                        throw new org.apache.kafka.common.errors.InvalidRequestException("Duplicate topic in request.");
                    }
                    if (batchError != null) {
                        throw batchError;
                    }
                    List<List<Integer>> assignments = t.assignments() == null ? null
                        : t.assignments().stream().map(CreatePartitionsAssignment::brokerIds).toList();
                    topics.createPartitions(t.name(), t.count(), assignments, validateOnly);
                    if (!validateOnly) {
                        log.info("Increased topic {} to {} partitions for {}", t.name(), t.count(), context.describeClient());
                    }
                } catch (ApiException e) {
                    result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
                }
                data.results().add(result);
            }
            return new CreatePartitionsResponse(data);
        }, blockingExecutor);
    }

    /** Kafka's per-request cap on added partitions, over the existing, non-duplicate topics; null when within it. */
    private ApiException batchError(CreatePartitionsRequest request, Set<String> duplicates) {
        PartitionBatchLimit limit = PartitionBatchLimit.forAddedPartitions();
        try {
            for (CreatePartitionsTopic t : request.data().topics()) {
                if (!duplicates.contains(t.name())) {
                    topics.partitionCount(t.name()).ifPresent(current -> limit.addGrowth(t.count(), current));
                }
            }
            return null;
        } catch (ApiException e) {
            return e;
        }
    }
}
