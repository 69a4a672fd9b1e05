package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KIP-467 per-record produce errors, as librdkafka's {@code 0011_produce_batch} expects them: a compacted topic,
 * one batch of 100 records of which 10 have no key. The whole batch is refused with INVALID_RECORD, the response
 * (v8+) lists exactly those 10 batch indexes, nothing is appended, and the Java producer fails those 10 sends with
 * InvalidRecordException and the other 90 as part of an invalid batch.
 */
@Timeout(120)
class ProduceRecordErrorsTest {

    private static final List<Integer> NULL_KEYS = IntStream.range(0, 10).map(i -> 7 + 10 * i).boxed().toList();

    @RegisterExtension
    static final SharedBroker broker = SharedBroker.forSimpleTests();

    private String compactedTopic() throws Exception {
        String topic = Clients.uniqueTopic("compacted-nokey");
        broker.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1)
            .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
        return topic;
    }

    private static MemoryRecords hundredWithTenNullKeys(Compression compression) {
        SimpleRecord[] records = new SimpleRecord[100];
        for (int i = 0; i < records.length; i++) {
            byte[] key = NULL_KEYS.contains(i) ? null : ("k" + i).getBytes(StandardCharsets.UTF_8);
            records[i] = new SimpleRecord(System.currentTimeMillis(), key, ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(compression, records);
    }

    @Test
    void rawProduceListsEveryRecordWithoutAKeyFromVersion8() throws Exception {
        String topic = compactedTopic();
        try (RawConnection c = new RawConnection(broker.bootstrap())) {
            short v = c.negotiatedVersion(ApiKeys.PRODUCE, (short) 12);
            assertThat(v).isGreaterThanOrEqualTo((short) 8);
            for (Compression compression : List.of(Compression.NONE, Compression.lz4().build())) {
                ProduceResponseData.PartitionProduceResponse r = c.produce(v, topic, 0, hundredWithTenNullKeys(compression));
                assertThat(Errors.forCode(r.errorCode())).as(compression.type().name).isEqualTo(Errors.INVALID_RECORD);
                assertThat(r.recordErrors()).extracting(ProduceResponseData.BatchIndexAndErrorMessage::batchIndex)
                    .containsExactlyElementsOf(NULL_KEYS);
                assertThat(r.recordErrors()).allSatisfy(e -> assertThat(e.batchIndexErrorMessage()).isNotBlank());
                assertThat(r.errorMessage()).isNotBlank();
                assertThat(r.baseOffset()).isEqualTo(-1);
            }
            // Before v8 the response has no place for them: the error alone.
            ProduceResponseData.PartitionProduceResponse v7 = c.produce((short) 7, topic, 0,
                hundredWithTenNullKeys(Compression.NONE));
            assertThat(Errors.forCode(v7.errorCode())).isEqualTo(Errors.INVALID_RECORD);
            assertThat(v7.recordErrors()).isEmpty();
            assertThat(v7.errorMessage()).isNull();
        }
        assertThat(Clients.latestOffset(broker.admin(), new TopicPartition(topic, 0))).as("nothing appended").isZero();
    }

    @Test
    void javaProducerFailsTheKeylessSendsWithInvalidRecordAndTheRestAsCollateral() throws Exception {
        String topic = compactedTopic();
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        // One batch: everything to one partition, sent only by the flush.
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of(
                ProducerConfig.LINGER_MS_CONFIG, "60000", ProducerConfig.BATCH_SIZE_CONFIG, "1000000",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "90000", ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000"))) {
            for (int i = 0; i < 100; i++) {
                sends.add(producer.send(new ProducerRecord<>(topic, 0, NULL_KEYS.contains(i) ? null : "k" + i, "v" + i)));
            }
            producer.flush();
        }
        List<Integer> invalid = new ArrayList<>();
        for (int i = 0; i < sends.size(); i++) {
            Throwable cause;
            try {
                sends.get(i).get(30, TimeUnit.SECONDS);
                cause = null;
            } catch (ExecutionException e) {
                cause = e.getCause();
            }
            assertThat(cause).as("send %d", i).isNotNull();
            if (cause instanceof InvalidRecordException) {
                invalid.add(i);
            }
        }
        assertThat(invalid).containsExactlyElementsOf(NULL_KEYS);
        assertThat(Clients.latestOffset(broker.admin(), new TopicPartition(topic, 0))).as("nothing appended").isZero();
    }
}
