package io.haeryu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;

class BrokerConfigTest {

    @Test
    void kafkaDefaultsApplyWhenNothingIsSet() {
        BrokerConfig c = new BrokerConfig(Map.of());
        assertThat(c.brokerId()).isZero();
        assertThat(c.numPartitions()).isEqualTo(3);
        assertThat(c.listeners()).containsExactly(new Listener("PLAINTEXT", "", 9092));
        assertThat(c.advertisedListeners()).isEqualTo(c.listeners());
        assertThat(c.messageMaxBytes()).isEqualTo(1048588);
        assertThat(c.socketRequestMaxBytes()).isEqualTo(104857600);
        assertThat(c.segmentBytes()).isEqualTo(1 << 30);
        assertThat(c.retentionMs()).isEqualTo(168L * 3600 * 1000);
        assertThat(c.retentionBytes()).isEqualTo(-1);
        assertThat(c.autoCreateTopicsEnable()).isTrue();
        assertThat(c.zookeeperConnect()).isNull();
        assertThat(c.logDirs()).containsExactly(Path.of("/tmp/haeryu-logs"));
    }

    @Test
    void retentionResolvesMsThenMinutesThenHours() {
        assertThat(new BrokerConfig(Map.of("log.retention.hours", "1")).retentionMs()).isEqualTo(3_600_000L);
        assertThat(new BrokerConfig(Map.of("log.retention.hours", "1", "log.retention.minutes", "2")).retentionMs())
            .isEqualTo(120_000L);
        assertThat(new BrokerConfig(Map.of("log.retention.minutes", "2", "log.retention.ms", "5")).retentionMs())
            .isEqualTo(5L);
        assertThat(new BrokerConfig(Map.of("log.retention.ms", "-7")).retentionMs()).isEqualTo(-1L);
    }

    @Test
    void logDirsListWinsOverLogDir() {
        BrokerConfig c = new BrokerConfig(Map.of("log.dirs", "/a, /b", "log.dir", "/c"));
        assertThat(c.logDirs()).containsExactly(Path.of("/a"), Path.of("/b"));
    }

