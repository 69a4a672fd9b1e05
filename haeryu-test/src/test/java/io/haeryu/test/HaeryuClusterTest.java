package io.haeryu.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/** The plain API against one in-process broker, with real clients. */
class HaeryuClusterTest {

    @Test
    void startsWithTopicsThatProduceAndConsumeAndRemovesItsDataAtClose() throws Exception {
        Path dataDir;
        try (HaeryuCluster cluster = HaeryuCluster.start(HaeryuClusterOptions.builder()
                .topic(TopicSpec.of("orders", 3, 1).withConfig("cleanup.policy", "compact"))
                .build());
             HaeryuTestClients clients = cluster.clients()) {
            dataDir = cluster.dataDir();
            assertThat(dataDir).isDirectory();
            assertThat(cluster.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");

            try (Admin admin = cluster.admin()) {
                assertThat(admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").partitions())
                    .hasSize(3);
                ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "orders");
                assertThat(admin.describeConfigs(List.of(topic)).all().get().get(topic).get("cleanup.policy").value())
                    .isEqualTo("compact");
            }

            clients.produce("orders", 10);
            List<ConsumerRecord<String, String>> read = clients.consume("orders", 10, Duration.ofSeconds(20));
            assertThat(read).extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 10)
                    .mapToObj(i -> "value-" + i).toList());
        }
        assertThat(Files.exists(dataDir)).isFalse();
    }

    @Test
    void consumerGroupBecomesStableWithoutTheInitialRebalanceDelay() {
        try (HaeryuCluster cluster = HaeryuCluster.start();
             HaeryuTestClients clients = cluster.clients()) {
            clients.createTopic("events", 2, 1);
            clients.produce("events", 4);
            try (KafkaConsumer<String, String> consumer = clients.consumer("readers")) {
                consumer.subscribe(List.of("events"));
                assertThat(HaeryuTestClients.consume(consumer, 4, Duration.ofSeconds(20))).hasSize(4);
                ConsumerGroupDescription group = clients.awaitGroupStable("readers", 1, Duration.ofSeconds(20));
                assertThat(group.members().iterator().next().assignment().topicPartitions()).hasSize(2);
            }
        }
    }

    @Test
    void consumerOffsetsTopicIsCreatedOnlyWhenAGroupFirstNeedsIt() throws Exception {
        try (HaeryuCluster cluster = HaeryuCluster.start(HaeryuClusterOptions.builder().topic("t", 1, 1).build());
             HaeryuTestClients clients = cluster.clients()) {
            ListTopicsOptions withInternal = new ListTopicsOptions().listInternal(true);
            assertThat(clients.admin().listTopics(withInternal).names().get()).containsExactly("t");
            try (KafkaConsumer<String, String> consumer = clients.consumer("first-group")) {
                consumer.subscribe(List.of("t"));
                clients.produce("t", 1);
                assertThat(HaeryuTestClients.consume(consumer, 1, Duration.ofSeconds(20))).hasSize(1);
            }
            assertThat(clients.admin().listTopics(withInternal).names().get()).contains("__consumer_offsets");
        }
    }

    @Test
    void brokerConfigsApplyAndTheKitsOwnKeysAreRefused() throws Exception {
        try (HaeryuCluster cluster = HaeryuCluster.start(HaeryuClusterOptions.builder()
                .brokerConfig("num.partitions", "4").build());
             Admin admin = cluster.admin()) {
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "0");
            ConfigEntry entry = admin.describeConfigs(List.of(broker)).all().get().get(broker).get("num.partitions");
            assertThat(entry.value()).isEqualTo("4");
        }
        assertThatThrownBy(() -> HaeryuCluster.start(HaeryuClusterOptions.builder()
                .brokerConfig("listeners", "PLAINTEXT://127.0.0.1:9092").build()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listeners");
        assertThatThrownBy(() -> HaeryuCluster.start(HaeryuClusterOptions.builder()
                .brokerConfigs(Map.of("no.such.config", "1")).build()))
            .isInstanceOf(ConfigException.class).hasMessageContaining("no.such.config");
    }
}
