package io.haeryu.protocol;

import io.haeryu.cluster.Controller;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData.PartitionResult;
import org.apache.kafka.common.message.ElectLeadersResponseData.ReplicaElectionResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ElectLeadersRequest;
import org.apache.kafka.common.requests.ElectLeadersResponse;

/**
 * ElectLeaders ({@code kafka-leader-election.sh}, {@code Admin.electLeaders}): answered by the controller, which
 * runs the election at once; other brokers answer NOT_CONTROLLER and the client asks the controller.
 */
final class ElectLeadersHandler implements RequestHandler<ElectLeadersRequest> {

    private final Controller controller;
    private final Executor blockingExecutor;

    ElectLeadersHandler(Controller controller, Executor blockingExecutor) {
        this.controller = controller;
        this.blockingExecutor = blockingExecutor;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, ElectLeadersRequest request) {
        Set<TopicPartition> partitions = request.topicPartitions();
        ElectionType type;
        try {
            type = request.electionType();
        } catch (IllegalArgumentException e) {
            // Kafka's controller: an election type it does not know is INVALID_REQUEST, for every partition.
            return CompletableFuture.completedFuture(request.getErrorResponse(
                new InvalidRequestException("Unknown election type " + (int) request.data().electionType())));
        }
        boolean unclean = type == ElectionType.UNCLEAN;
        return CompletableFuture.supplyAsync(() -> {
            ElectLeadersResponseData data = new ElectLeadersResponseData();
            try {
                Map<String, ReplicaElectionResult> byTopic = new TreeMap<>();
                controller.electLeaders(partitions, unclean).forEach((tp, error) ->
                    byTopic.computeIfAbsent(tp.topic(), t -> new ReplicaElectionResult().setTopic(t))
                        .partitionResult().add(new PartitionResult().setPartitionId(tp.partition())
                            .setErrorCode(error.code()).setErrorMessage(error == Errors.NONE ? null : error.message())));
                data.replicaElectionResults().addAll(byTopic.values());
            } catch (ExecutionException e) {
                data.setErrorCode(Errors.forException(e.getCause()).code());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                data.setErrorCode(Errors.REQUEST_TIMED_OUT.code());
            }
            return new ElectLeadersResponse(data);
        }, blockingExecutor);
    }
}
