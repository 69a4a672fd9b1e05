package io.haeryu.protocol;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.TopicInfo;
import io.haeryu.cluster.ZkMetadataStore;
import io.haeryu.log.LeaderEpochFileCache;
import io.haeryu.log.LogReadInfo;
import io.haeryu.replication.Partition;
import io.haeryu.replication.ReplicaManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
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
 * Fetch for consumers: reads committed data from each partition's log (sent zero-copy), honouring the response
 * and partition byte limits while always returning at least one whole batch so consumers make progress. With
 * less than {@code min.bytes} available the fetch waits up to {@code max.wait.ms} for appends.
 *
 * <p>Fetch for followers (a replica id): the fetch offset is the follower's log end offset, which the leader
 * records before reading (that is what moves the high watermark); reads go up to the log end; and a follower
 * whose last fetched epoch ended earlier in the leader's history gets that epoch's end offset as
 * {@code divergingEpoch} instead of records, to truncate to.
 *
 * <p>Fetch sessions (KIP-227) are not kept: every answer carries session id 0, which tells clients to send full
 * fetches, a mode every client supports.
 */
final class FetchHandler implements RequestHandler<FetchRequest> {

    private static final int TOPIC_IDS_VERSION = 13;

    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;
    private final Executor delayedReads;

    FetchHandler(ZkMetadataStore metadata, ReplicaManager replicas, Executor delayedReads) {
        this.metadata = metadata;
        this.replicas = replicas;
        this.delayedReads = delayedReads;
    }

