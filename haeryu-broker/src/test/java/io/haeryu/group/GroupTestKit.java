package io.haeryu.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.haeryu.protocol.ApiRegistry;
import io.haeryu.protocol.RequestContext;
import io.haeryu.protocol.RequestHandler;
import io.haeryu.protocol.group.GroupApis;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;

/**
 * A coordinator leading every partition over an in-memory log and a manual clock, driven through the real
 * handlers registered by {@link GroupApis}. Requests and responses are serialized and parsed at their version
 * on the way, as the network layer would, so a response shape a version cannot carry fails the test.
 */
final class GroupTestKit {

    static final Node BROKER = new Node(1, "localhost", 9092);
    static final String TOPIC = "orders";
    static final short JOIN_VERSION = 9;
    static final int SESSION_TIMEOUT_MS = 10_000;
    static final int REBALANCE_TIMEOUT_MS = 60_000;

    final ManualEventLoop loop = new ManualEventLoop();
    final InMemoryCoordinatorLog log;
    final GroupConfig config;
    final GroupCoordinator coordinator;
    final ApiRegistry registry = new ApiRegistry();
    /** The topic partitions the "cluster" has (OffsetCommit rejects others); every one unless a test narrows it. */
    java.util.function.Predicate<org.apache.kafka.common.TopicPartition> knownPartitions = tp -> true;
    private int correlationId;

    GroupTestKit(GroupConfig config) {
        this(config, new InMemoryCoordinatorLog());
    }

    GroupTestKit(GroupConfig config, InMemoryCoordinatorLog log) {
        this(config, log, (partition, listener) -> Optional.of(BROKER));
    }

    GroupTestKit(GroupConfig config, InMemoryCoordinatorLog log, CoordinatorLocator locator) {
        this.config = config;
        this.log = log;
        this.coordinator = new GroupCoordinator(config, log, loop);
        for (int partition = 0; partition < config.offsetsTopicPartitions(); partition++) {
            coordinator.onBecomeLeader(partition);
        }
        GroupApis.registerAll(registry, coordinator, locator, tp -> knownPartitions.test(tp));
    }

    /** Sends a request through its registered handler; the future completes with the re-parsed response. */
    @SuppressWarnings("unchecked")
    <T extends AbstractResponse> CompletableFuture<T> sendAsync(AbstractRequest request) {
        ApiKeys key = request.apiKey();
        short version = request.version();
        ApiRegistry.Api api = registry.get(key);
        assertThat(api.supports(version)).as("%s v%d registered", key, version).isTrue();
        AbstractRequest parsed = AbstractRequest.parseRequest(key, version, request.serialize()).request;
        RequestContext context = new RequestContext(new RequestHeader(key, version, "client-app", correlationId++),
            "conn-1", new InetSocketAddress("127.0.0.1", 50000), "PLAINTEXT");
        return ((RequestHandler<AbstractRequest>) api.handler()).handle(context, parsed)
            .thenApply(response -> (T) AbstractResponse.parseResponse(key,
                MessageUtil.toByteBufferAccessor(response.data(), version), version));
    }

    /** Sends a request that must be answered without waiting for other members or time to pass. */
    <T extends AbstractResponse> T send(AbstractRequest request) {
        CompletableFuture<T> response = sendAsync(request);
        assertThat(response).as("%s answered at once", request.apiKey()).isDone();
        return response.join();
    }

    // ---------------------------------------------------------------- consumer-protocol helpers

