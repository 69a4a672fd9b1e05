package io.haeryu.cluster;

/** The znode layout, kept Kafka-like so operators recognise it. */
final class ZkPaths {

    static final String CLUSTER_ID = "/cluster/id";
    static final String BROKERS = "/brokers";
    static final String BROKER_IDS = "/brokers/ids";
    /** Ephemeral {@code <id>} children: brokers asking the controller to move leadership away before they stop. */
    static final String CONTROLLED_SHUTDOWN = "/brokers/controlled_shutdown";
    /**
     * Ephemeral {@code <id>} children: the replicas a broker lost with a failed log directory, so the controller
     * moves their leadership away and drops them from ISRs (Kafka learns this through LeaderAndIsr responses).
     */
    static final String OFFLINE_REPLICAS = "/brokers/offline_replicas";
    static final String TOPICS = "/brokers/topics";
    static final String TOPIC_CONFIGS = "/config/topics";
    static final String CONTROLLER = "/controller";
    static final String CONTROLLER_EPOCH = "/controller_epoch";
    static final String PRODUCER_ID_BLOCK = "/latest_producer_id_block";

    private ZkPaths() {
    }

    static String broker(int id) {
        return BROKER_IDS + "/" + id;
    }

    static String controlledShutdown(int id) {
        return CONTROLLED_SHUTDOWN + "/" + id;
    }

    static String offlineReplicas(int id) {
        return OFFLINE_REPLICAS + "/" + id;
    }

    static String topic(String topic) {
        return TOPICS + "/" + topic;
    }

    static String partitions(String topic) {
        return topic(topic) + "/partitions";
    }

    static String partition(String topic, int partition) {
        return partitions(topic) + "/" + partition;
    }

    static String partitionState(String topic, int partition) {
        return partition(topic, partition) + "/state";
    }

    static String topicConfig(String topic) {
        return TOPIC_CONFIGS + "/" + topic;
    }

    /** The last segment of {@code path} if it is a direct child of {@code parent}, otherwise null. */
    static String childName(String parent, String path) {
        String prefix = parent + "/";
        if (!path.startsWith(prefix) || path.indexOf('/', prefix.length()) >= 0) {
            return null;
        }
        return path.substring(prefix.length());
    }
}
