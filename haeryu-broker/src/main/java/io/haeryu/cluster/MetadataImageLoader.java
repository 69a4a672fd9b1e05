package io.haeryu.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds a {@link MetadataImage} from a snapshot of the cached znodes (path to data). */
final class MetadataImageLoader {

    private static final Logger log = LoggerFactory.getLogger(MetadataImageLoader.class);

    private MetadataImageLoader() {
    }

    /**
     * A topic's znodes reach the caches one by one, so a snapshot can hold a topic whose partition states or config
     * (always written with the topic, as Kafka does) have not arrived yet. Such a topic keeps its version from {@code previous} (or stays absent if new), so readers only
     * ever see complete topics. A re-created topic (new id) does not fall back to its deleted namesake.
     */
    static MetadataImage load(String clusterId, Map<String, byte[]> nodes, MetadataImage previous) {
        Map<Integer, BrokerRegistration> brokers = new HashMap<>();
        Map<String, TopicInfo> topicsByName = new HashMap<>();
        Map<Uuid, TopicInfo> topicsById = new HashMap<>();
        int controllerId = MetadataImage.NO_CONTROLLER;
        Set<Integer> shuttingDown = new HashSet<>();
        Map<Integer, Set<TopicPartition>> offlineReplicas = new HashMap<>();
        for (Map.Entry<String, byte[]> node : nodes.entrySet()) {
            String path = node.getKey();
            try {
                String brokerId = ZkPaths.childName(ZkPaths.BROKER_IDS, path);
                String topicName = ZkPaths.childName(ZkPaths.TOPICS, path);
                String stopping = ZkPaths.childName(ZkPaths.CONTROLLED_SHUTDOWN, path);
                String offline = ZkPaths.childName(ZkPaths.OFFLINE_REPLICAS, path);
                if (offline != null) {
                    offlineReplicas.put(Integer.parseInt(offline), ZkPayloads.decodeOfflineReplicas(node.getValue()));
                } else if (stopping != null) {
                    shuttingDown.add(Integer.parseInt(stopping));
                } else if (brokerId != null) {
                    BrokerRegistration broker = ZkPayloads.decodeBroker(Integer.parseInt(brokerId), node.getValue());
                    brokers.put(broker.id(), broker);
                } else if (topicName != null) {
                    ZkPayloads.TopicAssignment assignment = ZkPayloads.decodeTopicAssignment(node.getValue());
                    TopicInfo topic = loadTopic(topicName, assignment, nodes);
                    if (topic == null) {
                        topic = previous.topic(assignment.topicId()).orElse(null);
                    }
                    if (topic != null) {
                        topicsByName.put(topic.name(), topic);
                        topicsById.put(topic.topicId(), topic);
                    }
                } else if (path.equals(ZkPaths.CONTROLLER)) {
                    controllerId = ZkPayloads.decodeControllerId(node.getValue());
                }
            } catch (RuntimeException e) {
                log.warn("Ignoring unreadable znode {}: {}", path, e.toString());
            }
        }
        shuttingDown.retainAll(brokers.keySet());
        offlineReplicas.keySet().retainAll(brokers.keySet());
        return new MetadataImage(clusterId, brokers, topicsByName, topicsById, controllerId, shuttingDown,
                offlineReplicas);
    }

    /** @return the topic, or null while some of its partition states or its config are missing */
    private static TopicInfo loadTopic(String name, ZkPayloads.TopicAssignment assignment, Map<String, byte[]> nodes) {
        List<PartitionState> partitions = new ArrayList<>(assignment.replicas().size());
        for (int p = 0; p < assignment.replicas().size(); p++) {
            byte[] stateData = nodes.get(ZkPaths.partitionState(name, p));
            if (stateData == null) {
                return null;
            }
            ZkPayloads.LeaderAndIsr state = ZkPayloads.decodeLeaderAndIsr(stateData);
            partitions.add(new PartitionState(p, assignment.replicas().get(p), state.leader(), state.leaderEpoch(),
                    state.isr(), assignment.adding().getOrDefault(p, List.of()),
                    assignment.removing().getOrDefault(p, List.of())));
        }
        byte[] configData = nodes.get(ZkPaths.topicConfig(name));
        if (configData == null) {
            return null;
        }
        return new TopicInfo(name, assignment.topicId(), partitions, ZkPayloads.decodeTopicConfig(configData));
    }
}
