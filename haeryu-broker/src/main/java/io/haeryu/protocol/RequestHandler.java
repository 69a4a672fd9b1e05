package io.haeryu.protocol;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * Answers one Kafka API. Called on a request-handler thread, one request of a connection at a time and in the
 * order they arrived on it. A handler may touch files; it must not wait for other brokers, ZooKeeper or new data:
 * such work completes the future later, from any thread (ZooKeeper writes on the metadata-writer pool). Responses
 * are still written in request order.
 */
@FunctionalInterface
public interface RequestHandler<R extends AbstractRequest> {
    CompletableFuture<AbstractResponse> handle(RequestContext context, R request);
}
