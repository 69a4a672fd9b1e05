package io.haeryu.config;

import java.net.URI;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;

/**
 * One {@code NAME://host:port} endpoint, as in {@code listeners}, {@code advertised.listeners} and a broker's
 * registration. The name is upper-cased, as Kafka normalises listener names; an empty host means all interfaces.
 */
public record Listener(String name, String host, int port) {

    /** Parses {@code value}; a malformed one is refused naming {@code key}. */
    public static Listener parse(String key, String value) {
        String v = value.trim();
        int sep = v.indexOf("://");
        if (sep <= 0) {
            throw new ConfigException(key, value, "expected NAME://host:port, e.g. PLAINTEXT://localhost:9092");
        }
        String name = v.substring(0, sep).toUpperCase(Locale.ROOT);
        String hostPort = v.substring(sep + 3);
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new ConfigException(key, value, "missing port, expected NAME://host:port");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value, "port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(key, value, "port must be 0..65535");
        }
        URI.create("tcp://" + (host.isEmpty() ? "localhost" : host) + ":" + port); // rejects malformed hosts
        return new Listener(name, host, port);
    }

    @Override
    public String toString() {
        return name + "://" + host + ":" + port;
    }
}
