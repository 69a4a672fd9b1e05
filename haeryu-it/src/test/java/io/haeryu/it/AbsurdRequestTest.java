package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.ElectLeadersRequest;
import org.apache.kafka.common.requests.ElectLeadersResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Well-formed but absurd requests (issue 9, reproduction 5): each gets Kafka's error code and the broker goes on.
 * The first one, {@code kafka-topics --create --partitions 2000000000}, used to end the broker with an
 * OutOfMemoryError; Kafka answers POLICY_VIOLATION (at most 10,000 partitions per request).
 */
@Timeout(180)
class AbsurdRequestTest {

    @RegisterExtension
    static final SharedBroker broker = SharedBroker.withOverrides(Map.of("auto.create.topics.enable", "false"));

    @AfterEach
    void brokerStillServes() throws Exception {
        assertThat(broker.process().isAlive()).as("broker alive\n%s", broker.process().logTail(40)).isTrue();
        String topic = "still-serving-" + System.nanoTime();
        broker.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        assertThat(broker.admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS))
            .containsKey(topic);
    }

    private static Throwable cause(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            return e.getCause() instanceof ExecutionException ee ? ee.getCause() : e.getCause();
        }
        throw new AssertionError("no error");
    }

    private static Throwable createError(NewTopic topic) {
        try {
            broker.admin().createTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("created " + topic);
    }

    @Test
    void twoBillionPartitionsArePolicyViolationNotAnOutOfMemoryError() throws Exception {
        assertThat(createError(new NewTopic("two-billion", 2_000_000_000, (short) 1)))
            .isInstanceOf(PolicyViolationException.class)
            .hasMessage("Excessively large number of partitions per request.");
        assertThat(broker.admin().listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("two-billion");
    }

    @Test
    void theLimitIsPerRequestAndRefusesEveryTopicOfIt() throws Exception {
        var result = broker.admin().createTopics(List.of(new NewTopic("half-a", 5_000, (short) 1),
            new NewTopic("half-b", 5_001, (short) 1)), new CreateTopicsOptions().validateOnly(true));
        for (String name : List.of("half-a", "half-b")) {
            assertThatThrownBy(() -> result.values().get(name).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(PolicyViolationException.class);
        }
        // 10,000 exactly is allowed (checked without creating 10,000 logs)
        broker.admin().createTopics(List.of(new NewTopic("ten-thousand", 10_000, (short) 1)),
            new CreateTopicsOptions().validateOnly(true)).all().get(60, TimeUnit.SECONDS);
    }

    @Test
    void tenThousandAndOneTopicsOfOnePartitionAreCountedTogether() throws Exception {
        // Invalid names: should the limit not fire, every topic would get INVALID_TOPIC_EXCEPTION and none exist.
        CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(30_000);
        for (int i = 0; i <= 10_000; i++) {
            data.topics().add(new CreatableTopic().setName("bad name " + i).setNumPartitions(1).setReplicationFactor((short) 1));
        }
        try (RawConnection raw = new RawConnection(broker.bootstrap())) {
            short version = raw.negotiatedVersion(ApiKeys.CREATE_TOPICS, ApiKeys.CREATE_TOPICS.latestVersion());
            CreateTopicsResponse response = raw.call(new CreateTopicsRequest.Builder(data), version);
            assertThat(response.data().topics()).hasSize(10_001).allSatisfy((CreatableTopicResult r) -> {
                assertThat(Errors.forCode(r.errorCode())).isEqualTo(Errors.POLICY_VIOLATION);
                assertThat(r.errorMessage()).isEqualTo("Excessively large number of partitions per request.");
            });
        }
    }

    @Test
    void growingByTwoBillionPartitionsIsPolicyViolation() throws Exception {
        broker.admin().createTopics(List.of(new NewTopic("grow", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        assertThat(cause(() -> get(broker.admin().createPartitions(Map.of("grow", NewPartitions.increaseTo(2_000_000_000))).all())))
            .isInstanceOf(PolicyViolationException.class)
            .hasMessage("Excessively large number of additional partitions per request.");
        assertThat(cause(() -> get(broker.admin().createPartitions(Map.of("grow", NewPartitions.increaseTo(Integer.MAX_VALUE)),
                new org.apache.kafka.clients.admin.CreatePartitionsOptions().validateOnly(true)).all())))
            .isInstanceOf(PolicyViolationException.class);
        assertThat(broker.admin().describeTopics(List.of("grow")).allTopicNames().get(30, TimeUnit.SECONDS)
            .get("grow").partitions()).hasSize(1);
    }

    @Test
    void absurdReplicationFactorsAndReplicaListsGetKafkasErrors() throws Exception {
        assertThat(createError(new NewTopic("rf-max", 1, Short.MAX_VALUE))).isInstanceOf(InvalidReplicationFactorException.class);
        assertThat(createError(new NewTopic("rf-neg", Optional.of(1), Optional.of((short) -5))))
            .isInstanceOf(InvalidReplicationFactorException.class);
        assertThat(createError(new NewTopic("parts-neg", Optional.of(-5), Optional.of((short) 1))))
            .isInstanceOf(InvalidPartitionsException.class);
        assertThat(createError(new NewTopic("parts-zero", Optional.of(0), Optional.of((short) 1))))
            .isInstanceOf(InvalidPartitionsException.class);
        assertThat(createError(new NewTopic("dup-replicas", Map.of(0, List.of(0, 0, 0)))))
            .isInstanceOf(InvalidReplicaAssignmentException.class);
        assertThat(createError(new NewTopic("more-replicas-than-brokers", Map.of(0, List.of(0, 1, 2)))))
            .isInstanceOf(InvalidReplicaAssignmentException.class);
        assertThat(createError(new NewTopic("empty-replicas", Map.of(0, List.of()))))
            .isInstanceOf(InvalidReplicaAssignmentException.class);
        assertThat(createError(new NewTopic("gap", Map.of(0, List.of(0), 2, List.of(0)))))
            .isInstanceOf(InvalidReplicaAssignmentException.class);
        List<Integer> manyReplicas = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            manyReplicas.add(i);
        }
        assertThat(createError(new NewTopic("hundred-thousand-replicas", Map.of(0, manyReplicas))))
            .isInstanceOf(InvalidReplicaAssignmentException.class);
        try {
            broker.admin().createTopics(List.of(new NewTopic("reassigned", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(org.apache.kafka.common.errors.TopicExistsException.class);
        }
        assertThat(cause(() -> get(broker.admin().alterPartitionReassignments(Map.of(new TopicPartition("reassigned", 0),
                Optional.of(new org.apache.kafka.clients.admin.NewPartitionReassignment(manyReplicas)))).all())))
            .isInstanceOf(InvalidReplicaAssignmentException.class);
    }

    @Test
    void configValuesAsLongAsTheWireAllowsAreKeptWithoutWedgingZooKeeper() throws Exception {
        // Strings on the wire are at most 32,767 bytes; zero-padded numbers of that length are valid values, and
        // seven of them make a config znode of over 200 KB, written together with the topic's partition znodes.
        Map<String, String> longest = new java.util.LinkedHashMap<>();
        for (String key : List.of("retention.ms", "retention.bytes", "delete.retention.ms", "file.delete.delay.ms",
                "min.compaction.lag.ms", "flush.ms", "segment.ms")) {
            String sane = key.equals("retention.bytes") ? "1073741824" : "604800000";
            longest.put(key, "0".repeat(Short.MAX_VALUE - sane.length()) + sane);
        }
        broker.admin().createTopics(List.of(new NewTopic("long-configs", 3, (short) 1).configs(longest)))
            .all().get(60, TimeUnit.SECONDS);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "long-configs");
        ConfigEntry retention = broker.admin().describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS)
            .get(resource).get("retention.ms");
        assertThat(retention.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(Long.parseLong(retention.value())).isEqualTo(604_800_000L);
        broker.admin().incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
            new ConfigEntry("max.compaction.lag.ms", "0".repeat(Short.MAX_VALUE - 13) + "9223372036854"),
            AlterConfigOp.OpType.SET)))).all().get(60, TimeUnit.SECONDS);
    }

    @Test
    void absurdOffsetsCountsAndSizesOnDataApis() throws Exception {
        broker.admin().createTopics(List.of(new NewTopic("data", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("data", 0, null, "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        TopicPartition tp = new TopicPartition("data", 0);
        assertThat(cause(() -> get(broker.admin().deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(Long.MAX_VALUE))).all())))
            .isInstanceOf(OffsetOutOfRangeException.class);

        try (RawConnection raw = new RawConnection(broker.bootstrap())) {
            // A fetch that allows itself every byte there is, for partition 0 and for a partition that does not exist.
            short fetchVersion = raw.negotiatedVersion(ApiKeys.FETCH, (short) 12);
            FetchRequestData fetch = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1)
                .setMaxBytes(Integer.MAX_VALUE).setIsolationLevel((byte) 0).setSessionEpoch(-1);
            fetch.topics().add(new FetchRequestData.FetchTopic().setTopic("data").setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(Integer.MAX_VALUE)
                    .setCurrentLeaderEpoch(-1).setLogStartOffset(-1),
                new FetchRequestData.FetchPartition().setPartition(Integer.MAX_VALUE).setFetchOffset(Long.MAX_VALUE)
                    .setPartitionMaxBytes(Integer.MAX_VALUE).setCurrentLeaderEpoch(-1).setLogStartOffset(-1))));
            FetchResponse fr = raw.call(new FetchRequest.SimpleBuilder(fetch), fetchVersion);
            List<FetchResponseData.PartitionData> parts = fr.data().responses().get(0).partitions();
            assertThat(parts).hasSize(2);
            assertThat(Errors.forCode(parts.get(0).errorCode())).isEqualTo(Errors.NONE);
            assertThat(parts.get(0).highWatermark()).isEqualTo(10);
            assertThat(Errors.forCode(parts.get(1).errorCode())).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);

            // An offset commit for a partition that cannot exist, with the largest offset, outside any group generation.
            short commitVersion = raw.negotiatedVersion(ApiKeys.OFFSET_COMMIT, (short) 8);
            OffsetCommitRequestData commit = new OffsetCommitRequestData().setGroupId("absurd-group")
                .setGenerationIdOrMemberEpoch(-1).setMemberId("");
            commit.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("data").setPartitions(List.of(
                new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(Integer.MAX_VALUE)
                    .setCommittedOffset(Long.MAX_VALUE).setCommittedMetadata("m"))));
            OffsetCommitResponse cr = awaitCoordinator(raw, commit, commitVersion);
            OffsetCommitResponseData.OffsetCommitResponsePartition p = cr.data().topics().get(0).partitions().get(0);
            assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }

        assertThat(Clients.readAll(broker.bootstrap(), List.of(tp), Duration.ofSeconds(30)))
            .extracting(ConsumerRecord::offset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void anUnknownElectionTypeIsInvalidRequest() throws Exception {
        // Found by MutationFuzzTest: ElectionType.valueOf threw, and the answer was UNKNOWN_SERVER_ERROR.
        broker.admin().createTopics(List.of(new NewTopic("elect", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        ElectLeadersRequest.Builder preferred = new ElectLeadersRequest.Builder(
            org.apache.kafka.common.ElectionType.PREFERRED, List.of(new TopicPartition("elect", 0)), 30_000);
        AbstractRequest.Builder<ElectLeadersRequest> unknownType = new AbstractRequest.Builder<>(ApiKeys.ELECT_LEADERS) {
            @Override
            public ElectLeadersRequest build(short version) {
                ElectLeadersRequest request = preferred.build(version);
                request.data().setElectionType((byte) 7);
                return request;
            }
        };
        try (RawConnection raw = new RawConnection(broker.bootstrap())) {
            short version = raw.negotiatedVersion(ApiKeys.ELECT_LEADERS, (short) 2);
            ElectLeadersResponse response = raw.call(unknownType, version);
            assertThat(Errors.forCode(response.data().errorCode())).isEqualTo(Errors.INVALID_REQUEST);
            assertThat(response.data().replicaElectionResults()).flatExtracting(r -> r.partitionResult())
                .extracting(p -> Errors.forCode(p.errorCode())).containsOnly(Errors.INVALID_REQUEST);
        }
    }

    /** The first commit may find the offsets topic still being created (COORDINATOR_NOT_AVAILABLE / LOAD_IN_PROGRESS). */
    private static OffsetCommitResponse awaitCoordinator(RawConnection raw, OffsetCommitRequestData commit, short version) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(
            () -> raw.call(OffsetCommitRequest.Builder.forTopicNames(commit), version),
            (OffsetCommitResponse r) -> {
                Errors e = Errors.forCode(r.data().topics().get(0).partitions().get(0).errorCode());
                return e != Errors.COORDINATOR_NOT_AVAILABLE && e != Errors.COORDINATOR_LOAD_IN_PROGRESS
                    && e != Errors.NOT_COORDINATOR;
            });
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> f) {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
