package io.haeryu.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Options and topic specs are checked when built; annotation options are parsed strictly. */
class HaeryuClusterOptionsTest {

    @Test
    void defaultsAreOneBrokerWithoutTopics() {
        HaeryuClusterOptions options = HaeryuClusterOptions.defaults();
        assertThat(options.brokers()).isEqualTo(1);
        assertThat(options.topics()).isEmpty();
        assertThat(options.brokerConfigs()).isEmpty();
    }

    @Test
    void perBrokerConfigsWinAndMustNameAnExistingBroker() {
        HaeryuClusterOptions options = HaeryuClusterOptions.builder().brokers(2)
            .brokerConfig("broker.rack", "a").brokerConfig(1, "broker.rack", "b").build();
        assertThat(options.brokerConfigs(0)).isEmpty();
        assertThat(options.brokerConfigs(1)).containsEntry("broker.rack", "b");
        assertThatThrownBy(() -> HaeryuClusterOptions.builder().brokers(2).brokerConfig(2, "broker.rack", "c").build())
            .hasMessageContaining("broker 2");
        assertThatThrownBy(() -> HaeryuClusterOptions.builder().brokers(0)).hasMessageContaining("at least 1");
    }

    @Test
    void topicSpecsRefuseImpossibleShapes() {
        assertThat(TopicSpec.of("t").replicationFactor()).isEqualTo((short) -1);
        assertThat(TopicSpec.of("t", 2, 1).withConfig("cleanup.policy", "compact").configs())
            .isEqualTo(Map.of("cleanup.policy", "compact"));
        assertThatThrownBy(() -> TopicSpec.of("t", 0, 1)).hasMessageContaining("partitions");
        assertThatThrownBy(() -> TopicSpec.of("t", 1, 0)).hasMessageContaining("replication factor");
    }

    @HaeryuTest(brokers = 2, configs = "min.insync.replicas = 2",
        topics = @HaeryuTopic(name = "c", partitions = 3, replicationFactor = 2, configs = "cleanup.policy=compact"))
    private static final class Annotated {
    }

    @HaeryuTest(configs = "min.insync.replicas")
    private static final class Malformed {
    }

    @Test
    void annotationOptionsAreParsed() {
        HaeryuClusterOptions options = HaeryuExtension.fromAnnotation(Annotated.class.getAnnotation(HaeryuTest.class));
        assertThat(options.brokers()).isEqualTo(2);
        assertThat(options.brokerConfigs()).isEqualTo(Map.of("min.insync.replicas", "2"));
        assertThat(options.topics()).containsExactly(
            new TopicSpec("c", 3, (short) 2, Map.of("cleanup.policy", "compact")));
        assertThatThrownBy(() -> HaeryuExtension.fromAnnotation(Malformed.class.getAnnotation(HaeryuTest.class)))
            .isInstanceOf(ExtensionConfigurationException.class).hasMessageContaining("key=value");
    }
}
