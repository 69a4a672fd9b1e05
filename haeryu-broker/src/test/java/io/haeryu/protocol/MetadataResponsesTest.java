package io.haeryu.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.haeryu.cluster.BrokerRegistration;
import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.PartitionState;
import io.haeryu.cluster.TestBrokers;
import io.haeryu.cluster.TopicInfo;
import io.haeryu.config.Listener;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;

/** Per-listener answers: brokers without the client's listener are left out, their leaderships hidden. */
class MetadataResponsesTest {

    /** Broker 1 has PLAINTEXT and CLIENT; broker 2 only PLAINTEXT. p0 is led by 1, p1 by 2, p2 by dead broker 3. */
    private static final MetadataImage IMAGE;

    static {
        BrokerRegistration one = new BrokerRegistration(1,
            List.of(new Listener("PLAINTEXT", "internal-1", 9092), new Listener("CLIENT", "public-1", 19092)),
            Map.of("PLAINTEXT", SecurityProtocol.PLAINTEXT, "CLIENT", SecurityProtocol.PLAINTEXT), "r1");
        BrokerRegistration two = TestBrokers.plaintext(2, "internal-2", 9092, null);
        TopicInfo topic = new TopicInfo("t", Uuid.randomUuid(), List.of(
            new PartitionState(0, List.of(1, 2), 1, 5, List.of(1, 2)),
            new PartitionState(1, List.of(2, 1), 2, 5, List.of(2, 1)),
            new PartitionState(2, List.of(3, 1), 3, 5, List.of(3))), Map.of());
        IMAGE = new MetadataImage("cluster", Map.of(1, one, 2, two), Map.of("t", topic), Map.of(topic.topicId(), topic),
            1);
    }

    @Test
    void brokersWithoutTheListenerAreLeftOut() {
        assertThat(IMAGE.aliveNodes("CLIENT")).containsExactly(new Node(1, "public-1", 19092, "r1"));
        assertThat(IMAGE.aliveNodes("PLAINTEXT")).containsExactly(new Node(1, "internal-1", 9092, "r1"),
            new Node(2, "internal-2", 9092));
        assertThat(IMAGE.aliveNodes("NONE")).isEmpty();
    }

    @Test
    void aLeaderWithoutTheListenerIsNotGiven() {
        List<MetadataResponsePartition> v12 = MetadataResponses.topic(IMAGE.topic("t").orElseThrow(), IMAGE,
            "CLIENT", (short) 12).partitions();
        assertThat(v12).extracting(MetadataResponsePartition::leaderId).containsExactly(1, -1, -1);
        assertThat(v12).extracting(p -> Errors.forCode(p.errorCode()))
            .containsExactly(Errors.NONE, Errors.LISTENER_NOT_FOUND, Errors.LEADER_NOT_AVAILABLE);
        // Before v6 clients do not know LISTENER_NOT_FOUND.
        assertThat(MetadataResponses.topic(IMAGE.topic("t").orElseThrow(), IMAGE, "CLIENT", (short) 5).partitions())
            .extracting(p -> Errors.forCode(p.errorCode()))
            .containsExactly(Errors.NONE, Errors.LEADER_NOT_AVAILABLE, Errors.LEADER_NOT_AVAILABLE);
        assertThat(MetadataResponses.topic(IMAGE.topic("t").orElseThrow(), IMAGE, "PLAINTEXT", (short) 12).partitions())
            .extracting(MetadataResponsePartition::leaderId).containsExactly(1, 2, -1);
    }
}
