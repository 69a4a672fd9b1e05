package io.haeryu.protocol;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.TopicInfo;
import io.haeryu.cluster.ZkMetadataStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicDeletionDisabledException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** DeleteTopics by name or (v6+) by topic id. The brokers delete the logs when metadata drops the topic. */
final class DeleteTopicsHandler implements RequestHandler<DeleteTopicsRequest> {

    private static final Logger log = LoggerFactory.getLogger(DeleteTopicsHandler.class);

    private final ZkMetadataStore metadata;
    private final boolean deletionEnabled;
    private final Executor blockingExecutor;

    DeleteTopicsHandler(ZkMetadataStore metadata, boolean deletionEnabled, Executor blockingExecutor) {
        this.metadata = metadata;
        this.deletionEnabled = deletionEnabled;
        this.blockingExecutor = blockingExecutor;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DeleteTopicsRequest request) {
        List<DeleteTopicState> targets = new ArrayList<>(request.data().topics());
        for (String name : request.data().topicNames()) {
            targets.add(new DeleteTopicState().setName(name));
        }
        return CompletableFuture.supplyAsync(() -> {
            DeleteTopicsResponseData data = new DeleteTopicsResponseData();
            for (DeleteTopicState target : targets) {
                DeletableTopicResult result = new DeletableTopicResult().setName(target.name())
                    .setTopicId(target.topicId() == null ? Uuid.ZERO_UUID : target.topicId());
                try {
                    String name = resolve(target, metadata.image());
                    result.setName(name);
                    if (!deletionEnabled) {
                        throw new TopicDeletionDisabledException("Topic deletion is disabled (delete.topic.enable=false)");
                    }
                    if (Topic.isInternal(name)) {
                        throw new InvalidTopicException("Topic " + name + " is internal and cannot be deleted");
                    }
                    metadata.deleteTopic(name);
                    log.info("Deleted topic {} for {}", name, context.describeClient());
                } catch (ApiException e) {
                    result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
                }
                data.responses().add(result);
            }
            return new DeleteTopicsResponse(data);
        }, blockingExecutor);
    }

    private static String resolve(DeleteTopicState target, MetadataImage image) {
        boolean byId = target.topicId() != null && !Uuid.ZERO_UUID.equals(target.topicId());
        if (byId) {
            TopicInfo topic = image.topicsById().get(target.topicId());
            if (topic == null) {
                throw new UnknownTopicIdException("Topic id " + target.topicId() + " does not exist");
            }
            return topic.name();
        }
        if (target.name() == null || !image.topicsByName().containsKey(target.name())) {
            throw new UnknownTopicOrPartitionException("Topic " + target.name() + " does not exist");
        }
        return target.name();
    }
}
