package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Raw sockets sending replica fetches (a replica id) for a partition whose only replica is the broker itself: they
 * get Kafka's answers (UNKNOWN_LEADER_EPOCH when the fetch names the leader epoch, else NOT_LEADER_OR_FOLLOWER), no
 * records and no diverging-epoch hint, and the partition's state does not move.
 */
class ReplicaFetchFromNonReplicaTest {

    @RegisterExtension
    static final SharedBroker broker = SharedBroker.forSimpleTests();

    private static final short VERSION = 12;
    private static final int NOT_A_REPLICA = 7;

    private static FetchResponseData.PartitionData replicaFetch(TopicPartition tp, Uuid topicId, long offset,
                                                                Optional<Integer> leaderEpoch,
                                                                Optional<Integer> lastFetchedEpoch) throws Exception {
        LinkedHashMap<TopicPartition, FetchRequest.PartitionData> data = new LinkedHashMap<>();
        data.put(tp, new FetchRequest.PartitionData(topicId, offset, 0, 1 << 20, leaderEpoch, lastFetchedEpoch));
        try (RawConnection raw = new RawConnection(broker.bootstrap())) {
            FetchResponse response = raw.call(FetchRequest.Builder.forReplica(VERSION, NOT_A_REPLICA, -1, 0, 1, data),
                VERSION);
            assertThat(response.error()).isEqualTo(Errors.NONE);
            return response.data().responses().get(0).partitions().get(0);
        }
    }

    @Test
    void nonReplicaGetsKafkasErrorAndMovesNothing() throws Exception {
        String topic = Clients.uniqueTopic("not-yours");
        TopicPartition tp = new TopicPartition(topic, 0);
        broker.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        Uuid topicId = broker.admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
            .get(topic).topicId();
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(),
                Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k", "v-" + i)).get(30, TimeUnit.SECONDS);
            }
        }

        FetchResponseData.PartitionData withEpoch = replicaFetch(tp, topicId, 5, Optional.of(0), Optional.empty());
        assertThat(Errors.forCode(withEpoch.errorCode())).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH);
        FetchResponseData.PartitionData withoutEpoch = replicaFetch(tp, topicId, 5, Optional.empty(), Optional.empty());
        assertThat(Errors.forCode(withoutEpoch.errorCode())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        // Claims a last fetched epoch the leader never had: no history is revealed to a non-replica either.
        FetchResponseData.PartitionData diverging = replicaFetch(tp, topicId, 3, Optional.of(0), Optional.of(9));
        assertThat(Errors.forCode(diverging.errorCode())).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH);
        assertThat(FetchResponse.divergingEpoch(diverging)).isEmpty();
        assertThat(FetchResponse.recordsSize(diverging)).isZero();

        assertThat(Clients.latestOffset(broker.admin(), tp)).isEqualTo(5);
        List<ConsumerRecord<String, String>> records = Clients.readAll(broker.bootstrap(), List.of(tp),
            Duration.ofSeconds(30));
        assertThat(records).extracting(ConsumerRecord::value).containsExactly("v-0", "v-1", "v-2", "v-3", "v-4");
    }
}
