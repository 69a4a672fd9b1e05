package io.haeryu.protocol;

import io.haeryu.cluster.Controller;
import io.haeryu.cluster.TopicService;
import io.haeryu.cluster.ZkMetadataStore;
import io.haeryu.config.BrokerConfig;
import io.haeryu.replication.ReplicaManager;
import io.haeryu.txn.ProducerIdManager;
import java.util.concurrent.Executor;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Registers the broker's core APIs with the version ranges we advertise. Ranges follow what kafka-clients 4.x
 * and librdkafka use; Produce starts at v0 because librdkafka checks for it.
 */
public final class BrokerApis {

    private BrokerApis() {
    }

    /** What the core handlers need from the broker: {@code blockingExecutor} runs ZooKeeper writes and waits. */
    public record Services(BrokerConfig config, ZkMetadataStore metadata, TopicService topics, ReplicaManager replicas,
                           ProducerIdManager producerIds, Executor blockingExecutor) {

        int brokerId() {
            return config.brokerId();
        }
    }

    /** APIs served by the cluster controller. */
    public static void registerController(ApiRegistry registry, Controller controller, ZkMetadataStore metadata,
                                          Executor blockingExecutor) {
        registry.register(ApiKeys.ELECT_LEADERS, 0, 2, new ElectLeadersHandler(controller, blockingExecutor));
        registry.register(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, 0, 1,
            new AlterPartitionReassignmentsHandler(controller, metadata, blockingExecutor));
    }

    public static void registerCore(ApiRegistry registry, Services s) {
        registry.register(ApiKeys.API_VERSIONS, 0, 4, new ApiVersionsHandler(registry));
        registry.register(ApiKeys.METADATA, 0, 13,
            new MetadataHandler(s.brokerId(), s.metadata(), s.topics(), s.config().autoCreateTopicsEnable(), s.blockingExecutor()));
        registry.register(ApiKeys.PRODUCE, 0, 13, new ProduceHandler(s.metadata(), s.replicas()));
        registry.register(ApiKeys.FETCH, 4, 18, new FetchHandler(s.metadata(), s.replicas()));
        registry.register(ApiKeys.LIST_OFFSETS, 1, 11, new ListOffsetsHandler(s.metadata(), s.replicas()));
        registry.register(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 2, 4, new OffsetForLeaderEpochHandler(s.metadata(), s.replicas()));
        registry.register(ApiKeys.INIT_PRODUCER_ID, 0, 5, new InitProducerIdHandler(s.producerIds(), s.blockingExecutor()));
        registry.register(ApiKeys.CREATE_TOPICS, 2, 7, new CreateTopicsHandler(s.topics(), s.blockingExecutor()));
        registry.register(ApiKeys.DELETE_TOPICS, 1, 6,
            new DeleteTopicsHandler(s.metadata(), s.config().deleteTopicEnable(), s.blockingExecutor()));
        registry.register(ApiKeys.DESCRIBE_CLUSTER, 0, 2, new DescribeClusterHandler(s.brokerId(), s.metadata()));
        registerAdmin(registry, s);
    }

    /** Topic administration and configs (kafka-topics, kafka-configs, kafka-delete-records, Admin). */
    private static void registerAdmin(ApiRegistry registry, Services s) {
        registry.register(ApiKeys.CREATE_PARTITIONS, 0, 3, new CreatePartitionsHandler(s.topics(), s.blockingExecutor()));
        ConfigResources configs = new ConfigResources(s.brokerId(), s.metadata(), s.config());
        registry.register(ApiKeys.DESCRIBE_CONFIGS, 1, 4, new DescribeConfigsHandler(configs));
        registry.register(ApiKeys.ALTER_CONFIGS, 0, 2, new AlterConfigsHandler(configs, s.blockingExecutor()));
        registry.register(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 0, 1,
            new IncrementalAlterConfigsHandler(configs, s.blockingExecutor()));
        registry.register(ApiKeys.DELETE_RECORDS, 0, 2,
            new DeleteRecordsHandler(s.metadata(), s.replicas(), s.blockingExecutor()));
        registry.register(ApiKeys.DESCRIBE_LOG_DIRS, 1, 4,
            new DescribeLogDirsHandler(s.config().logDirs(), s.replicas(), s.blockingExecutor()));
        registry.register(ApiKeys.DESCRIBE_PRODUCERS, 0, 0, new DescribeProducersHandler(s.metadata(), s.replicas()));
        registry.register(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, 0, 0, new DescribeTopicPartitionsHandler(s.metadata()));
        registry.register(ApiKeys.LIST_PARTITION_REASSIGNMENTS, 0, 0, new ListPartitionReassignmentsHandler(s.metadata()));
    }
}
