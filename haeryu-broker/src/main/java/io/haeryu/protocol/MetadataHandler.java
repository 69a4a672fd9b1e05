package io.haeryu.protocol;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.TopicInfo;
import io.haeryu.cluster.TopicNames;
import io.haeryu.cluster.TopicService;
import io.haeryu.cluster.ZkMetadataStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metadata: brokers, controller, and topics with partition leaders, replicas and ISR. Unknown topics are created
 * when both the client and {@code auto.create.topics.enable} allow it; the answer waits for the creation so the
 * client sees leaders at once instead of retrying.
 */
final class MetadataHandler implements RequestHandler<MetadataRequest> {

    private static final Logger log = LoggerFactory.getLogger(MetadataHandler.class);

    private final int brokerId;
    private final ZkMetadataStore metadata;
    private final TopicService topics;
    private final boolean autoCreate;
    private final Executor blockingExecutor;

    MetadataHandler(int brokerId, ZkMetadataStore metadata, TopicService topics, boolean autoCreate,
                    Executor blockingExecutor) {
        this.brokerId = brokerId;
        this.metadata = metadata;
        this.topics = topics;
        this.autoCreate = autoCreate;
        this.blockingExecutor = blockingExecutor;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, MetadataRequest request) {
        MetadataImage image = metadata.image();
        if (request.isAllTopics()) {
            return CompletableFuture.completedFuture(respond(request, context.listenerName(), image, null, Map.of()));
        }
        List<MetadataRequestTopic> requested = request.data().topics();
        Set<String> toCreate = new LinkedHashSet<>();
        boolean allowed = autoCreate && (request.version() < 4 || request.data().allowAutoTopicCreation());
        for (MetadataRequestTopic t : requested) {
            String name = t.name();
            if (name != null && allowed && !image.topicsByName().containsKey(name) && !Topic.isInternal(name)
                && isValidName(name)) {
                toCreate.add(name);
            }
        }
        if (toCreate.isEmpty()) {
            return CompletableFuture.completedFuture(respond(request, context.listenerName(), image, requested, Map.of()));
        }
        return CompletableFuture.supplyAsync(() -> {
            Map<String, Errors> creationErrors = new HashMap<>();
            for (String name : toCreate) {
                try {
                    topics.create(name, -1, (short) -1, null, Map.of());
                    log.info("Auto-created topic {} for {}", name, context.describeClient());
                } catch (TopicExistsException e) {
                    // Another client created it meanwhile: fine.
                } catch (ApiException e) {
                    log.warn("Auto-creation of topic {} failed: {}", name, e.getMessage());
                    creationErrors.put(name, Errors.forException(e));
                }
            }
            return respond(request, context.listenerName(), metadata.image(), requested, creationErrors);
        }, blockingExecutor);
    }

    private static boolean isValidName(String name) {
        try {
            TopicNames.validate(name);
            return true;
        } catch (ApiException e) {
            return false;
        }
    }

    /** Brokers and leaders are given on the listener the client connected on, as Kafka does. */
    private MetadataResponse respond(MetadataRequest request, String listenerName, MetadataImage image,
                                     List<MetadataRequestTopic> requested, Map<String, Errors> creationErrors) {
        MetadataResponseData data = new MetadataResponseData()
            .setClusterId(image.clusterId())
            .setControllerId(ControllerIds.visibleController(image, brokerId));
        for (Node b : image.aliveNodes(listenerName)) {
            data.brokers().add(new MetadataResponseBroker().setNodeId(b.id()).setHost(b.host()).setPort(b.port())
                .setRack(b.rack()));
        }
        List<MetadataResponseData.MetadataResponseTopic> out = new ArrayList<>();
        if (requested == null) {
            for (TopicInfo topic : image.topicsByName().values()) {
                out.add(MetadataResponses.topic(topic, image, listenerName, request.version()));
            }
        } else {
            for (MetadataRequestTopic t : requested) {
                out.add(answer(t, image, listenerName, request.version(), creationErrors));
            }
        }
        out.forEach(data.topics()::add);
        return new MetadataResponse(data, request.version());
    }

    private MetadataResponseData.MetadataResponseTopic answer(MetadataRequestTopic t, MetadataImage image,
                                                              String listenerName, short version,
                                                              Map<String, Errors> creationErrors) {
        if (t.name() == null) {
            Uuid id = t.topicId();
            TopicInfo topic = id == null ? null : image.topicsById().get(id);
            if (topic == null) {
                return MetadataResponses.error(null, Errors.UNKNOWN_TOPIC_ID).setTopicId(id == null ? Uuid.ZERO_UUID : id);
            }
            return MetadataResponses.topic(topic, image, listenerName, version);
        }
        TopicInfo topic = image.topicsByName().get(t.name());
        if (topic != null) {
            return MetadataResponses.topic(topic, image, listenerName, version);
        }
        if (!isValidName(t.name())) {
            return MetadataResponses.error(t.name(), Errors.INVALID_TOPIC_EXCEPTION);
        }
        return MetadataResponses.error(t.name(), creationErrors.getOrDefault(t.name(), Errors.UNKNOWN_TOPIC_OR_PARTITION));
    }
}
