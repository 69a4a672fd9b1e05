package io.haeryu.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentConfigTest {

    private static Map<String, String> keys(Map<String, String> env) {
        Map<String, String> out = new java.util.TreeMap<>();
        EnvironmentConfig.fromEnvironment(env).forEach((k, e) -> out.put(k, e.value()));
        return out;
    }

    @Test
    void seedComposeVariablesBecomeTheirKafkaKeys() {
        Map<String, String> env = Map.of(
            "KAFKA_BROKER_ID", "1",
            "KAFKA_ZOOKEEPER_CONNECT", "zookeeper:2181",
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT",
            "KAFKA_LISTENERS", "PLAINTEXT://0.0.0.0:29092,PLAINTEXT_HOST://0.0.0.0:9092",
            "KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://kafka:29092,PLAINTEXT_HOST://localhost:9092",
            "KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT",
            "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1",
            "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0",
            "PATH", "/usr/bin");
        assertThat(keys(env)).containsExactlyInAnyOrderEntriesOf(Map.of(
            "broker.id", "1",
            "zookeeper.connect", "zookeeper:2181",
            "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT",
            "listeners", "PLAINTEXT://0.0.0.0:29092,PLAINTEXT_HOST://0.0.0.0:9092",
            "advertised.listeners", "PLAINTEXT://kafka:29092,PLAINTEXT_HOST://localhost:9092",
            "inter.broker.listener.name", "PLAINTEXT",
            "offsets.topic.replication.factor", "1",
            "group.initial.rebalance.delay.ms", "0"));
    }

    @Test
    void doubleUnderscoreIsAnUnderscoreAndTripleADash() {
        assertThat(EnvironmentConfig.toKey("LISTENER_NAME_PLAINTEXT__HOST_SASL_ENABLED___MECHANISMS"))
            .isEqualTo("listener.name.plaintext_host.sasl.enabled-mechanisms");
        assertThat(EnvironmentConfig.toKey("LOG_DIRS")).isEqualTo("log.dirs");
        assertThat(EnvironmentConfig.toKey("NUM")).isEqualTo("num");
        assertThat(EnvironmentConfig.toKey("ZOOKEEPER_CLIENT_CNXN_SOCKET")).isEqualTo("zookeeper.clientCnxnSocket");
    }

    @Test
    void haeryuPrefixWinsOverKafkaPrefixAndNamesTheVariable() {
        Map<String, EnvironmentConfig.Entry> got = EnvironmentConfig.fromEnvironment(Map.of(
            "KAFKA_NUM_PARTITIONS", "3", "HAERYU_NUM_PARTITIONS", "6", "KAFKA_BROKER_ID", "2"));
        assertThat(got.get("num.partitions")).isEqualTo(
            new EnvironmentConfig.Entry("num.partitions", "6", "HAERYU_NUM_PARTITIONS"));
        assertThat(got.get("broker.id").variable()).isEqualTo("KAFKA_BROKER_ID");
    }

    @Test
    void launcherAndJvmVariablesAreNotConfigs() {
        Map<String, String> env = new java.util.HashMap<>();
        for (String v : new String[] {"KAFKA_HEAP_OPTS", "KAFKA_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS",
            "KAFKA_LOG4J_OPTS", "KAFKA_JMX_OPTS", "KAFKA_JMX_PORT", "KAFKA_JMX_HOSTNAME", "KAFKA_DEBUG",
            "KAFKA_GC_LOG_OPTS", "KAFKA_HOME", "KAFKA_VERSION", "KAFKA_LOG4J_ROOT_LOGLEVEL", "HAERYU_HOME",
            "HAERYU_OPTS", "HAERYU_HEAP_OPTS", "HAERYU_BOOTSTRAP", "HAERYU_LOG_DIR", "HAERYU_PID_DIR",
            "HAERYU_IT_IMPL", "HAERYU_IT_BOOTSTRAP", "KAFKA_", "HAERYU_"}) {
            env.put(v, "x");
        }
        env.put("KAFKA_LOG_DIRS", "/var/lib/haeryu/data");
        assertThat(keys(env)).containsOnlyKeys("log.dirs");
    }

    @Test
    void emptyEnvironmentSetsNothing() {
        assertThat(EnvironmentConfig.fromEnvironment(Map.of("HOME", "/root"))).isEmpty();
    }
}
