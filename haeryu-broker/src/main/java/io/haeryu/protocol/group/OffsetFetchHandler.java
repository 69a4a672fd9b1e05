package io.haeryu.protocol.group;

import io.haeryu.group.GroupCoordinator;
import io.haeryu.protocol.RequestContext;
import io.haeryu.protocol.RequestHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;

/**
 * OffsetFetch v1-9. v8+ asks for many groups at once; older versions ask for one group and answer in the
 * top-level fields, and before v2 a group-level error can only be reported per partition.
 */
final class OffsetFetchHandler implements RequestHandler<OffsetFetchRequest> {

    private static final short TOP_LEVEL_ERROR_MIN_VERSION = 2;

    private final GroupCoordinator coordinator;

    OffsetFetchHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, OffsetFetchRequest request) {
        short version = request.version();
        List<CompletableFuture<OffsetFetchResponseGroup>> fetches = new ArrayList<>();
        request.groups().forEach(group -> fetches.add(coordinator.fetchOffsets(group)));
        return CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<OffsetFetchResponseGroup> groups = fetches.stream().map(CompletableFuture::join).toList();
            OffsetFetchResponseData data = version >= OffsetFetchRequest.BATCH_MIN_VERSION
                ? new OffsetFetchResponseData().setGroups(groups)
                : singleGroupResponse(request.groups().get(0), groups.get(0), version);
            return new OffsetFetchResponse(data, version);
        });
    }

    private static OffsetFetchResponseData singleGroupResponse(OffsetFetchRequestGroup requested,
                                                               OffsetFetchResponseGroup fetched, short version) {
        OffsetFetchResponseData data = new OffsetFetchResponseData();
        Errors error = Errors.forCode(fetched.errorCode());
        if (error != Errors.NONE && version < TOP_LEVEL_ERROR_MIN_VERSION) {
            for (OffsetFetchRequestTopics topic : requested.topics()) {
                OffsetFetchResponseTopic topicResponse = new OffsetFetchResponseTopic().setName(topic.name());
                for (int partition : topic.partitionIndexes()) {
                    topicResponse.partitions().add(new OffsetFetchResponsePartition().setPartitionIndex(partition)
                        .setCommittedOffset(OffsetFetchResponse.INVALID_OFFSET)
                        .setMetadata(OffsetFetchResponse.NO_METADATA)
                        .setErrorCode(error.code()));
                }
                data.topics().add(topicResponse);
            }
            return data;
        }
        if (version >= TOP_LEVEL_ERROR_MIN_VERSION) {
            data.setErrorCode(error.code());
        }
        fetched.topics().forEach(topic -> {
            OffsetFetchResponseTopic topicResponse = new OffsetFetchResponseTopic().setName(topic.name());
            topic.partitions().forEach(p -> topicResponse.partitions().add(new OffsetFetchResponsePartition()
                .setPartitionIndex(p.partitionIndex())
                .setCommittedOffset(p.committedOffset())
                .setCommittedLeaderEpoch(p.committedLeaderEpoch())
                .setMetadata(p.metadata())
                .setErrorCode(p.errorCode())));
            data.topics().add(topicResponse);
        });
        return data;
    }
}
