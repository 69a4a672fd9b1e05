package io.haeryu.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic group coordinator: routes each group's requests to the coordinator partition that owns it
 * ({@code abs(groupId.hashCode()) % offsets.topic.num.partitions}) and runs them on that partition's event loop.
 *
 * <p>Methods may be called from any thread and never block; the returned futures complete on a coordinator
 * thread. A group whose partition this broker does not lead gets NOT_COORDINATOR, one still loading
 * COORDINATOR_LOAD_IN_PROGRESS. The server calls {@link #onBecomeLeader} / {@link #onResign} as leadership of
 * {@code __consumer_offsets} partitions moves.
 */
public final class GroupCoordinator {

    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);

    private final GroupConfig config;
    private final CoordinatorLog coordinatorLog;
    private final EventLoops loops;
    private final Map<Integer, GroupCoordinatorShard> shards = new ConcurrentHashMap<>();

    public GroupCoordinator(GroupConfig config, CoordinatorLog coordinatorLog, EventLoops loops) {
        this.config = config;
        this.coordinatorLog = coordinatorLog;
        this.loops = loops;
    }

    /** The {@code __consumer_offsets} partition that stores {@code groupId}, exactly as Kafka computes it. */
    public int partitionFor(String groupId) {
        return Utils.abs(groupId.hashCode()) % config.offsetsTopicPartitions();
    }

    /** Starts coordinating a partition: replays its log on the partition's loop, then serves its groups. */
    public void onBecomeLeader(int partition) {
        GroupCoordinatorShard shard = new GroupCoordinatorShard(partition, config, coordinatorLog, loops.loopFor(partition));
        if (shards.putIfAbsent(partition, shard) != null) {
            return;
        }
        log.info("Loading coordinator partition {}", partition);
        shard.loop().execute(() -> {
            try {
                shard.load();
            } catch (RuntimeException e) {
                log.error("Failed to load coordinator partition {}; it will not be served", partition, e);
                shards.remove(partition, shard);
                shard.close();
            }
        });
    }

    /** Stops coordinating a partition: its state is dropped and parked requests answer NOT_COORDINATOR. */
    public void onResign(int partition) {
        GroupCoordinatorShard shard = shards.remove(partition);
        if (shard != null) {
            shard.loop().execute(shard::close);
        }
    }

    /** Resigns every partition, answering parked requests; call before closing the event loops. */
    public void shutdown() {
        List.copyOf(shards.keySet()).forEach(this::onResign);
    }

    public CompletableFuture<JoinGroupResponseData> joinGroup(JoinGroupRequestData request, boolean requireKnownMemberId,
                                                              boolean supportsSkippingAssignment, String clientId,
                                                              String clientHost) {
        return onGroup(request.groupId(),
            error -> new JoinGroupResponseData().setErrorCode(error.code()).setMemberId(request.memberId())
                .setGenerationId(-1).setProtocolName(null).setLeader(""),
            shard -> shard.membership().joinGroup(request, requireKnownMemberId, supportsSkippingAssignment, clientId, clientHost));
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
        return onGroup(request.groupId(),
            error -> new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]),
            shard -> shard.membership().syncGroup(request));
    }

    public CompletableFuture<HeartbeatResponseData> heartbeat(HeartbeatRequestData request) {
        Function<Errors, HeartbeatResponseData> response = error -> new HeartbeatResponseData().setErrorCode(error.code());
        return onGroup(request.groupId(), response,
            shard -> CompletableFuture.completedFuture(response.apply(shard.membership().heartbeat(request))));
    }

    public CompletableFuture<LeaveGroupResponseData> leaveGroup(String groupId, List<MemberIdentity> members) {
        return onGroup(groupId, error -> new LeaveGroupResponseData().setErrorCode(error.code()),
            shard -> CompletableFuture.completedFuture(shard.membership().leaveGroup(groupId, members)));
    }

    /** OffsetCommit v2-9 (topics by name); {@code version} matters for v2-4's per-request retention. */
    public CompletableFuture<OffsetCommitResponseData> commitOffsets(OffsetCommitRequestData request, short version) {
        return onGroup(request.groupId(),
            error -> OffsetCommitRequest.getErrorResponse(request, error),
            shard -> shard.commitOffsets(request, version));
    }

    /** Offsets of one group; {@code topics == null} asks for all of them. Unknown partitions answer offset -1. */
    public CompletableFuture<OffsetFetchResponseGroup> fetchOffsets(OffsetFetchRequestGroup request) {
        return onGroup(request.groupId(),
            error -> new OffsetFetchResponseGroup().setGroupId(request.groupId()).setErrorCode(error.code()),
            shard -> CompletableFuture.completedFuture(shard.fetchOffsets(request)));
    }

    public CompletableFuture<OffsetDeleteResponseData> deleteOffsets(OffsetDeleteRequestData request) {
        return onGroup(request.groupId(), error -> new OffsetDeleteResponseData().setErrorCode(error.code()),
            shard -> shard.deleteOffsets(request));
    }

    public CompletableFuture<List<DescribedGroup>> describeGroups(List<String> groupIds) {
        List<CompletableFuture<DescribedGroup>> results = new ArrayList<>();
        for (String groupId : groupIds) {
            results.add(onGroup(groupId,
                error -> new DescribedGroup().setGroupId(groupId).setErrorCode(error.code()).setGroupState("")
                    .setProtocolType("").setProtocolData(""),
                shard -> CompletableFuture.completedFuture(shard.describeGroup(groupId))));
        }
        return allOf(results);
    }

    /**
     * Groups of every partition this broker coordinates, optionally only those in the named states (matched
     * case-insensitively; unknown names match nothing). Reports COORDINATOR_LOAD_IN_PROGRESS while any partition
     * loads, together with the groups already known.
     */
    public CompletableFuture<ListGroupsResponseData> listGroups(List<String> statesFilter) {
        Set<GroupState> states = statesFilter.stream().map(GroupState::fromKafkaName)
            .filter(Objects::nonNull).collect(Collectors.toSet());
        if (!statesFilter.isEmpty() && states.isEmpty()) {
            return CompletableFuture.completedFuture(new ListGroupsResponseData());
        }
        List<CompletableFuture<List<ListedGroup>>> perShard = new ArrayList<>();
        boolean loading = false;
        for (Map.Entry<Integer, GroupCoordinatorShard> entry : shards.entrySet()) {
            if (entry.getValue().isLoading()) {
                loading = true;
            } else {
                perShard.add(onPartition(entry.getKey(), error -> List.of(),
                    shard -> CompletableFuture.completedFuture(shard.listGroups(states))));
            }
        }
        Errors error = loading ? Errors.COORDINATOR_LOAD_IN_PROGRESS : Errors.NONE;
        return allOf(perShard).thenApply(lists -> {
            ListGroupsResponseData response = new ListGroupsResponseData().setErrorCode(error.code());
            lists.forEach(response.groups()::addAll);
            return response;
        });
    }

    /** Deletes empty groups and their offsets: GROUP_ID_NOT_FOUND if unknown, NON_EMPTY_GROUP if it has members. */
    public CompletableFuture<List<DeletableGroupResult>> deleteGroups(List<String> groupIds) {
        List<CompletableFuture<DeletableGroupResult>> results = new ArrayList<>();
        for (String groupId : groupIds) {
            results.add(onGroup(groupId, error -> error,
                shard -> shard.deleteGroup(groupId))
                .thenApply(error -> new DeletableGroupResult().setGroupId(groupId).setErrorCode(error.code())));
        }
        return allOf(results);
    }

    /** Runs {@code operation} on the shard that owns {@code groupId}, or answers the routing error. */
    private <T> CompletableFuture<T> onGroup(String groupId, Function<Errors, T> errorResponse,
                                             Function<GroupCoordinatorShard, CompletableFuture<T>> operation) {
        if (groupId == null || groupId.isEmpty()) {
            return CompletableFuture.completedFuture(errorResponse.apply(Errors.INVALID_GROUP_ID));
        }
        return onPartition(partitionFor(groupId), errorResponse, operation);
    }

    private <T> CompletableFuture<T> onPartition(int partition, Function<Errors, T> errorResponse,
                                                 Function<GroupCoordinatorShard, CompletableFuture<T>> operation) {
        GroupCoordinatorShard shard = shards.get(partition);
        if (shard == null) {
            return CompletableFuture.completedFuture(errorResponse.apply(Errors.NOT_COORDINATOR));
        }
        if (shard.isLoading()) {
            return CompletableFuture.completedFuture(errorResponse.apply(Errors.COORDINATOR_LOAD_IN_PROGRESS));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        shard.loop().execute(() -> {
            // Leadership may have moved while the event was queued.
            if (!shard.isActive()) {
                result.complete(errorResponse.apply(Errors.NOT_COORDINATOR));
                return;
            }
            try {
                operation.apply(shard).whenComplete((value, error) -> {
                    if (error != null) {
                        log.error("Group coordinator operation failed on partition {}", partition, error);
                        result.complete(errorResponse.apply(Errors.UNKNOWN_SERVER_ERROR));
                    } else {
                        result.complete(value);
                    }
                });
            } catch (RuntimeException e) {
                log.error("Group coordinator operation failed on partition {}", partition, e);
                result.complete(errorResponse.apply(Errors.UNKNOWN_SERVER_ERROR));
            }
        });
        return result;
    }

    private static <T> CompletableFuture<List<T>> allOf(List<CompletableFuture<T>> futures) {
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
            .thenApply(ignored -> futures.stream().map(CompletableFuture::join).toList());
    }
}
