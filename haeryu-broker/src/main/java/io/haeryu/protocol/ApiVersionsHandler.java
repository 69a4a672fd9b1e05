package io.haeryu.protocol;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;

/**
 * ApiVersions: advertises exactly the registered APIs. No features are finalized, so clients use the
 * pre-KIP-890 transaction flow and no telemetry.
 */
final class ApiVersionsHandler implements RequestHandler<ApiVersionsRequest> {

    private final ApiRegistry registry;

    ApiVersionsHandler(ApiRegistry registry) {
        this.registry = registry;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, ApiVersionsRequest request) {
        ApiVersionsResponseData data = new ApiVersionsResponseData()
            .setApiKeys(ApiVersionTable.of(registry))
            .setFinalizedFeaturesEpoch(-1);
        if (request.version() >= 3 && !request.isValid()) {
            data.setErrorCode(Errors.INVALID_REQUEST.code());
        }
        return CompletableFuture.completedFuture(new ApiVersionsResponse(data));
    }
}
