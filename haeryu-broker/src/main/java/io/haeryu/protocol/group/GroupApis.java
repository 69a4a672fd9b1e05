package io.haeryu.protocol.group;

import io.haeryu.group.CoordinatorLocator;
import io.haeryu.group.GroupCoordinator;
import io.haeryu.protocol.ApiRegistry;
import io.haeryu.protocol.RequestHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResultCollection;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartitionCollection;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetDeleteResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;

/**
 * Registers the classic group APIs with the versions this broker answers. Most handlers only unwrap the request
 * for {@link GroupCoordinator} and wrap its answer in the response class for the request's version; the two with
 * real version logic have classes of their own.
 */
public final class GroupApis {

    /** Only classic groups exist here, so a ListGroups types filter (v5) either includes them or excludes all. */
    private static final String CLASSIC_GROUP_TYPE = "classic";

    private static final short DESCRIBE_GROUPS_NOT_FOUND_MIN_VERSION = 6;

    private GroupApis() {
    }

    /**
     * @param partitionExists whether the cluster has a topic partition: OffsetCommit (and OffsetDelete, per topic)
     *     answer UNKNOWN_TOPIC_OR_PARTITION for the others, as Kafka does
     */
    public static void registerAll(ApiRegistry registry, GroupCoordinator coordinator, CoordinatorLocator locator,
                                   Predicate<TopicPartition> partitionExists) {
        registry.register(ApiKeys.FIND_COORDINATOR, 0, 6, new FindCoordinatorHandler(coordinator, locator));
        registry.register(ApiKeys.JOIN_GROUP, 0, 9, joinGroup(coordinator));
        registry.register(ApiKeys.SYNC_GROUP, 0, 5, (RequestHandler<SyncGroupRequest>) (context, request) ->
            coordinator.syncGroup(request.data()).thenApply(SyncGroupResponse::new));
        registry.register(ApiKeys.HEARTBEAT, 0, 4, (RequestHandler<HeartbeatRequest>) (context, request) ->
            coordinator.heartbeat(request.data()).thenApply(HeartbeatResponse::new));
        registry.register(ApiKeys.LEAVE_GROUP, 0, 5, leaveGroup(coordinator));
        // v10+ name topics by id, which needs the metadata layer: not registered.
        registry.register(ApiKeys.OFFSET_COMMIT, 2, 9, new OffsetCommitHandler(coordinator, partitionExists));
        registry.register(ApiKeys.OFFSET_FETCH, 1, 9, new OffsetFetchHandler(coordinator));
        registry.register(ApiKeys.OFFSET_DELETE, 0, 0, offsetDelete(coordinator, partitionExists));
        registry.register(ApiKeys.DESCRIBE_GROUPS, 0, 6, describeGroups(coordinator));
        registry.register(ApiKeys.LIST_GROUPS, 0, 5, listGroups(coordinator));
        registry.register(ApiKeys.DELETE_GROUPS, 0, 2, (RequestHandler<DeleteGroupsRequest>) (context, request) ->
            coordinator.deleteGroups(request.data().groupsNames()).thenApply(results ->
                new DeleteGroupsResponse(new DeleteGroupsResponseData()
                    .setResults(new DeletableGroupResultCollection(results.iterator())))));
    }

