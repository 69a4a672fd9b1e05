package io.haeryu.cluster;

import io.haeryu.config.Listener;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * A live broker as registered in ZooKeeper: its advertised endpoint per listener name. As in Kafka, a client is
 * answered with the endpoints of the listener it connected on, and brokers reach each other on the
 * inter-broker listener's endpoint.
 *
 * @param endpoints one per listener name, in the order the broker advertises them
 * @param protocols the security protocol of each endpoint's listener
 * @param rack      the broker's rack, or null if it has none
 */
public record BrokerRegistration(int id, List<Listener> endpoints, Map<String, SecurityProtocol> protocols,
                                 String rack) {

    public BrokerRegistration {
        if (id < 0) {
            throw new IllegalArgumentException("broker id must be >= 0, was " + id);
        }
        endpoints = List.copyOf(endpoints);
        protocols = Collections.unmodifiableMap(new LinkedHashMap<>(protocols));
        for (Listener endpoint : endpoints) {
            Objects.requireNonNull(protocols.get(endpoint.name()), () -> "security protocol of " + endpoint.name());
        }
    }

    /** The endpoint of listener {@code listenerName}, or empty if this broker does not have that listener. */
    public Optional<Listener> endpoint(String listenerName) {
        return endpoints.stream().filter(e -> e.name().equals(listenerName)).findFirst();
    }

    /** This broker as a Kafka node on listener {@code listenerName}; empty if it does not have that listener. */
    public Optional<Node> node(String listenerName) {
        return endpoint(listenerName).map(e -> new Node(id, e.host(), e.port(), rack));
    }

    /** The first PLAINTEXT endpoint: Kafka's legacy {@code host}/{@code port} registration fields. */
    Optional<Listener> plaintextEndpoint() {
        return endpoints.stream().filter(e -> protocols.get(e.name()) == SecurityProtocol.PLAINTEXT).findFirst();
    }

    /** "NAME://host:port,...", as shown to operators. */
    public String describeEndpoints() {
        return endpoints.stream().map(Listener::toString).collect(Collectors.joining(","));
    }
}