    @Test
    void unknownKeyIsRefusedByName() {
        assertThatThrownBy(() -> new BrokerConfig(Map.of("num.partition", "3")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("'num.partition'");
    }

    @Test
    void illegalValueIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> new BrokerConfig(Map.of("num.partitions", "0")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("num.partitions");
        assertThatThrownBy(() -> new BrokerConfig(Map.of("message.max.bytes", "lots")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("message.max.bytes");
        assertThatThrownBy(() -> new BrokerConfig(Map.of("log.message.timestamp.type", "WallClock")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("log.message.timestamp.type");
        assertThatThrownBy(() -> new BrokerConfig(Map.of("producer.id.expiration.ms", "0")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("producer.id.expiration.ms");
        assertThatThrownBy(() -> new BrokerConfig(Map.of("producer.id.expiration.check.interval.ms", "-1")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("producer.id.expiration.check.interval.ms");
    }

    @Test
    void producerIdExpirationHasKafkasDefaults() {
        BrokerConfig c = new BrokerConfig(Map.of());
        assertThat(c.getInt(BrokerConfig.PRODUCER_ID_EXPIRATION_MS)).isEqualTo(86_400_000);
        assertThat(c.getInt(BrokerConfig.PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS)).isEqualTo(600_000);
    }

    @Test
    void listenersAreParsedAndValidated() {
        BrokerConfig c = new BrokerConfig(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
            "advertised.listeners", "PLAINTEXT://broker1.example:19092"));
        assertThat(c.listeners()).containsExactly(new Listener("PLAINTEXT", "127.0.0.1", 0));
        assertThat(c.advertisedListeners()).containsExactly(new Listener("PLAINTEXT", "broker1.example", 19092));
        assertThatThrownBy(() -> new BrokerConfig(Map.of("listeners", "localhost:9092")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("listeners");
        assertThatThrownBy(() -> new BrokerConfig(Map.of("listeners", "PLAINTEXT://localhost:99999")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("listeners");
        assertThatThrownBy(() -> new BrokerConfig(Map.of("advertised.listeners", "PLAINTEXT://host:0")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("advertised");
    }

    /** The seed's docker-compose broker: an internal and a host listener. */
    private static Map<String, String> seedListeners() {
        return Map.of(
            "listeners", "PLAINTEXT://0.0.0.0:29092,PLAINTEXT_HOST://0.0.0.0:9092",
            "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT",
            "advertised.listeners", "PLAINTEXT://kafka:29092,PLAINTEXT_HOST://localhost:9092",
            "inter.broker.listener.name", "PLAINTEXT");
    }

    private static Map<String, String> with(Map<String, String> base, String... keyValues) {
        Map<String, String> props = new java.util.HashMap<>(base);
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] == null) {
                props.remove(keyValues[i]);
            } else {
                props.put(keyValues[i], keyValues[i + 1]);
            }
        }
        return props;
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> refused(Map<String, String> props) {
        return assertThatThrownBy(() -> new BrokerConfig(props)).isInstanceOf(ConfigException.class);
    }

    @Test
    void seedListenerLayoutIsAccepted() {
        BrokerConfig c = new BrokerConfig(seedListeners());
        assertThat(c.listeners()).containsExactly(new Listener("PLAINTEXT", "0.0.0.0", 29092),
            new Listener("PLAINTEXT_HOST", "0.0.0.0", 9092));
        assertThat(c.advertisedListeners()).containsExactly(new Listener("PLAINTEXT", "kafka", 29092),
            new Listener("PLAINTEXT_HOST", "localhost", 9092));
        assertThat(c.listenerSecurityProtocols()).containsOnly(Map.entry("PLAINTEXT", SecurityProtocol.PLAINTEXT),
            Map.entry("PLAINTEXT_HOST", SecurityProtocol.PLAINTEXT));
        assertThat(c.interBrokerListenerName()).isEqualTo("PLAINTEXT");
    }

    @Test
    void listenerNamesAreCaseInsensitiveAndAnyNumberCanBeBound() {
        BrokerConfig c = new BrokerConfig(Map.of(
            "listeners", "client://127.0.0.1:9092,Replication://127.0.0.1:9093,admin://[::1]:9094",
            "listener.security.protocol.map", "CLIENT:plaintext,REPLICATION:PLAINTEXT,ADMIN:PLAINTEXT",
            "inter.broker.listener.name", "replication"));
        assertThat(c.listeners()).extracting(Listener::name).containsExactly("CLIENT", "REPLICATION", "ADMIN");
        assertThat(c.listeners().get(2).host()).isEqualTo("::1");
        assertThat(c.interBrokerListenerName()).isEqualTo("REPLICATION");
    }

    @Test
    void listenerWithoutAProtocolInTheMapIsRefused() {
        refused(with(seedListeners(), "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT"))
            .hasMessageContaining("listeners").hasMessageContaining("PLAINTEXT_HOST")
            .hasMessageContaining("listener.security.protocol.map");
        // The default map knows only the protocol names.
        refused(Map.of("listeners", "CLIENT://:9092", "inter.broker.listener.name", "CLIENT"))
            .hasMessageContaining("CLIENT");
    }

    @Test
    void malformedProtocolMapIsRefused() {
        refused(Map.of("listener.security.protocol.map", "PLAINTEXT")).hasMessageContaining("listener.security.protocol.map");
        refused(Map.of("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,X:TLS"))
            .hasMessageContaining("listener.security.protocol.map").hasMessageContaining("TLS");
        refused(Map.of("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,plaintext:SSL"))
            .hasMessageContaining("appears twice");
    }

    @Test
    void securedListenersAreRefusedAsNotSupportedYet() {
        for (String protocol : List.of("SSL", "SASL_PLAINTEXT", "SASL_SSL")) {
            refused(Map.of("listeners", "PLAINTEXT://:9092," + protocol + "://:9093"))
                .hasMessageContaining("listeners").hasMessageContaining(protocol).hasMessageContaining("not supported yet");
        }
        refused(with(seedListeners(), "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:SSL"))
            .hasMessageContaining("PLAINTEXT_HOST uses security protocol SSL").hasMessageContaining("not supported yet");
    }

    @Test
    void duplicateListenerNamesAndPortsAreRefused() {
        refused(Map.of("listeners", "PLAINTEXT://a:9092,plaintext://b:9093")).hasMessageContaining("different name");
        refused(with(seedListeners(), "listeners", "PLAINTEXT://0.0.0.0:9092,PLAINTEXT_HOST://127.0.0.1:9092"))
            .hasMessageContaining("different port").hasMessageContaining("9092");
        refused(with(seedListeners(), "advertised.listeners", "PLAINTEXT://kafka:1,PLAINTEXT://kafka:2"))
            .hasMessageContaining("advertised.listeners").hasMessageContaining("different name");
        // Port 0 (any free port) may repeat; one IPv4 and one IPv6 listener may share a port, as in Kafka.
        new BrokerConfig(with(seedListeners(), "listeners", "PLAINTEXT://127.0.0.1:0,PLAINTEXT_HOST://127.0.0.1:0",
            "advertised.listeners", null));
        new BrokerConfig(with(seedListeners(), "listeners", "PLAINTEXT://127.0.0.1:9092,PLAINTEXT_HOST://[::1]:9092",
            "advertised.listeners", null));
        // An advertised port may repeat: one listener can advertise another's address.
        new BrokerConfig(with(seedListeners(), "advertised.listeners", "PLAINTEXT://lb:9092,PLAINTEXT_HOST://lb:9092"));
    }

    @Test
    void advertisedNamesMustBeASubsetAndTheRestAdvertiseTheirListener() {
        refused(with(seedListeners(), "advertised.listeners", "PLAINTEXT://kafka:29092,OTHER://x:1",
            "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT,OTHER:PLAINTEXT"))
            .hasMessageContaining("advertised.listeners").hasMessageContaining("OTHER").hasMessageContaining("subset");
        BrokerConfig c = new BrokerConfig(with(seedListeners(),
            "listeners", "PLAINTEXT://127.0.0.1:29092,PLAINTEXT_HOST://127.0.0.1:9092",
            "advertised.listeners", "PLAINTEXT_HOST://localhost:9092"));
        assertThat(c.advertisedListeners()).containsExactly(new Listener("PLAINTEXT_HOST", "localhost", 9092),
            new Listener("PLAINTEXT", "127.0.0.1", 29092));
    }

    @Test
    void wildcardAddressIsNeverAdvertised() {
        refused(with(seedListeners(), "advertised.listeners", "PLAINTEXT://0.0.0.0:29092,PLAINTEXT_HOST://localhost:9092"))
            .hasMessageContaining("advertised.listeners").hasMessageContaining("0.0.0.0");
        // Not named in advertised.listeners: PLAINTEXT_HOST would be advertised as bound, on 0.0.0.0.
        refused(with(seedListeners(), "advertised.listeners", "PLAINTEXT://kafka:29092"))
            .hasMessageContaining("0.0.0.0").hasMessageContaining("PLAINTEXT_HOST");
        refused(Map.of("listeners", "PLAINTEXT://0.0.0.0:9092")).hasMessageContaining("0.0.0.0");
    }

    @Test
    void interBrokerListenerFollowsKafkasRules() {
        refused(with(seedListeners(), "security.inter.broker.protocol", "PLAINTEXT"))
            .hasMessageContaining("inter.broker.listener.name").hasMessageContaining("security.inter.broker.protocol");
        refused(with(seedListeners(), "inter.broker.listener.name", "REPLICATION"))
            .hasMessageContaining("inter.broker.listener.name").hasMessageContaining("advertised.listeners");
        // Unset: the listener named after security.inter.broker.protocol (PLAINTEXT by default).
        assertThat(new BrokerConfig(with(seedListeners(), "inter.broker.listener.name", null)).interBrokerListenerName())
            .isEqualTo("PLAINTEXT");
        refused(Map.of("listeners", "CLIENT://:9092", "listener.security.protocol.map", "CLIENT:PLAINTEXT"))
            .hasMessageContaining("security.inter.broker.protocol").hasMessageContaining("inter.broker.listener.name");
        refused(Map.of("security.inter.broker.protocol", "TLS")).hasMessageContaining("security.inter.broker.protocol");
        refused(Map.of("security.inter.broker.protocol", "SSL")).hasMessageContaining("security.inter.broker.protocol")
            .hasMessageContaining("SSL");
    }

    @Test
    void controlPlaneListenerIsRefusedAsNotSupported() {
        assertThat(new BrokerConfig(seedListeners()).synonym("control.plane.listener.name")).isEmpty();
        refused(with(seedListeners(), "control.plane.listener.name", "PLAINTEXT"))
            .hasMessageContaining("control.plane.listener.name").hasMessageContaining("not supported");
    }

    @Test
    void topicConfigsFallBackToBrokerDefaults() {
        BrokerConfig broker = new BrokerConfig(Map.of("log.segment.bytes", "2048", "log.retention.ms", "1000"));
        Map<String, Object> resolved = TopicConfigs.resolve(broker, Map.of("retention.ms", "50"));
        assertThat(resolved.get(TopicConfigs.SEGMENT_BYTES)).isEqualTo(2048);
        assertThat(resolved.get(TopicConfigs.RETENTION_MS)).isEqualTo(50L);
        assertThatThrownBy(() -> TopicConfigs.validate(Map.of("retention.mss", "1")))
            .hasMessageContaining("retention.mss");
        assertThatThrownBy(() -> TopicConfigs.validate(Map.of("cleanup.policy", "shred")))
            .hasMessageContaining("cleanup.policy");
    }
}
