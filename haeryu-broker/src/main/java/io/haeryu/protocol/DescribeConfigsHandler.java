package io.haeryu.protocol;

import io.haeryu.config.DescribedConfig;
import io.haeryu.config.TopicConfigs;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * DescribeConfigs for topics (every topic config with its effective value and source) and for this broker (its
 * static config, all read-only). Honours {@code configurationKeys}, {@code includeSynonyms} and (v3+)
 * {@code includeDocumentation}.
 */
final class DescribeConfigsHandler implements RequestHandler<DescribeConfigsRequest> {

    private final ConfigResources resources;

    DescribeConfigsHandler(ConfigResources resources) {
        this.resources = resources;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DescribeConfigsRequest request) {
        DescribeConfigsResponseData data = new DescribeConfigsResponseData();
        for (DescribeConfigsResource r : request.data().resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult().setResourceType(r.resourceType())
                .setResourceName(r.resourceName());
            try {
                for (DescribedConfig c : configs(r)) {
                    if (r.configurationKeys() == null || r.configurationKeys().contains(c.name())) {
                        result.configs().add(entry(c, request.data().includeSynonyms(),
                            request.data().includeDocumentation()));
                    }
                }
            } catch (ApiException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            }
            data.results().add(result);
        }
        return CompletableFuture.completedFuture(new DescribeConfigsResponse(data));
    }

    private List<DescribedConfig> configs(DescribeConfigsResource r) {
        return switch (ConfigResource.Type.forId(r.resourceType())) {
            case TOPIC -> TopicConfigs.describe(resources.brokerConfig(), resources.topic(r.resourceName()).configs());
            case BROKER -> resources.isThisBroker(r.resourceName()) ? resources.brokerConfig().describe() : List.of();
            default -> throw ConfigResources.unsupported(r.resourceType());
        };
    }

    private static DescribeConfigsResourceResult entry(DescribedConfig c, boolean synonyms, boolean documentation) {
        DescribeConfigsResourceResult out = new DescribeConfigsResourceResult()
            .setName(c.name())
            .setValue(c.value())
            .setReadOnly(c.readOnly())
            .setConfigSource(c.source().id())
            .setIsSensitive(false) // no password-type config exists yet
            .setConfigType(ConfigType.valueOf(c.type().name()).id())
            .setDocumentation(documentation ? c.documentation() : null);
        if (synonyms) {
            for (DescribedConfig.Synonym s : c.synonyms()) {
                out.synonyms().add(new DescribeConfigsSynonym().setName(s.name()).setValue(s.value())
                    .setSource(s.source().id()));
            }
        }
        return out;
    }
}
