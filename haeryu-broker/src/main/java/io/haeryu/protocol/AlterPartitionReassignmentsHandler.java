package io.haeryu.protocol;

import io.haeryu.cluster.Controller;
import io.haeryu.cluster.ZkMetadataStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignablePartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignableTopic;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignableTopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsResponse;
import org.apache.kafka.common.requests.ApiError;

/**
 * AlterPartitionReassignments ({@code kafka-reassign-partitions --execute/--cancel},
 * {@code Admin.alterPartitionReassignments}): answered by the controller, which records the reassignment in
 * ZooKeeper and answers at once (the data moves afterwards; ListPartitionReassignments follows it). Other brokers
 * answer NOT_CONTROLLER and the client asks the controller named in Metadata.
 */
final class AlterPartitionReassignmentsHandler implements RequestHandler<AlterPartitionReassignmentsRequest> {

    private final Controller controller;
    private final ZkMetadataStore metadata;
    private final Executor blockingExecutor;

    AlterPartitionReassignmentsHandler(Controller controller, ZkMetadataStore metadata, Executor blockingExecutor) {
        this.controller = controller;
        this.metadata = metadata;
        this.blockingExecutor = blockingExecutor;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AlterPartitionReassignmentsRequest request) {
        boolean allowRfChange = request.data().allowReplicationFactorChange();
        return CompletableFuture.supplyAsync(() -> {
            AlterPartitionReassignmentsResponseData data = new AlterPartitionReassignmentsResponseData()
                .setAllowReplicationFactorChange(allowRfChange);
            Map<TopicPartition, ApiError> results = new LinkedHashMap<>();
            Map<TopicPartition, Optional<List<Integer>>> wanted = new LinkedHashMap<>();
            for (ReassignableTopic topic : request.data().topics()) {
                for (ReassignablePartition p : topic.partitions()) {
                    TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                    Optional<List<Integer>> target = Optional.ofNullable(p.replicas()).map(List::copyOf);
                    int originalSize = metadata.image().partition(tp).map(s -> s.originalReplicas().size()).orElse(-1);
                    if (!allowRfChange && target.isPresent() && originalSize >= 0 && target.get().size() != originalSize) {
                        results.put(tp, new ApiError(Errors.INVALID_REPLICATION_FACTOR, "The replication factor of "
                            + tp + " would change from " + originalSize + " to " + target.get().size()
                            + ", which the request does not allow."));
                    } else {
                        results.put(tp, null);
                        wanted.put(tp, target);
                    }
                }
            }
            try {
                if (!wanted.isEmpty()) {
                    results.putAll(controller.alterReassignments(wanted));
                }
            } catch (ExecutionException e) {
                ApiError error = ApiError.fromThrowable(e.getCause());
                return new AlterPartitionReassignmentsResponse(data.setErrorCode(error.error().code())
                    .setErrorMessage(error.message()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new AlterPartitionReassignmentsResponse(data.setErrorCode(Errors.REQUEST_TIMED_OUT.code()));
            }
            Map<String, ReassignableTopicResponse> byTopic = new TreeMap<>();
            results.forEach((tp, error) -> byTopic
                .computeIfAbsent(tp.topic(), t -> new ReassignableTopicResponse().setName(t))
                .partitions().add(new ReassignablePartitionResponse().setPartitionIndex(tp.partition())
                    .setErrorCode(error.error().code())
                    .setErrorMessage(error.isSuccess() ? null : error.message())));
            data.responses().addAll(byTopic.values());
            return new AlterPartitionReassignmentsResponse(data);
        }, blockingExecutor);
    }
}