    /**
     * As in Kafka, topics the cluster does not have get UNKNOWN_TOPIC_OR_PARTITION for every partition named and
     * are not passed to the coordinator, which still answers for the group (so GROUP_ID_NOT_FOUND wins).
     */
    private static RequestHandler<OffsetDeleteRequest> offsetDelete(GroupCoordinator coordinator,
                                                                    Predicate<TopicPartition> partitionExists) {
        return (context, request) -> {
            OffsetDeleteRequestData data = request.data();
            OffsetDeleteRequestTopicCollection known = new OffsetDeleteRequestTopicCollection();
            List<OffsetDeleteResponseTopic> unknown = new ArrayList<>();
            for (OffsetDeleteRequestTopic topic : data.topics()) {
                // every topic has a partition 0
                if (partitionExists.test(new TopicPartition(topic.name(), 0))) {
                    known.add(topic.duplicate());
                } else {
                    OffsetDeleteResponsePartitionCollection partitions = new OffsetDeleteResponsePartitionCollection();
                    topic.partitions().forEach(p -> partitions.add(new OffsetDeleteResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())));
                    unknown.add(new OffsetDeleteResponseTopic().setName(topic.name()).setPartitions(partitions));
                }
            }
            OffsetDeleteRequestData filtered = unknown.isEmpty() ? data : data.duplicate().setTopics(known);
            return coordinator.deleteOffsets(filtered).thenApply(response -> {
                if (response.errorCode() == Errors.NONE.code()) {
                    unknown.forEach(topic -> response.topics().add(topic));
                }
                return new OffsetDeleteResponse(response);
            });
        };
    }

    /** v6 (KIP-1043) reports a group that does not exist as GROUP_ID_NOT_FOUND; older versions as state Dead. */
    private static RequestHandler<DescribeGroupsRequest> describeGroups(GroupCoordinator coordinator) {
        return (context, request) -> coordinator.describeGroups(request.data().groups()).thenApply(groups -> {
            if (request.version() >= DESCRIBE_GROUPS_NOT_FOUND_MIN_VERSION) {
                for (DescribedGroup group : groups) {
                    if (isUnknown(group)) {
                        group.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                            .setErrorMessage("Group " + group.groupId() + " not found.")
                            .setGroupState("");
                    }
                }
            }
            return new DescribeGroupsResponse(new DescribeGroupsResponseData().setGroups(groups));
        });
    }

    /** How the coordinator describes a group it does not have: Dead, without protocol or members. */
    private static boolean isUnknown(DescribedGroup group) {
        return group.errorCode() == Errors.NONE.code() && "Dead".equals(group.groupState())
            && group.protocolType().isEmpty() && group.members().isEmpty();
    }

    private static RequestHandler<JoinGroupRequest> joinGroup(GroupCoordinator coordinator) {
        return (context, request) -> {
            short version = request.version();
            return coordinator.joinGroup(request.data(), JoinGroupRequest.requiresKnownMemberId(version),
                    JoinGroupRequest.supportsSkippingAssignment(version), context.clientId(),
                    clientHost(context.clientAddress()))
                .thenApply(data -> new JoinGroupResponse(data, version));
        };
    }

    /** Kafka reports a member's host as the socket address' string form, e.g. {@code /10.0.0.7}. */
    private static String clientHost(InetSocketAddress address) {
        return address == null || address.getAddress() == null ? "" : address.getAddress().toString();
    }

    private static RequestHandler<LeaveGroupRequest> leaveGroup(GroupCoordinator coordinator) {
        return (context, request) -> coordinator.leaveGroup(request.data().groupId(), request.members())
            .thenApply(data -> leaveGroupResponse(data, request.version()));
    }

    /** v0-2 leave one member and carry its error at the top level; the response class does that folding. */
    private static AbstractResponse leaveGroupResponse(LeaveGroupResponseData data, short version) {
        return new LeaveGroupResponse(data.members(), Errors.forCode(data.errorCode()), 0, version);
    }

    private static RequestHandler<ListGroupsRequest> listGroups(GroupCoordinator coordinator) {
        return (context, request) -> {
            List<String> types = request.data().typesFilter();
            boolean classicExcluded = !types.isEmpty()
                && types.stream().noneMatch(t -> t.toLowerCase(Locale.ROOT).equals(CLASSIC_GROUP_TYPE));
            if (classicExcluded) {
                return CompletableFuture.completedFuture(new ListGroupsResponse(new ListGroupsResponseData()));
            }
            return coordinator.listGroups(request.data().statesFilter()).thenApply(ListGroupsResponse::new);
        };
    }
}
