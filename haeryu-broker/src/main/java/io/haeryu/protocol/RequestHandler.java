package io.haeryu.protocol;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * Answers one Kafka API. Called on the connection's event-loop thread, in the order requests arrived on that
 * connection, so a handler must not block: slow work (ZooKeeper, waiting for data or replicas) completes the
 * future later, from any thread. Responses are still written in request order.
 */
@FunctionalInterface
public interface RequestHandler<R extends AbstractRequest> {
    CompletableFuture<AbstractResponse> handle(RequestContext context, R request);
}
