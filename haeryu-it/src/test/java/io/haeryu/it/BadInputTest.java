package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/** Malformed, oversized and invalid input over raw sockets and real clients; the broker must survive all of it. */
@Timeout(120)
class BadInputTest {

    private static final int SOCKET_REQUEST_MAX = 512 * 1024;
    private static final int MESSAGE_MAX = 100_000;
    private static final Duration CLOSE_WITHIN = Duration.ofSeconds(10);

    @RegisterExtension
    static final SharedBroker broker = SharedBroker.withOverrides(Map.of(
            "socket.request.max.bytes", String.valueOf(SOCKET_REQUEST_MAX),
            "message.max.bytes", String.valueOf(MESSAGE_MAX),
            "auto.create.topics.enable", "false"));

    /** After every test the broker still serves a fresh client. */
    @AfterEach
    void brokerStillServes() throws Exception {
        assertThat(broker.process().isAlive()).as("broker process alive\n%s", broker.process().logTail(40)).isTrue();
        try (RawConnection c = new RawConnection(broker.bootstrap())) {
            assertThat(c.apiVersions().errorCode()).isZero();
        }
        assertThat(broker.admin().describeCluster().nodes().get(30, TimeUnit.SECONDS)).isNotEmpty();
    }

    @Test
    void frameLargerThanSocketRequestMaxBytesClosesConnection() throws Exception {
        try (RawConnection bad = new RawConnection(broker.bootstrap());
             RawConnection good = new RawConnection(broker.bootstrap())) {
            ByteBuffer b = ByteBuffer.allocate(4 + 64);
            b.putInt(SOCKET_REQUEST_MAX + 1);
            bad.sendRaw(b.array());
            assertThat(bad.closedByPeer(CLOSE_WITHIN)).as("oversized frame closes the connection").isTrue();
            // another client connected at the same time is unaffected
            assertThat(good.apiVersions().errorCode()).isZero();
            assertThat(good.closedByPeer(Duration.ofMillis(500))).as("a well-behaved connection stays open").isFalse();
        }
        try (RawConnection bad = new RawConnection(broker.bootstrap())) {
            bad.sendRaw(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
            assertThat(bad.closedByPeer(CLOSE_WITHIN)).as("2 GiB frame size").isTrue();
        }
    }

    @Test
    void negativeFrameSizeClosesConnection() throws Exception {
        try (RawConnection bad = new RawConnection(broker.bootstrap())) {
            bad.sendRaw(ByteBuffer.allocate(8).putInt(-1).putInt(0).array());
            assertThat(bad.closedByPeer(CLOSE_WITHIN)).isTrue();
        }
    }

    @Test
    void garbageBytesCloseConnection() throws Exception {
        try (RawConnection bad = new RawConnection(broker.bootstrap())) {
            byte[] garbage = new byte[40];
            Arrays.fill(garbage, (byte) 0xAB);
            bad.sendFrame(garbage);
            assertThat(bad.closedByPeer(CLOSE_WITHIN)).as("garbage frame").isTrue();
        }
    }

    @Test
    void truncatedHeaderClosesConnection() throws Exception {
        try (RawConnection bad = new RawConnection(broker.bootstrap())) {
            bad.sendFrame(new byte[] {0, 18, 0}); // api key + half a version, no correlation id
            assertThat(bad.closedByPeer(CLOSE_WITHIN)).as("truncated header").isTrue();
        }
        try (RawConnection bad = new RawConnection(broker.bootstrap())) {
            // ApiVersions v3 header whose client id claims 200 bytes but the frame ends after 5
            bad.sendFrame(new byte[] {0, 18, 0, 3, 0, 0, 0, 7, 0, (byte) 200, 'a', 'b', 'c', 'd', 'e'});
            assertThat(bad.closedByPeer(CLOSE_WITHIN)).as("client id beyond the frame").isTrue();
        }
    }

    @Test
    void unknownApiKeyClosesConnection() throws Exception {
        try (RawConnection bad = new RawConnection(broker.bootstrap())) {
            bad.sendFrame(header((short) 9999, (short) 0, 42, false));
            assertThat(bad.closedByPeer(CLOSE_WITHIN)).as("api key 9999").isTrue();
        }
    }

    @Test
    void apiVersionsAtUnsupportedVersionAnswersV0WithUnsupportedVersion() throws Exception {
        try (RawConnection c = new RawConnection(broker.bootstrap())) {
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(header(ApiKeys.API_VERSIONS.id, (short) 127, 77, true));
            // a v3-style body (compact strings + empty tagged fields); the broker must not need to parse it
            frame.write(new byte[] {3, 'i', 't', 2, '1', 0});
            c.sendFrame(frame.toByteArray());
            ByteBuffer resp = c.receiveFrame();
            assertThat(resp.getInt()).as("correlation id").isEqualTo(77);
            ApiVersionsResponseData data = new ApiVersionsResponseData(new ByteBufferAccessor(resp), (short) 0);
            assertThat(data.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code()).isEqualTo((short) 35);
            ApiVersionsResponseData.ApiVersion av = data.apiKeys().find(ApiKeys.API_VERSIONS.id);
            assertThat(av).as("ApiVersions range advertised").isNotNull();
            assertThat(av.minVersion()).isZero();
            assertThat(av.maxVersion()).isGreaterThanOrEqualTo((short) 3).isLessThan((short) 127);
            // Apache Kafka lists only the ApiVersions range here (KIP-511) so the client can retry at a version
            // both sides know; listing every API is allowed too. Any range given must be sane.
            for (ApiVersionsResponseData.ApiVersion k : data.apiKeys()) {
                assertThat(k.minVersion()).as("range of api %d", k.apiKey()).isBetween((short) 0, k.maxVersion());
            }
            assertThat(resp.remaining()).as("a v0 body has nothing after the api array").isZero();
        }
    }

    @Test
    void produceBatchWithBadCrcIsRejectedAndNothingAppended() throws Exception {
        String topic = Clients.uniqueTopic("crc");
        Clients.createTopic(broker.admin(), topic, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (RawConnection c = new RawConnection(broker.bootstrap())) {
            short v = c.negotiatedVersion(ApiKeys.PRODUCE, (short) 12);
            MemoryRecords good = MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord("k".getBytes(StandardCharsets.UTF_8), "good".getBytes(StandardCharsets.UTF_8)));
            ProduceResponseData.PartitionProduceResponse ok = produce(c, v, topic, good);
            assertThat(Errors.forCode(ok.errorCode())).isEqualTo(Errors.NONE);
            assertThat(ok.baseOffset()).isZero();
            assertThat(Clients.latestOffset(broker.admin(), tp)).isEqualTo(1);

            ByteBuffer buf = MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord("k".getBytes(StandardCharsets.UTF_8), "corrupt-me".getBytes(StandardCharsets.UTF_8)))
                    .buffer();
            byte[] bytes = new byte[buf.remaining()];
            buf.get(bytes);
            bytes[bytes.length - 3] ^= 0x5A; // inside the record value, covered by the batch CRC
            ProduceResponseData.PartitionProduceResponse bad = produce(c, v, topic,
                    MemoryRecords.readableRecords(ByteBuffer.wrap(bytes)));
            assertThat(Errors.forCode(bad.errorCode())).isEqualTo(Errors.CORRUPT_MESSAGE);
            assertThat(bad.errorCode()).isEqualTo((short) 2);
        }
        assertThat(Clients.latestOffset(broker.admin(), tp)).as("log end offset unchanged").isEqualTo(1);
        assertThat(Clients.readAll(broker.bootstrap(), List.of(tp), Duration.ofSeconds(30)))
                .extracting(r -> r.value()).containsExactly("good");
    }