    /** One pass over the requested partitions. */
    private record ReadPass(FetchResponseData data, long bytes, boolean anyError, List<TopicPartition> partitions,
                            List<ReadBound> bounds) {

        /** True if a partition has moved past what this pass read (or changed leadership): worth reading again. */
        boolean outdated(boolean fromFollower) {
            for (ReadBound b : bounds) {
                if (!b.partition().isLeader() || b.partition().leaderEpoch() != b.leaderEpoch()
                    || readLimit(b.partition(), fromFollower) != b.limit()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** How far a pass could read a partition: the log end for a follower, the high watermark for a consumer. */
    private record ReadBound(Partition partition, int leaderEpoch, long limit) {
    }

    private static long readLimit(Partition partition, boolean fromFollower) {
        return fromFollower ? partition.log().logEndOffset() : partition.highWatermark();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, FetchRequest request) {
        FetchRequestData req = request.data();
        if (req.sessionId() != 0) {
            FetchResponseData data = new FetchResponseData().setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code())
                .setSessionId(0);
            return CompletableFuture.completedFuture(FetchResponse.of(data));
        }
        short version = request.version();
        int replicaId = request.replicaId();
        ReadPass first = read(req, version, replicaId);
        if (first.bytes() >= req.minBytes() || req.maxWaitMs() <= 0 || first.anyError() || first.partitions().isEmpty()) {
            return CompletableFuture.completedFuture(FetchResponse.of(first.data()));
        }
        CompletableFuture<AbstractResponse> response = new CompletableFuture<>();
        long deadline = System.nanoTime() + req.maxWaitMs() * 1_000_000L;
        park(req, version, replicaId, first, deadline, response);
        return response;
    }

    private void park(FetchRequestData req, short version, int replicaId, ReadPass previous,
                      long deadlineNanos, CompletableFuture<AbstractResponse> response) {
        long waitMs = Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000L);
        List<TopicPartition> partitions = previous.partitions();
        replicas.fetchPurgatory().await(partitions, waitMs, () -> previous.outdated(replicaId >= 0),
            () -> delayedReads.execute(() -> {
                try {
                    ReadPass pass = read(req, version, replicaId);
                    boolean expired = System.nanoTime() >= deadlineNanos;
                    if (expired || pass.bytes() >= req.minBytes() || pass.anyError()) {
                        response.complete(FetchResponse.of(pass.data()));
                    } else {
                        park(req, version, replicaId, pass, deadlineNanos, response);
                    }
                } catch (RuntimeException e) {
                    response.completeExceptionally(e);
                }
            }));
    }

    private ReadPass read(FetchRequestData req, short version, int replicaId) {
        boolean fromFollower = replicaId >= 0;
        boolean byId = version >= TOPIC_IDS_VERSION;
        boolean readCommitted = req.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        MetadataImage image = metadata.image();
        FetchResponseData data = new FetchResponseData().setSessionId(0);
        List<TopicPartition> partitions = new ArrayList<>();
        List<ReadBound> bounds = new ArrayList<>();
        long remaining = version >= 3 ? req.maxBytes() : Integer.MAX_VALUE;
        long bytes = 0;
        boolean anyError = false;
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
                try {
                    if (topic == null) {
                        throw byId ? new UnknownTopicIdException("Topic id " + t.topicId() + " does not exist")
                            : new UnknownTopicOrPartitionException("Topic " + t.topic() + " does not exist");
                    }
                    Partition partition = replicas.leaderPartition(topic, p.partition());
                    LeaderEpochs.check(p.currentLeaderEpoch(), partition);
                    if (fromFollower) {
                        // Before anything is read or recorded: only this partition's followers fetch as replicas.
                        partition.ensureFollower(replicaId, p.currentLeaderEpoch() >= 0);
                    }
                    partitions.add(partition.topicPartition());
                    int epochAtRead = partition.leaderEpoch();
                    long limitAtRead = readLimit(partition, fromFollower);
                    int limit = (int) Math.min(p.partitionMaxBytes(), Math.max(0, remaining));
                    LogReadInfo info;
                    if (fromFollower) {
                        Optional<EpochEndOffset> diverging = divergence(partition, p);
                        if (diverging.isPresent()) {
                            pd.setDivergingEpoch(diverging.get()).setHighWatermark(partition.highWatermark())
                                .setLastStableOffset(partition.highWatermark())
                                .setLogStartOffset(partition.log().logStartOffset());
                            anyError = true; // answer at once: the follower must truncate before fetching on
                            tr.partitions().add(pd);
                            continue;
                        }
                        partition.updateFollowerFetchState(replicaId, p.fetchOffset(), p.logStartOffset(),
                            System.currentTimeMillis());
                        info = partition.readForFollower(p.fetchOffset(), limit, bytes == 0);
                    } else {
                        info = partition.read(p.fetchOffset(), limit, bytes == 0);
                    }
                    bounds.add(new ReadBound(partition, epochAtRead, limitAtRead));
                    int size = info.records().sizeInBytes();
                    bytes += size;
                    remaining -= size;
                    pd.setRecords(info.records())
                        .setHighWatermark(info.highWatermark())
                        .setLastStableOffset(info.highWatermark())
                        .setLogStartOffset(info.logStartOffset());
                    if (readCommitted) {
                        pd.setAbortedTransactions(List.of());
                    }
                } catch (RuntimeException e) {
                    anyError = true;
                    pd.setErrorCode(Errors.forException(e).code());
                }
                tr.partitions().add(pd);
            }
            data.responses().add(tr);
        }
        return new ReadPass(data, bytes, anyError, partitions, bounds);
    }

    /**
     * Kafka's check of a follower's {@code lastFetchedEpoch}: if our log ended that epoch (or the largest one below
     * it) before the fetch offset, the follower's tail is not ours. An epoch newer than all of ours cannot come
     * from a follower (a leader records its epoch on taking over); it is answered out of range, and the follower
     * falls back to its high watermark.
     */
    private static Optional<EpochEndOffset> divergence(Partition partition, FetchPartition p) {
        if (p.lastFetchedEpoch() < 0) {
            return Optional.empty();
        }
        LeaderEpochFileCache.EpochOffset end = partition.log().endOffsetForEpoch(p.lastFetchedEpoch());
        if (end.epoch() == LeaderEpochFileCache.UNDEFINED_EPOCH) {
            throw new OffsetOutOfRangeException("Epoch " + p.lastFetchedEpoch() + " is older than every epoch of "
                + partition.topicPartition());
        }
        if (end.epoch() < p.lastFetchedEpoch() || end.offset() < p.fetchOffset()) {
            return Optional.of(new EpochEndOffset().setEpoch(end.epoch()).setEndOffset(end.offset()));
        }
        return Optional.empty();
    }
}
