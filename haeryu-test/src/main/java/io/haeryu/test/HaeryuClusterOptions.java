package io.haeryu.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link HaeryuCluster#start(HaeryuClusterOptions)} starts: how many brokers, broker configs on top of the test
 * defaults (for all brokers or one), and the topics to create before the cluster is handed to the test.
 * Immutable; {@link #builder()} makes one.
 */
public final class HaeryuClusterOptions {

    private final int brokers;
    private final Map<String, String> brokerConfigs;
    private final Map<Integer, Map<String, String>> perBrokerConfigs;
    private final List<TopicSpec> topics;
    private final Duration startTimeout;

    private HaeryuClusterOptions(Builder b) {
        this.brokers = b.brokers;
        this.brokerConfigs = Map.copyOf(b.brokerConfigs);
        Map<Integer, Map<String, String>> perBroker = new HashMap<>();
        b.perBrokerConfigs.forEach((id, configs) -> perBroker.put(id, Map.copyOf(configs)));
        this.perBrokerConfigs = Map.copyOf(perBroker);
        this.topics = List.copyOf(b.topics);
        this.startTimeout = b.startTimeout;
    }

    /** One broker, test defaults, no topics. */
    public static HaeryuClusterOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int brokers() {
        return brokers;
    }

    /** Configs given for every broker. */
    public Map<String, String> brokerConfigs() {
        return brokerConfigs;
    }

    /** Configs given for broker {@code id} only (they win over {@link #brokerConfigs()}). */
    public Map<String, String> brokerConfigs(int id) {
        return perBrokerConfigs.getOrDefault(id, Map.of());
    }

    public List<TopicSpec> topics() {
        return topics;
    }

    /** How long start-up (brokers, then topics) may take before it fails. */
    public Duration startTimeout() {
        return startTimeout;
    }

    /** Builds {@link HaeryuClusterOptions}. */
    public static final class Builder {
        private int brokers = 1;
        private final Map<String, String> brokerConfigs = new LinkedHashMap<>();
        private final Map<Integer, Map<String, String>> perBrokerConfigs = new HashMap<>();
        private final List<TopicSpec> topics = new ArrayList<>();
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder() {
        }

        /** Number of brokers, ids 0 to {@code count - 1}. */
        public Builder brokers(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("brokers must be at least 1, got " + count);
            }
            this.brokers = count;
            return this;
        }

        /** A broker config (Kafka's name, e.g. {@code min.insync.replicas}) for every broker. */
        public Builder brokerConfig(String key, String value) {
            brokerConfigs.put(key, value);
            return this;
        }

        public Builder brokerConfigs(Map<String, String> configs) {
            brokerConfigs.putAll(configs);
            return this;
        }

        /** A broker config for broker {@code id} only, e.g. its {@code broker.rack}. */
        public Builder brokerConfig(int id, String key, String value) {
            perBrokerConfigs.computeIfAbsent(id, k -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        public Builder topic(TopicSpec topic) {
            topics.add(topic);
            return this;
        }

        public Builder topic(String name, int partitions, int replicationFactor) {
            return topic(TopicSpec.of(name, partitions, replicationFactor));
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        public HaeryuClusterOptions build() {
            for (int id : perBrokerConfigs.keySet()) {
                if (id < 0 || id >= brokers) {
                    throw new IllegalArgumentException("Config given for broker " + id + " but the brokers are 0.."
                        + (brokers - 1));
                }
            }
            return new HaeryuClusterOptions(this);
        }
    }
}
