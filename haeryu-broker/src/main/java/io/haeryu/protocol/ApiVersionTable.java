package io.haeryu.protocol;

import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;

/** The ApiVersions table advertised to clients: exactly the registered APIs and their version ranges. */
public final class ApiVersionTable {

    private ApiVersionTable() {
    }

    public static ApiVersionCollection of(ApiRegistry registry) {
        ApiVersionCollection out = new ApiVersionCollection();
        for (ApiRegistry.Api api : registry.all().values()) {
            out.add(new ApiVersion().setApiKey(api.key().id).setMinVersion(api.minVersion()).setMaxVersion(api.maxVersion()));
        }
        return out;
    }
}