    @Test
    void recordLargerThanMessageMaxBytesIsRejected() throws Exception {
        String topic = Clients.uniqueTopic("big");
        Clients.createTopic(broker.admin(), topic, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(), Map.of(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(4 * MESSAGE_MAX)))) {
            String big = "x".repeat(2 * MESSAGE_MAX);
            assertThatThrownBy(() -> p.send(new ProducerRecord<>(topic, 0, "k", big)).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(RecordTooLargeException.class);
            // a record under the limit on the same producer still goes through
            assertThat(p.send(new ProducerRecord<>(topic, 0, "k", "small")).get(30, TimeUnit.SECONDS).offset())
                    .isZero();
        }
        try (RawConnection c = new RawConnection(broker.bootstrap())) {
            short v = c.negotiatedVersion(ApiKeys.PRODUCE, (short) 12);
            MemoryRecords big = MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord(null, new byte[MESSAGE_MAX + 1000]));
            ProduceResponseData.PartitionProduceResponse r = produce(c, v, topic, big);
            assertThat(r.errorCode()).isEqualTo(Errors.MESSAGE_TOO_LARGE.code()).isEqualTo((short) 10);
        }
        assertThat(Clients.latestOffset(broker.admin(), tp)).isEqualTo(1);
    }

    @Test
    void unknownTopicIsNotAutoCreatedWhenDisabled() throws Exception {
        String topic = Clients.uniqueTopic("absent");
        try (RawConnection c = new RawConnection(broker.bootstrap())) {
            short mv = c.negotiatedVersion(ApiKeys.METADATA, (short) 12);
            MetadataResponse md = c.call(new MetadataRequest.Builder(List.of(topic), true), mv);
            MetadataResponseData.MetadataResponseTopic t = md.data().topics().stream()
                    .filter(x -> topic.equals(x.name())).findFirst().orElseThrow();
            assertThat(Errors.forCode(t.errorCode())).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);

            short pv = c.negotiatedVersion(ApiKeys.PRODUCE, (short) 12);
            ProduceResponseData.PartitionProduceResponse pr = produce(c, pv, topic,
                    MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes(StandardCharsets.UTF_8))));
            assertThat(Errors.forCode(pr.errorCode())).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(),
                Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, "3000"))) {
            assertThatThrownBy(() -> p.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS))
                    .as("producing to a missing topic fails when auto-creation is off");
        }
        assertThatThrownBy(() -> broker.admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(broker.admin().listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(topic);
    }

    // ------------------------------------------------------------------------------------------------

    private static ProduceResponseData.PartitionProduceResponse produce(RawConnection c, short version, String topic,
            MemoryRecords records) throws Exception {
        return c.produce(version, topic, 0, records);
    }

    /** A request header: api key, version, correlation id, client id; optionally the v2 tagged-field byte. */
    private static byte[] header(short apiKey, short version, int correlationId, boolean flexible) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeShort(apiKey);
        d.writeShort(version);
        d.writeInt(correlationId);
        d.writeShort(2);
        d.writeBytes("it");
        if (flexible) {
            d.writeByte(0);
        }
        return b.toByteArray();
    }
}
