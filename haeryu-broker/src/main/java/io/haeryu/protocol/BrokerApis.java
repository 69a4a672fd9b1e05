package io.haeryu.protocol;

import io.haeryu.cluster.Controller;
import io.haeryu.cluster.TopicService;
import io.haeryu.cluster.ZkMetadataStore;
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

    /** What the core handlers need from the broker. */
    public record Services(int brokerId, ZkMetadataStore metadata, TopicService topics, ReplicaManager replicas,
                           ProducerIdManager producerIds, boolean autoCreateTopics, boolean deleteTopicEnable,
                           Executor blockingExecutor) {
    }

    /** APIs served by the cluster controller. */
    public static void registerController(ApiRegistry registry, Controller controller, Executor blockingExecutor) {
        registry.register(ApiKeys.ELECT_LEADERS, 0, 2, new ElectLeadersHandler(controller, blockingExecutor));
    }

    public static void registerCore(ApiRegistry registry, Services s) {
        registry.register(ApiKeys.API_VERSIONS, 0, 4, new ApiVersionsHandler(registry));
        registry.register(ApiKeys.METADATA, 0, 13,
            new MetadataHandler(s.brokerId(), s.metadata(), s.topics(), s.autoCreateTopics(), s.blockingExecutor()));
        registry.register(ApiKeys.PRODUCE, 0, 13, new ProduceHandler(s.metadata(), s.replicas()));
        registry.register(ApiKeys.FETCH, 4, 18, new FetchHandler(s.metadata(), s.replicas(), s.blockingExecutor()));
        registry.register(ApiKeys.LIST_OFFSETS, 1, 11, new ListOffsetsHandler(s.metadata(), s.replicas()));
        registry.register(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 2, 4, new OffsetForLeaderEpochHandler(s.metadata(), s.replicas()));
        registry.register(ApiKeys.INIT_PRODUCER_ID, 0, 5, new InitProducerIdHandler(s.producerIds(), s.blockingExecutor()));
        registry.register(ApiKeys.CREATE_TOPICS, 2, 7, new CreateTopicsHandler(s.topics(), s.blockingExecutor()));
        registry.register(ApiKeys.DELETE_TOPICS, 1, 6,
            new DeleteTopicsHandler(s.metadata(), s.deleteTopicEnable(), s.blockingExecutor()));
        registry.register(ApiKeys.DESCRIBE_CLUSTER, 0, 2, new DescribeClusterHandler(s.brokerId(), s.metadata()));
    }
}
