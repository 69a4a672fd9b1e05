package io.haeryu.config;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/**
 * One config as DescribeConfigs reports it: the effective value, where it comes from, and the chain of places it
 * could come from (Kafka's "synonyms", most specific first; the first one is where the value comes from).
 */
public record DescribedConfig(String name, String value, ConfigSource source, boolean readOnly, ConfigDef.Type type,
                              String documentation, List<Synonym> synonyms) {

    /** A place a config value can be set: the topic's override or one of the broker's keys. */
    public record Synonym(String name, String value, ConfigSource source) {
    }

    public DescribedConfig {
        synonyms = List.copyOf(synonyms);
    }

    /** Kafka's string form of a parsed value (lists comma-separated, null stays null). */
    static String asString(Object value, ConfigDef.Type type) {
        return value == null ? null : ConfigDef.convertToString(value, type);
    }
}
