package io.haeryu.protocol;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.ApiError;

/** AlterConfigs (the legacy, non-incremental one): a topic's overrides become exactly the configs given. */
final class AlterConfigsHandler implements RequestHandler<AlterConfigsRequest> {

    private final ConfigResources resources;
    private final Executor blockingExecutor;

    AlterConfigsHandler(ConfigResources resources, Executor blockingExecutor) {
        this.resources = resources;
        this.blockingExecutor = blockingExecutor;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AlterConfigsRequest request) {
        return CompletableFuture.supplyAsync(() -> {
            AlterConfigsResponseData data = new AlterConfigsResponseData();
            for (AlterConfigsResource r : request.data().resources()) {
                Map<String, String> replacement = new HashMap<>();
                for (AlterableConfig c : r.configs()) {
                    replacement.put(c.name(), c.value());
                }
                ApiError error = resources.alter(r.resourceType(), r.resourceName(), replacement.keySet(),
                    current -> replacement, request.data().validateOnly(), context);
                data.responses().add(new AlterConfigsResourceResponse().setResourceType(r.resourceType())
                    .setResourceName(r.resourceName()).setErrorCode(error.error().code()).setErrorMessage(error.message()));
            }
            return new AlterConfigsResponse(data);
        }, blockingExecutor);
    }
}
