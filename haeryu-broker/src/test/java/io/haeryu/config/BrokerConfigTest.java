package io.haeryu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
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
        assertThatThrownBy(() -> new BrokerConfig(Map.of("listeners", "SSL://localhost:9093")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("PLAINTEXT");
        assertThatThrownBy(() -> new BrokerConfig(Map.of("advertised.listeners", "PLAINTEXT://host:0")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("advertised");
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
