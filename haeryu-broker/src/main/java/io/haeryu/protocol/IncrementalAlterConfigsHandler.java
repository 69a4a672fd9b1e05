package io.haeryu.protocol;

import io.haeryu.config.BrokerConfig;
import io.haeryu.config.TopicConfigs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;

/**
 * IncrementalAlterConfigs: SET and DELETE single topic overrides, APPEND to and SUBTRACT from list configs such as
 * cleanup.policy (starting from the effective value when the topic has no override), leaving the rest alone.
 */
final class IncrementalAlterConfigsHandler implements RequestHandler<IncrementalAlterConfigsRequest> {

    private final ConfigResources resources;
    private final Executor blockingExecutor;

    IncrementalAlterConfigsHandler(ConfigResources resources, Executor blockingExecutor) {
        this.resources = resources;
        this.blockingExecutor = blockingExecutor;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, IncrementalAlterConfigsRequest request) {
        return CompletableFuture.supplyAsync(() -> {
            IncrementalAlterConfigsResponseData data = new IncrementalAlterConfigsResponseData();
            for (AlterConfigsResource r : request.data().resources()) {
                List<String> keys = r.configs().stream().map(AlterableConfig::name).toList();
                ApiError error = new HashSet<>(keys).size() != keys.size()
                    ? new ApiError(Errors.INVALID_REQUEST, "Error due to duplicate config keys")
                    : resources.alter(r.resourceType(), r.resourceName(), keys,
                        current -> apply(resources.brokerConfig(), current, r.configs()),
                        request.data().validateOnly(), context);
                data.responses().add(new AlterConfigsResourceResponse().setResourceType(r.resourceType())
                    .setResourceName(r.resourceName()).setErrorCode(error.error().code()).setErrorMessage(error.message()));
            }
            return new IncrementalAlterConfigsResponse(data);
        }, blockingExecutor);
    }

    private static Map<String, String> apply(BrokerConfig broker, Map<String, String> current,
                                             Iterable<AlterableConfig> ops) {
        Map<String, String> next = new HashMap<>(current);
        for (AlterableConfig op : ops) {
            AlterConfigOp.OpType type = AlterConfigOp.OpType.forId(op.configOperation());
            if (type == null) {
                throw new InvalidRequestException("Unknown config operation " + op.configOperation() + " for " + op.name());
            }
            switch (type) {
                case SET -> next.put(op.name(), op.value());
                case DELETE -> next.remove(op.name());
                case APPEND, SUBTRACT -> {
                    if (!TopicConfigs.isKnown(op.name())) {
                        throw new InvalidConfigurationException("Unknown topic config name: " + op.name());
                    }
                    if (!TopicConfigs.isList(op.name())) {
                        throw new InvalidConfigurationException("Config value " + type.name().toLowerCase()
                            + " is not allowed for config key: " + op.name());
                    }
                    Set<String> values = new LinkedHashSet<>(TopicConfigs.effectiveList(broker, next, op.name()));
                    List<String> given = op.value() == null ? List.of() : Arrays.stream(op.value().split(","))
                        .map(String::trim).filter(v -> !v.isEmpty()).toList();
                    if (type == AlterConfigOp.OpType.APPEND) {
                        values.addAll(given);
                    } else {
                        given.forEach(values::remove);
                    }
                    next.put(op.name(), String.join(",", new ArrayList<>(values)));
                }
            }
        }
        return next;
    }
}
