package io.haeryu.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class MetadataImageLoaderTest {

    private static final Uuid TOPIC_ID = Uuid.randomUuid();

    /** Znodes of topic "orders" with the given replicas, each partition led by its first replica. */
    private static Map<String, byte[]> topicNodes(Uuid topicId, List<List<Integer>> replicas, boolean withStates) {
        Map<String, byte[]> nodes = new HashMap<>();
        nodes.put(ZkPaths.topic("orders"), ZkPayloads.topicAssignment(new ZkPayloads.TopicAssignment(topicId, replicas)));
        nodes.put(ZkPaths.topicConfig("orders"), ZkPayloads.topicConfig(Map.of("retention.ms", "1")));
        if (withStates) {
            for (int p = 0; p < replicas.size(); p++) {
                nodes.put(ZkPaths.partitionState("orders", p), ZkPayloads.leaderAndIsr(
                        new ZkPayloads.LeaderAndIsr(replicas.get(p).get(0), 0, replicas.get(p)), 0));
            }
        }
        return nodes;
    }

    @Test
    void loadsBrokersTopicsAndController() {
        Map<String, byte[]> nodes = topicNodes(TOPIC_ID, List.of(List.of(1, 2)), true);
        BrokerRegistration broker = TestBrokers.plaintext(1, "h", 9092, null);
        nodes.put(ZkPaths.broker(1), ZkPayloads.broker(broker, 0));
        nodes.put(ZkPaths.CONTROLLER, ZkPayloads.controller(1, 0));

        MetadataImage image = MetadataImageLoader.load("cid", nodes, MetadataImage.EMPTY);

        assertThat(image.clusterId()).isEqualTo("cid");
        assertThat(image.brokers()).containsExactly(Map.entry(1, broker));
        assertThat(image.controllerId()).isEqualTo(1);
        TopicInfo topic = image.topic(TOPIC_ID).orElseThrow();
        assertThat(image.topic("orders")).contains(topic);
        assertThat(topic.partitions()).containsExactly(new PartitionState(0, List.of(1, 2), 1, 0, List.of(1, 2)));
        assertThat(topic.configs()).containsExactly(Map.entry("retention.ms", "1"));
    }

    @Test
    void loadsAnOngoingReassignment() {
        Map<String, byte[]> nodes = topicNodes(TOPIC_ID, List.of(List.of(1)), true);
        byte[] assignment = ZkPayloads.topicAssignment(new ZkPayloads.TopicAssignment(TOPIC_ID,
                List.of(List.of(2, 3, 1)), Map.of(0, List.of(2, 3)), Map.of(0, List.of(1))));
        assertThat(new String(assignment, StandardCharsets.UTF_8)).contains(
                "\"adding_replicas\":{\"0\":[2,3]},\"removing_replicas\":{\"0\":[1]}");
        nodes.put(ZkPaths.topic("orders"), assignment);

        PartitionState state = MetadataImageLoader.load("cid", nodes, MetadataImage.EMPTY).topic("orders")
                .orElseThrow().partitions().get(0);

        assertThat(state.replicas()).containsExactly(2, 3, 1);
        assertThat(state.addingReplicas()).containsExactly(2, 3);
        assertThat(state.removingReplicas()).containsExactly(1);
        assertThat(state.reassigning()).isTrue();
        assertThat(state.targetReplicas()).containsExactly(2, 3);
        assertThat(state.originalReplicas()).containsExactly(1);
    }

    @Test
    void leavesOutANewTopicUntilAllItsZnodesArrived() {
        assertThat(MetadataImageLoader.load("cid", topicNodes(TOPIC_ID, List.of(List.of(1)), false), MetadataImage.EMPTY)
                .topicsByName()).isEmpty();
        Map<String, byte[]> withoutConfig = topicNodes(TOPIC_ID, List.of(List.of(1)), true);
        withoutConfig.remove(ZkPaths.topicConfig("orders"));
        assertThat(MetadataImageLoader.load("cid", withoutConfig, MetadataImage.EMPTY).topicsByName()).isEmpty();
    }

    @Test
    void keepsThePreviousVersionWhileNewPartitionsArrive() {
        MetadataImage before = MetadataImageLoader.load("cid", topicNodes(TOPIC_ID, List.of(List.of(1)), true),
                MetadataImage.EMPTY);
        Map<String, byte[]> growing = topicNodes(TOPIC_ID, List.of(List.of(1), List.of(1)), true);
        growing.remove(ZkPaths.partitionState("orders", 1));

        MetadataImage during = MetadataImageLoader.load("cid", growing, before);

        assertThat(during.topic("orders")).isEqualTo(before.topic("orders"));
    }

    @Test
    void doesNotResurrectADeletedNamesakeForARecreatedTopic() {
        MetadataImage before = MetadataImageLoader.load("cid", topicNodes(TOPIC_ID, List.of(List.of(1)), true),
                MetadataImage.EMPTY);
        MetadataImage during = MetadataImageLoader.load("cid", topicNodes(Uuid.randomUuid(), List.of(List.of(1)), false),
                before);
        assertThat(during.topicsByName()).isEmpty();
        assertThat(during.topicsById()).isEmpty();
    }

    @Test
    void skipsUnreadableZnodes() {
        Map<String, byte[]> nodes = topicNodes(TOPIC_ID, List.of(List.of(1)), true);
        nodes.put(ZkPaths.broker(7), "not json".getBytes(StandardCharsets.UTF_8));
        nodes.put(ZkPaths.topic("broken"), "{}".getBytes(StandardCharsets.UTF_8));

        MetadataImage image = MetadataImageLoader.load("cid", nodes, MetadataImage.EMPTY);

        assertThat(image.brokers()).isEmpty();
        assertThat(image.topicsByName()).containsOnlyKeys("orders");
    }
}
