package io.haeryu.cluster;

import io.haeryu.config.Listener;
import io.haeryu.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/** Encodes and decodes the JSON stored in each znode, in Kafka's ZooKeeper-era formats. */
final class ZkPayloads {

    private static final int BROKER_REGISTRATION_VERSION = 5;

    /** The replica assignment stored in {@code /brokers/topics/<topic>}. */
    record TopicAssignment(Uuid topicId, List<List<Integer>> replicas, Map<Integer, List<Integer>> adding,
                           Map<Integer, List<Integer>> removing) {
        TopicAssignment {
            replicas = replicas.stream().map(List::copyOf).toList();
            adding = copy(adding);
            removing = copy(removing);
        }

        TopicAssignment(Uuid topicId, List<List<Integer>> replicas) {
            this(topicId, replicas, Map.of(), Map.of());
        }

        private static Map<Integer, List<Integer>> copy(Map<Integer, List<Integer>> byPartition) {
            Map<Integer, List<Integer>> copy = new TreeMap<>();
            byPartition.forEach((p, list) -> {
                if (!list.isEmpty()) {
                    copy.put(p, List.copyOf(list));
                }
            });
            return java.util.Collections.unmodifiableMap(copy);
        }
    }

    /** The leadership stored in {@code /brokers/topics/<topic>/partitions/<p>/state}. */
    record LeaderAndIsr(int leader, int leaderEpoch, List<Integer> isr) {
    }

    private ZkPayloads() {
    }

    static byte[] clusterId(String id) {
        return json(ordered("version", "1", "id", id));
    }

    static String decodeClusterId(byte[] data) {
        return (String) object(data).get("id");
    }

    /**
     * Kafka's broker registration, version 5: every advertised endpoint and its listener's security protocol, plus
     * the legacy {@code host}/{@code port} of the first PLAINTEXT endpoint (null and -1 without one).
     */
    static byte[] broker(BrokerRegistration r, long timestampMs) {
        Optional<Listener> legacy = r.plaintextEndpoint();
        Map<String, Object> json = ordered("version", BROKER_REGISTRATION_VERSION, "host",
                legacy.map(Listener::host).orElse(null), "port", legacy.map(Listener::port).orElse(-1));
        json.put("jmx_port", -1);
        json.put("timestamp", Long.toString(timestampMs));
        json.put("endpoints", r.endpoints().stream().map(Listener::toString).toList());
        Map<String, Object> protocols = new LinkedHashMap<>();
        r.endpoints().forEach(e -> protocols.put(e.name(), r.protocols().get(e.name()).name));
        json.put("listener_security_protocol_map", protocols);
        json.put("rack", r.rack());
        json.put("features", Map.of());
        return json(json);
    }

    /**
     * Reads any registration version Kafka wrote: version 1 has only {@code host}/{@code port} (a PLAINTEXT
     * listener named PLAINTEXT); later ones list {@code endpoints}, their protocols defaulting to Kafka's
     * name-equals-protocol map when {@code listener_security_protocol_map} is absent.
     */
    static BrokerRegistration decodeBroker(int id, byte[] data) {
        Map<String, Object> json = object(data);
        String rack = (String) json.get("rack");
        if (intValue(json.get("version")) <= 1) {
            Listener endpoint = new Listener(SecurityProtocol.PLAINTEXT.name, (String) json.get("host"),
                    intValue(json.get("port")));
            return new BrokerRegistration(id, List.of(endpoint), Map.of(endpoint.name(), SecurityProtocol.PLAINTEXT),
                    rack);
        }
        List<Listener> endpoints = ((List<?>) json.get("endpoints")).stream()
                .map(e -> Listener.parse("endpoints", (String) e)).toList();
        Map<String, SecurityProtocol> protocols = new LinkedHashMap<>();
        Object map = json.get("listener_security_protocol_map");
        for (Listener e : endpoints) {
            String protocol = map instanceof Map<?, ?> m ? (String) m.get(e.name()) : e.name();
            protocols.put(e.name(), SecurityProtocol.forName(Objects.requireNonNull(protocol,
                    () -> "no security protocol for listener " + e.name())));
        }
        return new BrokerRegistration(id, endpoints, protocols, rack);
    }

