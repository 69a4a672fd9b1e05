package io.haeryu.protocol;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * The APIs this broker answers, each with the version range it advertises in ApiVersions. An API that is not
 * registered is not advertised, so clients never send it.
 */
public final class ApiRegistry {

    /** One registered API. */
    public record Api(ApiKeys key, short minVersion, short maxVersion, RequestHandler<? extends AbstractRequest> handler) {
        public boolean supports(short version) {
            return version >= minVersion && version <= maxVersion;
        }
    }

    private final Map<ApiKeys, Api> apis = new EnumMap<>(ApiKeys.class);

    /**
     * Registers a handler for versions {@code minVersion..maxVersion}, clamped to what kafka-clients' own
     * message classes can parse, so we never advertise a version we cannot decode.
     */
    public <R extends AbstractRequest> void register(ApiKeys key, int minVersion, int maxVersion, RequestHandler<R> handler) {
        short min = (short) Math.max(minVersion, key.oldestVersion());
        short max = (short) Math.min(maxVersion, key.latestVersion(true));
        if (min > max) {
            throw new IllegalArgumentException(key + ": no version in " + minVersion + ".." + maxVersion
                + " is known to kafka-clients (" + key.oldestVersion() + ".." + key.latestVersion(true) + ")");
        }
        if (apis.putIfAbsent(key, new Api(key, min, max, handler)) != null) {
            throw new IllegalStateException(key + " registered twice");
        }
    }

    public Api get(ApiKeys key) {
        return apis.get(key);
    }

    public Map<ApiKeys, Api> all() {
        return Collections.unmodifiableMap(apis);
    }
}
