package io.haeryu.cluster;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * An immutable snapshot of the cluster metadata.
 *
 * @param clusterId    null only in {@link #EMPTY}, before a store has read it
 * @param controllerId the controller's broker id, -1 if there is none
 * @param shuttingDownBrokers live brokers in controlled shutdown: the controller moves leadership away from them
 */
public record MetadataImage(String clusterId,
                            Map<Integer, BrokerRegistration> brokers,
                            Map<String, TopicInfo> topicsByName,
                            Map<Uuid, TopicInfo> topicsById,
                            int controllerId,
                            Set<Integer> shuttingDownBrokers) {

    public static final int NO_CONTROLLER = -1;

    public static final MetadataImage EMPTY = new MetadataImage(null, Map.of(), Map.of(), Map.of(), NO_CONTROLLER);

    public MetadataImage(String clusterId, Map<Integer, BrokerRegistration> brokers, Map<String, TopicInfo> topicsByName,
                         Map<Uuid, TopicInfo> topicsById, int controllerId) {
        this(clusterId, brokers, topicsByName, topicsById, controllerId, Set.of());
    }

    public MetadataImage {
        shuttingDownBrokers = Set.copyOf(shuttingDownBrokers);
        brokers = Map.copyOf(brokers);
        topicsByName = Map.copyOf(topicsByName);
        topicsById = Map.copyOf(topicsById);
    }

    public Optional<TopicInfo> topic(String name) {
        return Optional.ofNullable(topicsByName.get(name));
    }

    public Optional<TopicInfo> topic(Uuid topicId) {
        return Optional.ofNullable(topicsById.get(topicId));
    }

    public Optional<PartitionState> partition(TopicPartition tp) {
        return topic(tp.topic()).flatMap(t -> t.partition(tp.partition()));
    }

    public Optional<BrokerRegistration> broker(int id) {
        return Optional.ofNullable(brokers.get(id));
    }

    /**
     * Live brokers as Kafka nodes on listener {@code listenerName}, ordered by id; as in Kafka, a broker without
     * that listener is left out.
     */
    public List<Node> aliveNodes(String listenerName) {
        return brokers.values().stream()
                .sorted(Comparator.comparingInt(BrokerRegistration::id))
                .flatMap(b -> b.node(listenerName).stream())
                .toList();
    }

    public Optional<BrokerRegistration> controller() {
        return broker(controllerId);
    }
}
