package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Round trips with the real Java client (kafka-clients) against one broker. */
@Timeout(120)
class ClientRoundTripTest {

    @RegisterExtension
    static final SharedBroker broker = SharedBroker.forSimpleTests();

    private static String newTopic(String prefix, int partitions) throws Exception {
        String topic = Clients.uniqueTopic(prefix);
        Clients.createTopic(broker.admin(), topic, partitions);
        return topic;
    }

    @Test
    void sameKeyGoesToSamePartitionInOrder() throws Exception {
        String topic = newTopic("keys", 3);
        Map<String, Integer> partitionOfKey = new HashMap<>();
        try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(), Map.of())) {
            List<RecordMetadata> acks = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String key = "key-" + (i % 12);
                acks.add(p.send(new ProducerRecord<>(topic, key, key + "#" + i)).get(30, TimeUnit.SECONDS));
                Integer prev = partitionOfKey.putIfAbsent(key, acks.get(i).partition());
                assertThat(acks.get(i).partition()).as("partition of %s", key).isEqualTo(prev == null
                        ? acks.get(i).partition() : prev);
            }
        }
        assertThat(new HashSet<>(partitionOfKey.values())).as("12 keys over 3 partitions").hasSizeGreaterThan(1);

        List<ConsumerRecord<String, String>> records =
                Clients.readAll(broker.bootstrap(), Clients.partitions(topic, 3), Duration.ofSeconds(60));
        assertThat(records).hasSize(300);
        Map<String, Integer> lastSeq = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
            assertThat(r.partition()).as("partition of %s", r.key()).isEqualTo(partitionOfKey.get(r.key()));
            assertThat(r.value()).startsWith(r.key() + "#");
            int seq = Integer.parseInt(r.value().substring(r.value().indexOf('#') + 1));
            Integer prev = lastSeq.put(r.key(), seq);
            if (prev != null) {
                assertThat(seq).as("order of key %s", r.key()).isGreaterThan(prev);
            }
        }
    }

    @ParameterizedTest(name = "acks={0}")
    @ValueSource(strings = {"0", "1", "all"})
    void producesWithEveryAcksSetting(String acks) throws Exception {
        String topic = newTopic("acks" + acks, 3);
        try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(),
                Map.of(ProducerConfig.ACKS_CONFIG, acks))) {
            for (int i = 0; i < 100; i++) {
                RecordMetadata md = p.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
                if (!"0".equals(acks)) {
                    assertThat(md.hasOffset()).isTrue();
                }
            }
            p.flush();
        }
        List<String> values = values(Clients.readAll(broker.bootstrap(), Clients.partitions(topic, 3),
                Duration.ofSeconds(60)));
        assertThat(values).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 100).mapToObj(i -> "v" + i).toList());
    }

    /**
     * An acks=0 producer closes its connection right after its last send; the broker still appends what it had
     * read (Kafka's handlers process what the network thread queued), so nothing sent before the close is lost.
     */
    @Test
    void acksZeroRequestsPipelinedBeforeACloseAreAllAppended() throws Exception {
        String topic = newTopic("acks0-close", 1);
        int requests = 200;
        try (RawConnection c = new RawConnection(broker.bootstrap())) {
            short version = c.negotiatedVersion(ApiKeys.PRODUCE, (short) 9);
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            for (int i = 0; i < requests; i++) {
                MemoryRecords records = MemoryRecords
                    .withRecords(Compression.NONE,
                        new SimpleRecord(("v" + i).getBytes(StandardCharsets.UTF_8)));
                ProduceRequestData data =
                    new ProduceRequestData().setAcks((short) 0).setTimeoutMs(15_000)
                        .setTopicData(new ProduceRequestData.TopicProduceDataCollection(
                            List.of(new ProduceRequestData.TopicProduceData()
                                .setName(topic).setPartitionData(List.of(
                                    new ProduceRequestData.PartitionProduceData()
                                        .setIndex(0).setRecords(records)))).iterator()));
                ProduceRequest request =
                    new ProduceRequest.Builder(version, version, data).build(version);
                ByteBuffer body = request.serializeWithHeader(new RequestHeader(
                    ApiKeys.PRODUCE, version, "acks0-closer", c.nextCorrelationId()));
                frames.write(ByteBuffer.allocate(4).putInt(body.remaining()).array());
                byte[] bytes = new byte[body.remaining()];
                body.get(bytes);
                frames.write(bytes);
            }
            c.sendRaw(frames.toByteArray()); // every request in one write, then the close right away
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(broker.admin()
            .listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset()).isEqualTo(requests));
        assertThat(values(Clients.readAll(broker.bootstrap(), List.of(tp), Duration.ofSeconds(30))))
            .containsExactlyElementsOf(IntStream.range(0, requests).mapToObj(i -> "v" + i).toList());
    }

    @Test
    void defaultProducerIsIdempotentAndWorks() throws Exception {
        String topic = newTopic("idem", 1);
        try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(), Map.of())) {
            // kafka-clients 3.0+ defaults: enable.idempotence=true, acks=all -> InitProducerId + sequence numbers
            for (int i = 0; i < 50; i++) {
                RecordMetadata md = p.send(new ProducerRecord<>(topic, null, "v" + i)).get(30, TimeUnit.SECONDS);
                assertThat(md.offset()).isEqualTo(i);
            }
        }
        assertThat(values(Clients.readAll(broker.bootstrap(), Clients.partitions(topic, 1), Duration.ofSeconds(30))))
                .containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> "v" + i).toList());
    }

    @ParameterizedTest(name = "compression={0}")
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void compressedBatchesRoundTrip(String codec) throws Exception {
        String topic = newTopic("comp-" + codec, 1);
        List<String> sent = new ArrayList<>();
        try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(),
                Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec, ProducerConfig.LINGER_MS_CONFIG, "20"))) {
            for (int i = 0; i < 500; i++) {
                String v = codec + "-" + i + "-" + "x".repeat(i % 200);
                sent.add(v);
                p.send(new ProducerRecord<>(topic, "k" + (i % 7), v));
            }
            p.flush();
        }
        List<ConsumerRecord<String, String>> got =
                Clients.readAll(broker.bootstrap(), Clients.partitions(topic, 1), Duration.ofSeconds(60));
        assertThat(values(got)).containsExactlyElementsOf(sent);
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i).offset()).isEqualTo(i);
            assertThat(got.get(i).key()).isEqualTo("k" + (i % 7));
        }
    }

    @Test
    void headersRoundTrip() throws Exception {
        String topic = newTopic("headers", 1);
        try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(), Map.of())) {
            ProducerRecord<String, String> r = new ProducerRecord<>(topic, 0, "k", "v", List.<Header>of(
                    new RecordHeader("trace-id", "abc123".getBytes(StandardCharsets.UTF_8)),
                    new RecordHeader("empty", new byte[0]),
                    new RecordHeader("null-value", null),
                    new RecordHeader("trace-id", "second".getBytes(StandardCharsets.UTF_8))));
            p.send(r).get(30, TimeUnit.SECONDS);
        }
        ConsumerRecord<String, String> got =
                Clients.readAll(broker.bootstrap(), Clients.partitions(topic, 1), Duration.ofSeconds(30)).get(0);
        List<Header> headers = List.of(got.headers().toArray());
        assertThat(headers).extracting(Header::key).containsExactly("trace-id", "empty", "null-value", "trace-id");
        assertThat(new String(headers.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("abc123");
        assertThat(headers.get(1).value()).isEmpty();
        assertThat(headers.get(2).value()).isNull();
        assertThat(new String(headers.get(3).value(), StandardCharsets.UTF_8)).isEqualTo("second");
    }

    @Test
    void seekAndSeekToBeginningWithAssign() throws Exception {
        String topic = newTopic("seek", 2);
        try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(), Map.of())) {
            for (int i = 0; i < 20; i++) {
                p.send(new ProducerRecord<>(topic, 1, null, "p1-" + i));
            }
            p.flush();
        }
        TopicPartition tp = new TopicPartition(topic, 1);
        try (KafkaConsumer<String, String> c = Clients.consumer(broker.bootstrap(), Map.of())) {
            c.assign(List.of(tp));
            c.seek(tp, 15);
            List<ConsumerRecord<String, String>> got = pollUntil(c, 5);
            assertThat(got).extracting(ConsumerRecord::offset).containsExactly(15L, 16L, 17L, 18L, 19L);
            assertThat(got).extracting(ConsumerRecord::value).containsExactly("p1-15", "p1-16", "p1-17", "p1-18",
                    "p1-19");
            c.seekToBeginning(List.of(tp));
            assertThat(c.position(tp)).isZero();
            List<ConsumerRecord<String, String>> all = pollUntil(c, 20);
            assertThat(all).extracting(ConsumerRecord::offset).containsExactlyElementsOf(
                    IntStream.range(0, 20).mapToObj(Long::valueOf).toList());
            c.seekToEnd(List.of(tp));
            assertThat(c.position(tp)).isEqualTo(20);
            assertThat(c.poll(Duration.ofMillis(500))).isEmpty();
        }
    }

    @Test
    void listOffsetsEarliestLatestAndByTimestamp() throws Exception {
        String topic = newTopic("offsets", 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        long t0 = System.currentTimeMillis() - 3_600_000L;
        try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(), Map.of())) {
            for (int i = 0; i < 10; i++) {
                p.send(new ProducerRecord<>(topic, 0, t0 + i * 1000L, null, "t" + i));
                p.flush(); // one batch per record, so timestamps are looked up across batches
            }
        }
        assertThat(listOffset(tp, OffsetSpec.earliest()).offset()).isZero();
        assertThat(listOffset(tp, OffsetSpec.latest()).offset()).isEqualTo(10);
        ListOffsetsResultInfo at = listOffset(tp, OffsetSpec.forTimestamp(t0 + 5500));
        assertThat(at.offset()).isEqualTo(6);
        assertThat(at.timestamp()).isEqualTo(t0 + 6000);
        assertThat(listOffset(tp, OffsetSpec.forTimestamp(t0)).offset()).isZero();
        assertThat(listOffset(tp, OffsetSpec.forTimestamp(t0 + 9000)).offset()).isEqualTo(9);
        assertThat(listOffset(tp, OffsetSpec.forTimestamp(t0 + 60_000)).offset())
                .as("no record at or after the timestamp").isEqualTo(-1);
        ListOffsetsResultInfo max = listOffset(tp, OffsetSpec.maxTimestamp());
        assertThat(max.offset()).isEqualTo(9);
        assertThat(max.timestamp()).isEqualTo(t0 + 9000);
    }

    @Test
    void topicIsAutoCreatedOnProduceWithDefaultThreePartitions() throws Exception {
        String topic = Clients.uniqueTopic("auto");
        assertThat(broker.admin().listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(topic);
        try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(), Map.of())) {
            RecordMetadata md = p.send(new ProducerRecord<>(topic, "k", "v")).get(60, TimeUnit.SECONDS);
            assertThat(md.offset()).isZero();
        }
        TopicDescription d = broker.admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        assertThat(d.partitions()).as("num.partitions default").hasSize(3);
        assertThat(values(Clients.readAll(broker.bootstrap(), Clients.partitions(topic, 3), Duration.ofSeconds(30))))
                .containsExactly("v");
    }

    @Test
    void createTopicsDefaultPartitionCountIsThree() throws Exception {
        String topic = Clients.uniqueTopic("dflt");
        broker.admin().createTopics(List.of(new NewTopic(topic, java.util.Optional.empty(), java.util.Optional.empty())))
                .all().get(30, TimeUnit.SECONDS);
        TopicDescription d = broker.admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        assertThat(d.partitions()).hasSize(3);
    }

    @Test
    void createTopicWithInvalidNameFails() {
        for (String bad : List.of("bad/name", "..", "a".repeat(250), "spaces are bad", "")) {
            assertThatThrownBy(() -> broker.admin().createTopics(List.of(new NewTopic(bad, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS))
                    .as("topic name '%s'", bad)
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(InvalidTopicException.class);
        }
    }

    @Test
    void createExistingTopicFails() throws Exception {
        String topic = newTopic("exists", 1);
        assertThatThrownBy(() -> Clients.createTopic(broker.admin(), topic, 1))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TopicExistsException.class);
    }

    @Test
    void deleteTopicThenRecreate() throws Exception {
        String topic = newTopic("recreate", 2);
        try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(), Map.of())) {
            for (int i = 0; i < 10; i++) {
                p.send(new ProducerRecord<>(topic, i % 2, null, "old-" + i));
            }
            p.flush();
        }
        broker.admin().deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(broker.admin().listTopics().names().get(10, TimeUnit.SECONDS)).doesNotContain(topic));
        assertThatThrownBy(() -> broker.admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .untilAsserted(() -> Clients.createTopic(broker.admin(), topic, 1));
        TopicPartition tp = new TopicPartition(topic, 0);
        assertThat(Clients.latestOffset(broker.admin(), tp)).isZero();
        try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(), Map.of())) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                    assertThat(p.send(new ProducerRecord<>(topic, 0, null, "new-0")).get(10, TimeUnit.SECONDS)
                            .offset()).isZero());
        }
        assertThat(broker.admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                .partitions()).hasSize(1);
        assertThat(values(Clients.readAll(broker.bootstrap(), List.of(tp), Duration.ofSeconds(30))))
                .containsExactly("new-0");
    }

    private static ListOffsetsResultInfo listOffset(TopicPartition tp, OffsetSpec spec) throws Exception {
        return broker.admin().listOffsets(Map.of(tp, spec)).partitionResult(tp).get(30, TimeUnit.SECONDS);
    }

    private static List<ConsumerRecord<String, String>> pollUntil(KafkaConsumer<String, String> c, int n) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (out.size() < n && System.nanoTime() < deadline) {
            c.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }

}
