package io.haeryu.protocol;

import io.haeryu.cluster.TopicInfo;
import io.haeryu.cluster.TopicNames;
import io.haeryu.cluster.ZkMetadataStore;
import io.haeryu.config.BrokerConfig;
import io.haeryu.config.TopicConfigs;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What DescribeConfigs, AlterConfigs and IncrementalAlterConfigs share: finding the resource a request names and
 * changing a topic's overrides (validate the whole new set, then one write to ZooKeeper, which every broker's
 * {@code ReplicaManager} applies to its logs when the metadata image changes).
 */
final class ConfigResources {

    private static final Logger log = LoggerFactory.getLogger(ConfigResources.class);

    private final int brokerId;
    private final ZkMetadataStore metadata;
    private final BrokerConfig brokerConfig;

    ConfigResources(int brokerId, ZkMetadataStore metadata, BrokerConfig brokerConfig) {
        this.brokerId = brokerId;
        this.metadata = metadata;
        this.brokerConfig = brokerConfig;
    }

    BrokerConfig brokerConfig() {
        return brokerConfig;
    }

    TopicInfo topic(String name) {
        TopicNames.validate(name);
        return metadata.image().topic(name)
            .orElseThrow(() -> new UnknownTopicOrPartitionException("The topic '" + name + "' does not exist."));
    }

    /**
     * Whether a BROKER resource means this broker; the empty name means the cluster-wide dynamic defaults, of which
     * there are none. Another broker's id is refused, as Kafka does: clients send broker resources to that broker.
     */
    boolean isThisBroker(String name) {
        if (name.isEmpty()) {
            return false;
        }
        if (!name.equals(String.valueOf(brokerId))) {
            throw new InvalidRequestException("Unexpected broker id, expected " + brokerId
                + " or empty string, but received " + name);
        }
        return true;
    }

    /**
     * Applies {@code change} to a resource's config: for a topic, to its overrides; broker configs are read-only
     * (deleting dynamic broker configs, of which there are none, succeeds and changes nothing).
     *
     * @param keys the keys the request touches, for the error message of a refused broker change
     */
    ApiError alter(byte resourceType, String name, Collection<String> keys, UnaryOperator<Map<String, String>> change,
                   boolean validateOnly, RequestContext context) {
        try {
            switch (ConfigResource.Type.forId(resourceType)) {
                case TOPIC -> alterTopic(name, change, validateOnly, context);
                case BROKER -> {
                    isThisBroker(name);
                    if (change.apply(Map.of()).isEmpty()) {
                        // Only deletions of dynamic broker configs, of which there are none: nothing to do (as
                        // kafka-reassign-partitions --verify clearing replication throttles expects).
                        return ApiError.NONE;
                    }
                    throw new InvalidRequestException("Cannot update these configs dynamically: " + new TreeSet<>(keys)
                        + ". Haeryu reads broker configs only at start-up: set them in the broker's config file and"
                        + " restart it.");
                }
                default -> throw unsupported(resourceType);
            }
            return ApiError.NONE;
        } catch (ApiException e) {
            return ApiError.fromThrowable(e);
        }
    }

    private void alterTopic(String name, UnaryOperator<Map<String, String>> change, boolean validateOnly,
                            RequestContext context) {
        Map<String, String> next = change.apply(topic(name).configs());
        TopicConfigs.validate(next);
        if (!validateOnly) {
            metadata.updateTopicConfigs(name, next);
            log.info("Set the configs of topic {} to {} for {}", name, next, context.describeClient());
        }
    }

    static InvalidRequestException unsupported(byte resourceType) {
        return new InvalidRequestException("Unsupported resource type: " + ConfigResource.Type.forId(resourceType)
            + "; Haeryu serves TOPIC and BROKER configs");
    }
}
