package io.haeryu.protocol;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.ListPartitionReassignmentsResponse;

/**
 * ListPartitionReassignments: always "none in progress", which is true, since Haeryu cannot reassign replicas
 * yet. kafka-reassign-partitions and Cruise-Control-style tools ask before they act.
 */
final class ListPartitionReassignmentsHandler implements RequestHandler<ListPartitionReassignmentsRequest> {

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, ListPartitionReassignmentsRequest request) {
        return CompletableFuture.completedFuture(
            new ListPartitionReassignmentsResponse(new ListPartitionReassignmentsResponseData()));
    }
}
