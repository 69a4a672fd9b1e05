package io.haeryu.test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A topic a test needs: name, partition count, replication factor and topic-level configs (Kafka's names, e.g.
 * {@code cleanup.policy}). A replication factor of -1 means the broker's {@code default.replication.factor}, as in
 * Kafka's {@code CreateTopics}.
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (partitions < 1) {
            throw new IllegalArgumentException("Topic " + name + ": partitions must be at least 1, got " + partitions);
        }
        if (replicationFactor < 1 && replicationFactor != -1) {
            throw new IllegalArgumentException("Topic " + name + ": replication factor must be at least 1 (or -1 for "
                + "the broker default), got " + replicationFactor);
        }
        configs = Map.copyOf(configs);
    }

    /** One partition, the broker's default replication factor. */
    public static TopicSpec of(String name) {
        return new TopicSpec(name, 1, (short) -1, Map.of());
    }

    public static TopicSpec of(String name, int partitions, int replicationFactor) {
        return new TopicSpec(name, partitions, (short) replicationFactor, Map.of());
    }

    /** This topic with one more topic-level config. */
    public TopicSpec withConfig(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(configs);
        more.put(key, value);
        return new TopicSpec(name, partitions, replicationFactor, more);
    }
}
