package io.haeryu.cluster;

import java.util.Objects;
import org.apache.kafka.common.Node;

/**
 * A live broker as registered in ZooKeeper.
 *
 * @param rack      the broker's rack, or null if it has none
 * @param listeners advertised listeners, e.g. {@code PLAINTEXT://127.0.0.1:9092}
 */
public record BrokerRegistration(int id, String host, int port, String rack, String listeners) {

    public BrokerRegistration {
        if (id < 0) {
            throw new IllegalArgumentException("broker id must be >= 0, was " + id);
        }
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(listeners, "listeners");
    }

    public Node toNode() {
        return new Node(id, host, port, rack);
    }

    /** "host:port", as shown to operators. */
    public String endpoint() {
        return host + ":" + port;
    }
}
