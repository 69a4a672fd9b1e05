package io.haeryu.it;

import static io.haeryu.it.TopicAdminTest.assertSucceeds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * Topic and broker configs end to end: kafka-configs as a separate process and Admin's DescribeConfigs,
 * IncrementalAlterConfigs and AlterConfigs; changes apply without a restart and survive one.
 */
@Timeout(120)
class TopicConfigTest {

    private static final String RETENTION_CHECK_MS = "300";

    // Retention runs often, so a lowered retention.ms shows within the test.
    @RegisterExtension
    static final SharedBroker broker =
            SharedBroker.withOverrides(Map.of("log.retention.check.interval.ms", RETENTION_CHECK_MS));

    @Test
    void kafkaConfigsChangesApplyAtOnceAndSurviveARestart() throws Exception {
        String topic = Clients.uniqueTopic("retention");
        broker.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("segment.bytes", "2000"))))
            .all().get(30, TimeUnit.SECONDS);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of())) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v".repeat(200))).get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(earliest(tp)).isZero();
        ConfigEntry before = entry(topic, "retention.ms");
        assertThat(before.value()).isEqualTo("604800000");
        assertThat(before.source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);

        assertSucceeds(configs(topic, "--alter", "--add-config", "retention.ms=200"));
        ToolProcess.Result described = assertSucceeds(configs(topic, "--describe"));
        assertThat(described.stdout()).contains("retention.ms=200", "DYNAMIC_TOPIC_CONFIG:retention.ms=200")
            .doesNotContain("segment.ms=");
        // Applied without a restart: retention deletes the closed segments, moving the log start offset.
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> earliest(tp) > 0);

        broker.process().restart();
        ConfigEntry afterRestart = entry(topic, "retention.ms");
        assertThat(afterRestart.value()).isEqualTo("200");
        assertThat(afterRestart.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

        assertSucceeds(configs(topic, "--alter", "--delete-config", "retention.ms"));
        assertThat(entry(topic, "retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(entry(topic, "segment.bytes").value()).isEqualTo("2000");

        ToolProcess.Result all = assertSucceeds(configs(topic, "--describe", "--all"));
        assertThat(all.stdout()).contains("segment.bytes=2000", "cleanup.policy=delete", "retention.ms=604800000");
    }

    @Test
    void describeConfigsReportsSourcesSynonymsDocumentationAndTypes() throws Exception {
        String topic = Clients.uniqueTopic("describe");
        broker.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("max.message.bytes", "5000"))))
            .all().get(30, TimeUnit.SECONDS);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = broker.admin().describeConfigs(List.of(resource),
                new DescribeConfigsOptions().includeSynonyms(true).includeDocumentation(true))
            .all().get(30, TimeUnit.SECONDS).get(resource);

        ConfigEntry maxBytes = config.get("max.message.bytes");
        assertThat(maxBytes.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(maxBytes.type()).isEqualTo(ConfigEntry.ConfigType.INT);
        assertThat(maxBytes.synonyms()).extracting(ConfigEntry.ConfigSynonym::name)
            .containsExactly("max.message.bytes", "message.max.bytes");
        ConfigEntry retention = config.get("retention.ms");
        assertThat(retention.synonyms()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("log.retention.hours");
            assertThat(s.value()).isEqualTo("168");
            assertThat(s.source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        });
        assertThat(retention.documentation()).isNotBlank();
        assertThat(config.get("cleanup.policy").type()).isEqualTo(ConfigEntry.ConfigType.LIST);
        assertThat(config.entries()).extracting(ConfigEntry::name).contains("min.insync.replicas",
            "unclean.leader.election.enable", "delete.retention.ms", "min.compaction.lag.ms", "min.cleanable.dirty.ratio",
            "compression.type", "message.timestamp.type", "segment.ms", "retention.bytes");

        Config filtered = broker.admin().describeConfigs(List.of(resource), new DescribeConfigsOptions())
            .all().get(30, TimeUnit.SECONDS).get(resource);
        assertThat(filtered.get("retention.ms").synonyms()).isEmpty();
        assertThat(filtered.get("retention.ms").documentation()).isNull();
    }

    @Test
    void illegalValuesAndUnknownKeysAreRefusedNamingTheKey() throws Exception {
        String topic = Clients.uniqueTopic("invalid");
        Clients.createTopic(broker.admin(), topic, 1);
        assertRefused(topic, new AlterConfigOp(new ConfigEntry("retention.ms", "soon"), AlterConfigOp.OpType.SET),
            "retention.ms");
        assertRefused(topic, new AlterConfigOp(new ConfigEntry("retention.mss", "1"), AlterConfigOp.OpType.SET),
            "retention.mss");
        assertRefused(topic, new AlterConfigOp(new ConfigEntry("cleanup.policy", "shred"), AlterConfigOp.OpType.SET),
            "cleanup.policy");
        assertRefused(topic, new AlterConfigOp(new ConfigEntry("min.cleanable.dirty.ratio", "1.5"),
            AlterConfigOp.OpType.SET), "min.cleanable.dirty.ratio");
        assertRefused(topic, new AlterConfigOp(new ConfigEntry("retention.ms", "5"), AlterConfigOp.OpType.APPEND),
            "retention.ms");
        assertThat(entry(topic, "retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(entry(topic, "cleanup.policy").value()).isEqualTo("delete");

        ToolProcess.Result tool = configs(topic, "--alter", "--add-config", "retention.mss=1");
        assertThat(tool.exitCode()).isNotZero();
        assertThat(tool.stdout() + tool.stderr()).contains("retention.mss");
    }

    @Test
    void appendAndSubtractEditListConfigsAndValidateOnlyChangesNothing() throws Exception {
        String topic = Clients.uniqueTopic("policy");
        Clients.createTopic(broker.admin(), topic, 1);
        alter(topic, new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND));
        assertThat(entry(topic, "cleanup.policy").value()).isEqualTo("delete,compact");
        alter(topic, new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SUBTRACT));
        assertThat(entry(topic, "cleanup.policy").value()).isEqualTo("compact");

        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        broker.admin().incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "5"),
                AlterConfigOp.OpType.SET))), new AlterConfigsOptions().validateOnly(true))
            .all().get(30, TimeUnit.SECONDS);
        assertThat(entry(topic, "retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void brokerConfigsAreDescribedAndReadOnly() throws Exception {
        int brokerId = broker.admin().describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next().id();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(brokerId));
        Config config = broker.admin().describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        ConfigEntry interval = config.get("log.retention.check.interval.ms");
        assertThat(interval.value()).isEqualTo(RETENTION_CHECK_MS);
        assertThat(interval.source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(interval.isReadOnly()).isTrue();
        assertThat(config.get("num.partitions").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);

        assertThatThrownBy(() -> broker.admin().incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                new ConfigEntry("num.partitions", "7"), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS))
            .hasCauseInstanceOf(InvalidRequestException.class)
            .hasMessageContaining("Cannot update these configs dynamically: [num.partitions]");
    }

    private static void alter(String topic, AlterConfigOp op) throws Exception {
        broker.admin().incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(op)))
            .all().get(30, TimeUnit.SECONDS);
    }

    private static void assertRefused(String topic, AlterConfigOp op, String key) {
        assertThatThrownBy(() -> alter(topic, op))
            .hasCauseInstanceOf(InvalidConfigurationException.class)
            .hasMessageContaining(key);
    }

    private static ConfigEntry entry(String topic, String name) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return broker.admin().describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource).get(name);
    }

    private static long earliest(TopicPartition tp) throws Exception {
        return broker.admin().listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get(30, TimeUnit.SECONDS).offset();
    }

    /** kafka-configs on a topic. */
    private static ToolProcess.Result configs(String topic, String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrap(), "--entity-type", "topics",
            "--entity-name", topic));
        all.addAll(List.of(args));
        return ToolProcess.run(ToolProcess.javaTool("org.apache.kafka.tools.ConfigCommand", all), null,
            Duration.ofSeconds(60));
    }
}
