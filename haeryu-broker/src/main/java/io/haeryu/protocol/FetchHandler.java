package io.haeryu.protocol;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.TopicInfo;
import io.haeryu.cluster.ZkMetadataStore;
import io.haeryu.replication.FetchParams;
import io.haeryu.replication.FetchPartitionResult;
import io.haeryu.replication.ReplicaManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.EpochEndOffset;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * Fetch, for consumers and followers (a replica id): resolves each partition's topic and reads through
 * {@link ReplicaManager#fetch}, which honours the byte limits, {@code min.bytes} and {@code max.wait.ms}, and for a
 * follower records its fetch offset (what moves the high watermark) or answers the {@code divergingEpoch} to
 * truncate to. Records are sent zero-copy.
 *
 * <p>Fetch sessions (KIP-227) are not kept: every answer carries session id 0, which tells clients to send full
 * fetches, a mode every client supports.
 */
final class FetchHandler implements RequestHandler<FetchRequest> {

    private static final int TOPIC_IDS_VERSION = 13;

    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;

    FetchHandler(ZkMetadataStore metadata, ReplicaManager replicas) {
        this.metadata = metadata;
        this.replicas = replicas;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, FetchRequest request) {
        FetchRequestData req = request.data();
        if (req.sessionId() != 0) {
            FetchResponseData data = new FetchResponseData().setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code())
                .setSessionId(0);
            return CompletableFuture.completedFuture(FetchResponse.of(data));
        }
        boolean byId = request.version() >= TOPIC_IDS_VERSION;
        MetadataImage image = metadata.image();
        FetchResponseData data = new FetchResponseData().setSessionId(0);
        // The answer's partitions in request order; those of a known topic are read by the replica manager.
        List<PartitionData> read = new ArrayList<>();
        List<FetchParams.PartitionFetch> partitions = new ArrayList<>();
        boolean anyUnknown = false;
        for (FetchTopic t : req.topics()) {
            TopicInfo topic = byId ? image.topicsById().get(t.topicId()) : image.topicsByName().get(t.topic());
            FetchableTopicResponse tr = new FetchableTopicResponse();
            if (byId) {
                tr.setTopicId(t.topicId());
            } else {
                tr.setTopic(t.topic());
            }
            for (FetchPartition p : t.partitions()) {
                PartitionData pd = new PartitionData().setPartitionIndex(p.partition())
                    .setHighWatermark(FetchResponse.INVALID_HIGH_WATERMARK)
                    .setLastStableOffset(FetchResponse.INVALID_LAST_STABLE_OFFSET)
                    .setLogStartOffset(FetchResponse.INVALID_LOG_START_OFFSET)
                    .setRecords(MemoryRecords.EMPTY);
                if (topic == null) {
                    pd.setErrorCode((byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
                    anyUnknown = true;
                } else {
                    read.add(pd);
                    partitions.add(new FetchParams.PartitionFetch(new TopicPartition(topic.name(), p.partition()),
                        p.currentLeaderEpoch(), p.fetchOffset(), p.lastFetchedEpoch(), p.logStartOffset(),
                        p.partitionMaxBytes()));
                }
                tr.partitions().add(pd);
            }
            data.responses().add(tr);
        }
        if (partitions.isEmpty()) {
            return CompletableFuture.completedFuture(FetchResponse.of(data));
        }
        boolean readCommitted = req.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        // An error is answered at once, as the replica manager does for the partitions it reads.
        FetchParams params = new FetchParams(request.replicaId(), anyUnknown ? 0 : req.maxWaitMs(), req.minBytes(),
            request.version() >= 3 ? req.maxBytes() : Integer.MAX_VALUE,
            readCommitted ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED, partitions);
        return replicas.fetch(params).thenApply(results -> {
            for (int i = 0; i < results.size(); i++) {
                fill(read.get(i), results.get(i), readCommitted);
            }
            return FetchResponse.of(data);
        });
    }

    /** Copies one partition's read into its answer. */
    private static void fill(PartitionData pd, FetchPartitionResult result, boolean readCommitted) {
        if (result.error() != Errors.NONE) {
            pd.setErrorCode(result.error().code());
            return;
        }
        pd.setRecords(result.records()).setHighWatermark(result.highWatermark())
            .setLastStableOffset(result.lastStableOffset()).setLogStartOffset(result.logStartOffset());
        result.divergingEpoch().ifPresent(end -> pd.setDivergingEpoch(
            new EpochEndOffset().setEpoch(end.epoch()).setEndOffset(end.offset())));
        if (readCommitted && result.divergingEpoch().isEmpty()) {
            pd.setAbortedTransactions(List.of());
        }
    }
}
