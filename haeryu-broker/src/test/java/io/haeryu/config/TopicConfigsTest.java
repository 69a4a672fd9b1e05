package io.haeryu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.junit.jupiter.api.Test;

class TopicConfigsTest {

    private static DescribedConfig find(List<DescribedConfig> all, String name) {
        return all.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void anOverrideWinsAndListsTheBrokerKeysBelowIt() {
        BrokerConfig broker = new BrokerConfig(Map.of("log.retention.minutes", "30"));
        DescribedConfig retention = find(TopicConfigs.describe(broker, Map.of("retention.ms", "1000")), "retention.ms");
        assertThat(retention.value()).isEqualTo("1000");
        assertThat(retention.source()).isEqualTo(ConfigSource.TOPIC_CONFIG);
        assertThat(retention.type()).isEqualTo(ConfigDef.Type.LONG);
        assertThat(retention.synonyms()).containsExactly(
            new DescribedConfig.Synonym("retention.ms", "1000", ConfigSource.TOPIC_CONFIG),
            new DescribedConfig.Synonym("log.retention.minutes", "30", ConfigSource.STATIC_BROKER_CONFIG),
            new DescribedConfig.Synonym("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG));
    }

    @Test
    void withoutAnOverrideTheBrokersSettingIsTheEffectiveValueAndSource() {
        BrokerConfig broker = new BrokerConfig(Map.of("log.retention.minutes", "30", "log.cleanup.policy", "compact"));
        List<DescribedConfig> all = TopicConfigs.describe(broker, Map.of());
        assertThat(find(all, "retention.ms").value()).isEqualTo("1800000");
        assertThat(find(all, "retention.ms").source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(find(all, "cleanup.policy").value()).isEqualTo("compact");
        assertThat(find(all, "segment.ms").value()).isEqualTo("604800000");
        assertThat(find(all, "segment.ms").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        // log.flush.interval.ms has no default: Kafka reports flush.ms as Long.MAX_VALUE, with no synonym.
        assertThat(find(all, "flush.ms").value()).isEqualTo(String.valueOf(Long.MAX_VALUE));
        assertThat(find(all, "flush.ms").synonyms()).isEmpty();
        assertThat(find(all, "flush.ms").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void effectiveListStartsFromTheBrokerDefaultAndNamesAnIllegalKey() {
        BrokerConfig broker = new BrokerConfig(Map.of());
        assertThat(TopicConfigs.effectiveList(broker, Map.of(), "cleanup.policy")).containsExactly("delete");
        assertThat(TopicConfigs.effectiveList(broker, Map.of("cleanup.policy", "compact,delete", "retention.ms", "x"),
            "cleanup.policy")).containsExactly("compact", "delete");
        assertThatThrownBy(() -> TopicConfigs.effectiveList(broker, Map.of("cleanup.policy", "shred"), "cleanup.policy"))
            .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("cleanup.policy");
        assertThat(TopicConfigs.isList("cleanup.policy")).isTrue();
        assertThat(TopicConfigs.isList("retention.ms")).isFalse();
    }

    @Test
    void brokerConfigsAreReadOnlyAndSayWhereTheyComeFrom() {
        List<DescribedConfig> all = new BrokerConfig(Map.of("num.partitions", "7")).describe();
        assertThat(find(all, "num.partitions").source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(find(all, "num.partitions").value()).isEqualTo("7");
        assertThat(find(all, "log.retention.hours").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(find(all, "log.retention.ms").value()).isNull();
        assertThat(all).allMatch(DescribedConfig::readOnly);
    }
}
