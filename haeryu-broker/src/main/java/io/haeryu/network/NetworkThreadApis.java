package io.haeryu.network;

import java.util.EnumSet;
import java.util.Set;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Which requests are handled on the network thread that read them instead of a request-handler thread: only those
 * whose handler reads immutable state and cannot block, so that handing them off would cost more than running
 * them. Everything else (produce and fetch, which touch files; anything that waits for ZooKeeper) goes to the
 * {@link RequestHandlerPool}, as every request does in Kafka.
 */
final class NetworkThreadApis {

    private static final Set<ApiKeys> ON_NETWORK_THREAD = EnumSet.of(ApiKeys.API_VERSIONS);

    private NetworkThreadApis() {
    }

    static boolean handledOnNetworkThread(ApiKeys key) {
        return ON_NETWORK_THREAD.contains(key);
    }
}
