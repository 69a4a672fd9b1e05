package io.haeryu.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * The broker's named listeners, checked by Kafka's rules: every listener name maps to a security protocol in
 * {@code listener.security.protocol.map}; names are unique, and so are bound ports (port 0 aside, and one IPv4 plus
 * one IPv6 listener may share a port); {@code advertised.listeners} names a subset of the listeners, a listener it
 * does not name is advertised as bound, and 0.0.0.0 is never advertised; the inter-broker listener comes from
 * {@code inter.broker.listener.name} or else is the listener named after {@code security.inter.broker.protocol}
 * (never both), and must be advertised. Only PLAINTEXT is implemented, so a listener mapped to another protocol
 * is refused by name, as is a separate control-plane listener.
 *
 * @param bound      the listeners to bind, in configured order
 * @param advertised what the broker registers: advertised.listeners' entries in their order, then the listeners
 *                   it does not name
 * @param protocols  security protocol of every bound listener
 */
public record Listeners(List<Listener> bound, List<Listener> advertised, Map<String, SecurityProtocol> protocols,
                        String interBrokerListenerName) {

    public Listeners {
        bound = List.copyOf(bound);
        advertised = List.copyOf(advertised);
        protocols = Collections.unmodifiableMap(new LinkedHashMap<>(protocols));
    }

    /** The config values that decide the listeners; a null value means the key is not set. */
    record Settings(List<String> listeners, String protocolMap, List<String> advertisedListeners,
                    String interBrokerListenerName, String interBrokerProtocol, String controlPlaneListenerName) {
    }

    static Listeners validate(Settings s) {
        if (s.controlPlaneListenerName() != null) {
            throw new ConfigException(BrokerConfig.CONTROL_PLANE_LISTENER_NAME, s.controlPlaneListenerName(),
                "a separate control-plane listener is not supported yet (Haeryu's controller reaches brokers "
                    + "through ZooKeeper, not over a listener); remove " + BrokerConfig.CONTROL_PLANE_LISTENER_NAME);
        }
        Map<String, SecurityProtocol> map = parseProtocolMap(s.protocolMap());
        List<Listener> bound = parse(BrokerConfig.LISTENERS, s.listeners(), map);
        requireDistinctPorts(bound, s.listeners());
        Map<String, SecurityProtocol> protocols = new LinkedHashMap<>();
        for (Listener l : bound) {
            SecurityProtocol protocol = map.get(l.name());
            if (protocol != SecurityProtocol.PLAINTEXT) {
                throw new ConfigException(BrokerConfig.LISTENERS, s.listeners(), "listener " + l.name()
                    + " uses security protocol " + protocol + " (" + BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP
                    + "), which is not supported yet; only PLAINTEXT listeners work so far");
            }
            protocols.put(l.name(), protocol);
        }
        List<Listener> advertised = advertised(s, bound, map);
        String interBroker = interBrokerListenerName(s, advertised);
        return new Listeners(bound, advertised, protocols, interBroker);
    }

    private static Map<String, SecurityProtocol> parseProtocolMap(String value) {
        String key = BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP;
        Map<String, SecurityProtocol> map = new LinkedHashMap<>();
        for (String entry : value.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            String name = colon < 0 ? "" : entry.substring(0, colon).trim().toUpperCase(Locale.ROOT);
            String protocol = colon < 0 ? "" : entry.substring(colon + 1).trim().toUpperCase(Locale.ROOT);
            if (name.isEmpty() || protocol.isEmpty()) {
                throw new ConfigException(key, value, "entry '" + entry.trim() + "' is not LISTENER_NAME:PROTOCOL");
            }
            if (SecurityProtocol.names().stream().noneMatch(protocol::equals)) {
                throw new ConfigException(key, value, "unknown security protocol " + protocol + " for listener "
                    + name + "; valid protocols: " + String.join(", ", SecurityProtocol.names()));
            }
            if (map.put(name, SecurityProtocol.forName(protocol)) != null) {
                throw new ConfigException(key, value, "listener name " + name + " appears twice");
            }
        }
        return map;
    }

    private static List<Listener> parse(String key, List<String> values, Map<String, SecurityProtocol> map) {
        List<Listener> out = new ArrayList<>();
        for (String value : values) {
            Listener l = Listener.parse(key, value);
            if (!map.containsKey(l.name())) {
                throw new ConfigException(key, value, "no security protocol is defined for listener " + l.name()
                    + " in " + BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP + " (" + map.keySet() + ")");
            }
            if (out.stream().anyMatch(o -> o.name().equals(l.name()))) {
                throw new ConfigException(key, values, "each listener must have a different name; "
                    + l.name() + " appears twice");
            }
            out.add(l);
        }
        if (out.isEmpty()) {
            throw new ConfigException(key, values, "names no listener");
        }
        return out;
    }

    private static void requireDistinctPorts(List<Listener> bound, List<String> values) {
        Map<Integer, List<Listener>> byPort = bound.stream().filter(l -> l.port() != 0)
            .collect(Collectors.groupingBy(Listener::port, LinkedHashMap::new, Collectors.toList()));
        byPort.forEach((port, sharing) -> {
            boolean ipv4AndIpv6 = sharing.size() == 2
                && isIpv4Literal(sharing.get(0).host()) != isIpv4Literal(sharing.get(1).host())
                && isIpv6Literal(sharing.get(0).host()) != isIpv6Literal(sharing.get(1).host());
            if (sharing.size() > 1 && !ipv4AndIpv6) {
                throw new ConfigException(BrokerConfig.LISTENERS, values, "each listener must have a different port"
                    + " unless exactly one has an IPv4 and the other an IPv6 address; port " + port + " is used by "
                    + sharing.stream().map(Listener::name).collect(Collectors.joining(" and ")));
            }
        });
    }

    private static boolean isIpv4Literal(String host) {
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static boolean isIpv6Literal(String host) {
        return host.contains(":");
    }

    private static List<Listener> advertised(Settings s, List<Listener> bound, Map<String, SecurityProtocol> map) {
        String key = BrokerConfig.ADVERTISED_LISTENERS;
        List<Listener> advertised = new ArrayList<>();
        if (s.advertisedListeners() != null) {
            advertised.addAll(parse(key, s.advertisedListeners(), map));
            List<String> boundNames = bound.stream().map(Listener::name).toList();
            for (Listener l : advertised) {
                if (!boundNames.contains(l.name())) {
                    throw new ConfigException(key, s.advertisedListeners(), "listener " + l.name() + " is not in "
                        + BrokerConfig.LISTENERS + "; advertised names must be a subset of " + boundNames);
                }
                if (l.port() == 0) {
                    throw new ConfigException(key, s.advertisedListeners(), "an advertised port cannot be 0 ("
                        + l.name() + ")");
                }
            }
        }
        for (Listener l : bound) {
            if (advertised.stream().noneMatch(a -> a.name().equals(l.name()))) {
                advertised.add(l);
            }
        }
        for (Listener l : advertised) {
            if (l.host().equals("0.0.0.0")) {
                throw new ConfigException(key, s.advertisedListeners() == null ? s.listeners() : s.advertisedListeners(),
                    "cannot advertise the non-routable meta-address 0.0.0.0 (listener " + l.name() + "); set "
                        + key + " with a host name or IP address clients can reach");
            }
        }
        return advertised;
    }

    private static String interBrokerListenerName(Settings s, List<Listener> advertised) {
        List<String> names = advertised.stream().map(Listener::name).toList();
        if (s.interBrokerListenerName() != null) {
            if (s.interBrokerProtocol() != null) {
                throw new ConfigException("Only one of " + BrokerConfig.INTER_BROKER_LISTENER_NAME + " and "
                    + BrokerConfig.SECURITY_INTER_BROKER_PROTOCOL + " may be set");
            }
            String name = s.interBrokerListenerName().trim().toUpperCase(Locale.ROOT);
            if (!names.contains(name)) {
                throw new ConfigException(BrokerConfig.INTER_BROKER_LISTENER_NAME, s.interBrokerListenerName(),
                    "must be a listener name defined in " + BrokerConfig.ADVERTISED_LISTENERS + "; valid: " + names);
            }
            return name;
        }
        String protocol = s.interBrokerProtocol() == null ? SecurityProtocol.PLAINTEXT.name
            : s.interBrokerProtocol().trim().toUpperCase(Locale.ROOT);
        if (!names.contains(protocol)) {
            throw new ConfigException(BrokerConfig.SECURITY_INTER_BROKER_PROTOCOL, protocol, "brokers talk to each "
                + "other on the listener named " + protocol + " unless " + BrokerConfig.INTER_BROKER_LISTENER_NAME
                + " says otherwise, and no advertised listener has that name; set "
                + BrokerConfig.INTER_BROKER_LISTENER_NAME + " to one of " + names);
        }
        return protocol;
    }
}