    static byte[] subscription(String... topics) {
        ByteBuffer buffer = ConsumerProtocol.serializeSubscription(new ConsumerPartitionAssignor.Subscription(List.of(topics)));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    static JoinGroupRequestData joinData(String groupId, String memberId) {
        return joinData(groupId, memberId, subscription(TOPIC));
    }

    static JoinGroupRequestData joinData(String groupId, String memberId, byte[] metadata) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(metadata));
        return new JoinGroupRequestData()
            .setGroupId(groupId)
            .setMemberId(memberId)
            .setProtocolType("consumer")
            .setProtocols(protocols)
            .setSessionTimeoutMs(SESSION_TIMEOUT_MS)
            .setRebalanceTimeoutMs(REBALANCE_TIMEOUT_MS);
    }

    CompletableFuture<JoinGroupResponse> join(JoinGroupRequestData data) {
        return sendAsync(new JoinGroupRequest.Builder(data).build(JOIN_VERSION));
    }

    /** A dynamic member's first join: asks for a member id, then joins with it; the second join may wait. */
    CompletableFuture<JoinGroupResponse> joinNewMember(String groupId) {
        JoinGroupResponse first = join(joinData(groupId, "")).join();
        assertThat(first.error()).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        return join(joinData(groupId, first.data().memberId()));
    }

    /** Lets time pass in small steps until the joins complete, so no session expires on the way. */
    void awaitJoins(List<? extends CompletableFuture<?>> joins) {
        for (int waited = 0; waited < REBALANCE_TIMEOUT_MS && !joins.stream().allMatch(CompletableFuture::isDone); waited += 500) {
            loop.advance(500);
        }
    }

    CompletableFuture<SyncGroupResponse> syncAsync(String groupId, JoinGroupResponseData joined,
                                                   Map<String, byte[]> assignments) {
        List<SyncGroupRequestAssignment> list = new ArrayList<>();
        assignments.forEach((member, bytes) -> list.add(new SyncGroupRequestAssignment().setMemberId(member).setAssignment(bytes)));
        return sendAsync(new SyncGroupRequest.Builder(new SyncGroupRequestData()
            .setGroupId(groupId)
            .setMemberId(joined.memberId())
            .setGenerationId(joined.generationId())
            .setProtocolType(joined.protocolType())
            .setProtocolName(joined.protocolName())
            .setAssignments(list)).build((short) 5));
    }

    /** Joins {@code count} members in one generation (waiting out the initial delay) and syncs them. */
    List<JoinGroupResponseData> stableGroup(String groupId, int count) {
        List<CompletableFuture<JoinGroupResponse>> joins = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            joins.add(joinNewMember(groupId));
        }
        awaitJoins(joins);
        List<JoinGroupResponseData> joined = joins.stream().map(f -> {
            assertThat(f).isDone();
            assertThat(f.join().error()).isEqualTo(Errors.NONE);
            return f.join().data();
        }).toList();
        JoinGroupResponseData leader = joined.stream().filter(j -> j.leader().equals(j.memberId())).findFirst().orElseThrow();
        List<CompletableFuture<SyncGroupResponse>> syncs = new ArrayList<>();
        for (JoinGroupResponseData member : joined) {
            Map<String, byte[]> assignments = new HashMap<>();
            if (member == leader) {
                joined.forEach(j -> assignments.put(j.memberId(), j.memberId().getBytes()));
            }
            syncs.add(syncAsync(groupId, member, assignments));
        }
        syncs.forEach(s -> assertThat(s.join().error()).isEqualTo(Errors.NONE));
        return joined;
    }

    Errors heartbeat(String groupId, JoinGroupResponseData member) {
        return heartbeat(groupId, member, null);
    }

    Errors heartbeat(String groupId, JoinGroupResponseData member, String groupInstanceId) {
        HeartbeatResponse response = send(new HeartbeatRequest.Builder(new HeartbeatRequestData()
            .setGroupId(groupId).setMemberId(member.memberId()).setGenerationId(member.generationId())
            .setGroupInstanceId(groupInstanceId)).build((short) 4));
        return response.error();
    }

    Errors commit(String groupId, String memberId, int generation, int partition, long offset) {
        OffsetCommitRequestData data = new OffsetCommitRequestData()
            .setGroupId(groupId)
            .setMemberId(memberId)
            .setGenerationIdOrMemberEpoch(generation)
            .setTopics(List.of(new OffsetCommitRequestTopic().setName(TOPIC).setPartitions(List.of(
                new OffsetCommitRequestPartition().setPartitionIndex(partition).setCommittedOffset(offset)
                    .setCommittedMetadata("m" + offset)))));
        OffsetCommitResponse response = send(OffsetCommitRequest.Builder.forTopicNames(data).build((short) 9));
        return Errors.forCode(response.data().topics().get(0).partitions().get(0).errorCode());
    }
}
