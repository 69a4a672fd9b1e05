package io.haeryu.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.haeryu.config.BrokerConfig;
import io.haeryu.log.LogConfig;
import java.util.Map;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Topic configs, resolved against the broker's, become the log's {@link LogConfig}. */
class ReplicaManagerLogConfigTest {

    private static LogConfig logConfig(Map<String, String> broker, Map<String, String> topic) {
        return new ReplicaManager(0, new BrokerConfig(broker), null, null, null, null, null, null).logConfig(topic);
    }

    @Test
    void compactionSettingsReachTheLog() {
        LogConfig c = logConfig(Map.of("log.cleaner.min.cleanable.ratio", "0.2"), Map.of("cleanup.policy", "compact",
            "delete.retention.ms", "5", "min.compaction.lag.ms", "6", "max.compaction.lag.ms", "7"));
        assertThat(c.cleanupPolicyCompact()).isTrue();
        assertThat(c.cleanupPolicyDelete()).isFalse();
        assertThat(c.deleteRetentionMs()).isEqualTo(5);
        assertThat(c.minCompactionLagMs()).isEqualTo(6);
        assertThat(c.maxCompactionLagMs()).isEqualTo(7);
        assertThat(c.minCleanableDirtyRatio()).isEqualTo(0.2);
    }

    @Test
    void brokerDefaultsApplyWhenTheTopicSaysNothing() {
        LogConfig c = logConfig(Map.of("log.cleanup.policy", "compact,delete", "log.retention.minutes", "3",
            "log.message.timestamp.type", "LogAppendTime"), Map.of());
        assertThat(c.cleanupPolicyCompact()).isTrue();
        assertThat(c.cleanupPolicyDelete()).isTrue();
        assertThat(c.retentionMs()).isEqualTo(180_000);
        assertThat(c.messageTimestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(c.deleteRetentionMs()).isEqualTo(86_400_000L);
        assertThat(c.maxCompactionLagMs()).isEqualTo(Long.MAX_VALUE);

        LogConfig plain = logConfig(Map.of(), Map.of());
        assertThat(plain.cleanupPolicyDelete()).isTrue();
        assertThat(plain.cleanupPolicyCompact()).isFalse();
    }
}