    static byte[] topicAssignment(TopicAssignment assignment) {
        Map<String, Object> partitions = new LinkedHashMap<>();
        for (int p = 0; p < assignment.replicas().size(); p++) {
            partitions.put(Integer.toString(p), assignment.replicas().get(p));
        }
        Map<String, Object> json = ordered("version", 3, "topic_id", assignment.topicId().toString());
        json.put("partitions", partitions);
        json.put("adding_replicas", byPartition(assignment.adding()));
        json.put("removing_replicas", byPartition(assignment.removing()));
        return json(json);
    }

    static TopicAssignment decodeTopicAssignment(byte[] data) {
        Map<String, Object> json = object(data);
        Map<?, ?> partitions = (Map<?, ?>) json.get("partitions");
        List<List<Integer>> replicas = new ArrayList<>(partitions.size());
        for (int p = 0; p < partitions.size(); p++) {
            Object list = partitions.get(Integer.toString(p));
            if (list == null) {
                throw new IllegalArgumentException("partitions are not numbered 0.." + (partitions.size() - 1));
            }
            replicas.add(intList(list));
        }
        return new TopicAssignment(Uuid.fromString((String) json.get("topic_id")), replicas,
                decodeByPartition(json.get("adding_replicas")), decodeByPartition(json.get("removing_replicas")));
    }

    private static Map<String, Object> byPartition(Map<Integer, List<Integer>> lists) {
        Map<String, Object> json = new LinkedHashMap<>();
        lists.forEach((p, list) -> json.put(Integer.toString(p), list));
        return json;
    }

    private static Map<Integer, List<Integer>> decodeByPartition(Object json) {
        Map<Integer, List<Integer>> lists = new TreeMap<>();
        if (json instanceof Map<?, ?> map) {
            map.forEach((p, list) -> lists.put(Integer.parseInt((String) p), intList(list)));
        }
        return lists;
    }

    static byte[] leaderAndIsr(LeaderAndIsr state, int controllerEpoch) {
        Map<String, Object> json = ordered("controller_epoch", controllerEpoch, "leader", state.leader(),
                "version", 1);
        json.put("leader_epoch", state.leaderEpoch());
        json.put("isr", state.isr());
        return json(json);
    }

    static LeaderAndIsr decodeLeaderAndIsr(byte[] data) {
        Map<String, Object> json = object(data);
        return new LeaderAndIsr(intValue(json.get("leader")), intValue(json.get("leader_epoch")),
                intList(json.get("isr")));
    }

    static int decodeStateControllerEpoch(byte[] data) {
        return intValue(object(data).get("controller_epoch"));
    }

    static byte[] topicConfig(Map<String, String> configs) {
        return json(ordered("version", 1, "config", new TreeMap<>(configs)));
    }

    static Map<String, String> decodeTopicConfig(byte[] data) {
        Map<String, String> configs = new LinkedHashMap<>();
        ((Map<?, ?>) object(data).get("config")).forEach((k, v) -> configs.put((String) k, (String) v));
        return configs;
    }

    static byte[] controller(int brokerId, long timestampMs) {
        return json(ordered("version", 1, "brokerid", brokerId, "timestamp", Long.toString(timestampMs)));
    }

    /** {@code /controller_epoch} holds the bare number, as in Kafka. */
    static byte[] controllerEpoch(int epoch) {
        return Integer.toString(epoch).getBytes(StandardCharsets.UTF_8);
    }

    static int decodeControllerEpoch(byte[] data) {
        return Integer.parseInt(new String(data, StandardCharsets.UTF_8).trim());
    }

    static int decodeControllerId(byte[] data) {
        return intValue(object(data).get("brokerid"));
    }

    static byte[] producerIdBlock(int brokerId, long firstId, long lastId) {
        Map<String, Object> json = ordered("version", 1, "broker", brokerId, "block_start", Long.toString(firstId));
        json.put("block_end", Long.toString(lastId));
        return json(json);
    }

    static long decodeProducerIdBlockEnd(byte[] data) {
        return Long.parseLong((String) object(data).get("block_end"));
    }

    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }

    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2, String k3, Object v3) {
        Map<String, Object> map = ordered(k1, v1, k2, v2);
        map.put(k3, v3);
        return map;
    }

    private static byte[] json(Object value) {
        return Json.write(value).getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(byte[] data) {
        return (Map<String, Object>) Json.parse(new String(data, StandardCharsets.UTF_8));
    }

    private static int intValue(Object number) {
        return Math.toIntExact((Long) number);
    }

    private static List<Integer> intList(Object list) {
        return ((List<?>) list).stream().map(ZkPayloads::intValue).toList();
    }
}
