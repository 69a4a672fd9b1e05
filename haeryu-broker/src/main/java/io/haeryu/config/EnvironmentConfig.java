package io.haeryu.config;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Broker config keys taken from environment variables, the way the Apache Kafka and Confluent Docker images read
 * them: a variable {@code KAFKA_<NAME>} sets the key made from {@code NAME} in lower case with {@code ___} read as
 * {@code -}, then {@code __} as {@code _}, then {@code _} as {@code .} ({@code KAFKA_LOG_DIRS} is {@code log.dirs},
 * {@code KAFKA_LISTENER_NAME_A__B_SASL_ENABLED___MECHANISMS} is {@code listener.name.a_b.sasl.enabled-mechanisms}).
 * The same names under {@code HAERYU_} win over {@code KAFKA_}. Variables those images and the launch scripts use for
 * the JVM or the scripts themselves (heap, JVM options, log4j, JMX, debug, home) are not configs and are skipped;
 * so is every name listed in {@link #NOT_CONFIGS}. The keys are checked later, strictly, by {@link BrokerConfig}.
 */
public final class EnvironmentConfig {

    public static final String KAFKA_PREFIX = "KAFKA_";
    public static final String HAERYU_PREFIX = "HAERYU_";

    /** Variables that start with a prefix but are read by launch scripts, the JVM or the test harness. */
    static final Set<String> NOT_CONFIGS = Set.of(
        // kafka-run-class.sh / kafka-server-start.sh and the images' own scripts
        "KAFKA_HEAP_OPTS", "KAFKA_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_GC_LOG_OPTS", "KAFKA_LOG4J_OPTS",
        "KAFKA_LOG4J_ROOT_LOGLEVEL", "KAFKA_LOG4J_LOGGERS", "KAFKA_TOOLS_LOG4J_LOGLEVEL", "KAFKA_JMX_OPTS",
        "KAFKA_DEBUG", "KAFKA_HOME", "KAFKA_VERSION",
        // bin/haeryu, docker/entrypoint.sh and the haeryu client commands
        "HAERYU_HOME", "HAERYU_OPTS", "HAERYU_HEAP_OPTS", "HAERYU_BOOTSTRAP", "HAERYU_LOG_DIR", "HAERYU_PID_DIR",
        "HAERYU_STOP_TIMEOUT");
    /** Prefixes of whole families of non-config variables: JMX settings of the scripts, the test harness. */
    static final Set<String> NOT_CONFIG_PREFIXES = Set.of("KAFKA_JMX_", "HAERYU_IT_");
    /** Names the images map by hand because the rule above cannot spell them (a key with capitals). */
    static final Map<String, String> SPECIAL = Map.of("ZOOKEEPER_CLIENT_CNXN_SOCKET", "zookeeper.clientCnxnSocket");

    /** Where one key came from, for error messages. */
    public record Entry(String key, String value, String variable) {
    }

    private EnvironmentConfig() {
    }

    /** The config keys set by {@code env}, sorted by key; for each key the {@code HAERYU_} variable wins. */
    public static Map<String, Entry> fromEnvironment(Map<String, String> env) {
        Map<String, Entry> out = new TreeMap<>();
        Map<String, String> sorted = new TreeMap<>(env);
        for (String prefix : new String[] {KAFKA_PREFIX, HAERYU_PREFIX}) { // later prefixes win
            for (Map.Entry<String, String> e : sorted.entrySet()) {
                String variable = e.getKey();
                if (!variable.startsWith(prefix) || variable.length() == prefix.length() || isNotConfig(variable)) {
                    continue;
                }
                String key = toKey(variable.substring(prefix.length()));
                out.put(key, new Entry(key, e.getValue(), variable));
            }
        }
        return out;
    }

    /** {@code LOG_RETENTION_HOURS} to {@code log.retention.hours}, with the escapes for {@code -} and {@code _}. */
    static String toKey(String name) {
        String special = SPECIAL.get(name);
        if (special != null) {
            return special;
        }
        // Placeholders cannot occur in a variable name (letters, digits and '_' only).
        return name.toLowerCase(Locale.ROOT)
            .replace("___", "-")
            .replace("__", "\u0000")
            .replace('_', '.')
            .replace('\u0000', '_');
    }

    private static boolean isNotConfig(String variable) {
        return NOT_CONFIGS.contains(variable) || NOT_CONFIG_PREFIXES.stream().anyMatch(variable::startsWith);
    }
}
