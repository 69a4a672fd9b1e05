package io.haeryu.protocol.group;

import io.haeryu.group.CoordinatorLocator;
import io.haeryu.group.GroupCoordinator;
import io.haeryu.protocol.RequestContext;
import io.haeryu.protocol.RequestHandler;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.apache.kafka.common.requests.FindCoordinatorResponse;

/**
 * FindCoordinator v0-6: names the leader of a group's {@code __consumer_offsets} partition. v4+ batches keys.
 * The coordinator is given on the listener the client connected on (COORDINATOR_NOT_AVAILABLE if it lacks it).
 * Transaction coordinators do not exist yet, so TRANSACTION keys answer COORDINATOR_NOT_AVAILABLE.
 */
final class FindCoordinatorHandler implements RequestHandler<FindCoordinatorRequest> {

    private final GroupCoordinator coordinator;
    private final CoordinatorLocator locator;

    FindCoordinatorHandler(GroupCoordinator coordinator, CoordinatorLocator locator) {
        this.coordinator = coordinator;
        this.locator = locator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, FindCoordinatorRequest request) {
        byte keyType = request.data().keyType();
        if (request.version() < FindCoordinatorRequest.MIN_BATCHED_VERSION) {
            Lookup lookup = lookup(keyType, request.data().key(), context.listenerName());
            return CompletableFuture.completedFuture(FindCoordinatorResponse.prepareOldResponse(lookup.error, lookup.node));
        }
        FindCoordinatorResponseData data = new FindCoordinatorResponseData();
        for (String key : request.data().coordinatorKeys()) {
            Lookup lookup = lookup(keyType, key, context.listenerName());
            data.coordinators().add(FindCoordinatorResponse.prepareCoordinatorResponse(lookup.error, key, lookup.node));
        }
        return CompletableFuture.completedFuture(new FindCoordinatorResponse(data));
    }

    private record Lookup(Errors error, Node node) {
        static Lookup failed(Errors error) {
            return new Lookup(error, Node.noNode());
        }
    }

    private Lookup lookup(byte keyType, String key, String listenerName) {
        if (keyType == CoordinatorType.TRANSACTION.id()) {
            return Lookup.failed(Errors.COORDINATOR_NOT_AVAILABLE);
        }
        if (keyType != CoordinatorType.GROUP.id() || key == null || key.isEmpty()) {
            return Lookup.failed(Errors.INVALID_REQUEST);
        }
        Optional<Node> leader = locator.leaderOf(coordinator.partitionFor(key), listenerName);
        return leader.map(node -> new Lookup(Errors.NONE, node))
            .orElseGet(() -> Lookup.failed(Errors.COORDINATOR_NOT_AVAILABLE));
    }
}
