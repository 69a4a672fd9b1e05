package io.haeryu.protocol;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.ZkMetadataStore;
import io.haeryu.log.PartitionLog;
import io.haeryu.replication.Partition;
import io.haeryu.replication.ReplicaManager;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;

/**
 * OffsetForLeaderEpoch, as consumers use it after a leader change to check that the data they read is still in
 * the log: the end offset of the requested epoch, i.e. where the next epoch begins.
 *
 * <p>Kafka keeps a leader-epoch cache for this; Haeryu has none yet and derives the answer from the epochs stamped
 * in the batch headers, which never decrease along the log: for the current epoch the log end offset; for an older
 * epoch the base offset of the first batch of a newer epoch (found by binary search over the log) together with
 * the newest epoch at or below the requested one, or the requested epoch itself if the log holds no batch of an
 * epoch that old (Kafka's answer for an epoch older than its earliest cache entry); for an unknown newer epoch
 * UNDEFINED_EPOCH and UNDEFINED_EPOCH_OFFSET. While a partition has had one leader epoch only (every partition so
 * far: Haeryu does not move leadership yet) the answer is the log end offset, exactly as Kafka's.
 */
final class OffsetForLeaderEpochHandler implements RequestHandler<OffsetsForLeaderEpochRequest> {

    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;
    private final Executor blockingExecutor;

    OffsetForLeaderEpochHandler(ZkMetadataStore metadata, ReplicaManager replicas, Executor blockingExecutor) {
        this.metadata = metadata;
        this.replicas = replicas;
        this.blockingExecutor = blockingExecutor;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, OffsetsForLeaderEpochRequest request) {
        // Off the event loop: an older epoch is looked up in the log files.
        return CompletableFuture.supplyAsync(() -> {
            MetadataImage image = metadata.image();
            OffsetForLeaderEpochResponseData data = new OffsetForLeaderEpochResponseData();
            for (OffsetForLeaderTopic t : request.data().topics()) {
                OffsetForLeaderTopicResult tr = new OffsetForLeaderTopicResult().setTopic(t.topic());
                for (OffsetForLeaderPartition p : t.partitions()) {
                    tr.partitions().add(answer(image, t.topic(), p));
                }
                data.topics().add(tr);
            }
            return new OffsetsForLeaderEpochResponse(data);
        }, blockingExecutor);
    }

    private EpochEndOffset answer(MetadataImage image, String topic, OffsetForLeaderPartition p) {
        EpochEndOffset out = new EpochEndOffset().setPartition(p.partition())
            .setLeaderEpoch(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH)
            .setEndOffset(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH_OFFSET);
        try {
            Partition partition = LeaderPartitions.find(image, replicas, topic, p.partition());
            LeaderEpochs.check(p.currentLeaderEpoch(), partition);
            int requested = p.leaderEpoch();
            int current = partition.leaderEpoch();
            PartitionLog log = partition.log();
            if (requested == current) {
                out.setLeaderEpoch(current).setEndOffset(log.logEndOffset());
            } else if (requested >= 0 && requested < current) {
                endOfOlderEpoch(log, requested, out);
            }
        } catch (RuntimeException e) {
            out.setErrorCode(Errors.forException(e).code());
        }
        return out;
    }

    /** Binary search for the first batch of an epoch newer than {@code epoch}: batch epochs never decrease. */
    private static void endOfOlderEpoch(PartitionLog log, int epoch, EpochEndOffset out) {
        long lo = log.logStartOffset();
        long hi = log.logEndOffset(); // the answer if no batch is newer
        long searchHi = hi;
        while (lo < searchHi) {
            long mid = lo + (searchHi - lo) / 2;
            RecordBatch batch = batchAt(log, mid);
            if (batch == null) {
                break; // the log moved under us (retention); answer with what we have
            }
            if (batch.partitionLeaderEpoch() > epoch) {
                hi = Math.max(batch.baseOffset(), log.logStartOffset());
                searchHi = Math.min(mid, hi);
            } else {
                lo = batch.lastOffset() + 1;
            }
        }
        RecordBatch before = hi > log.logStartOffset() ? batchAt(log, hi - 1) : null;
        out.setLeaderEpoch(before != null ? before.partitionLeaderEpoch() : epoch).setEndOffset(hi);
    }

    /** The batch holding {@code offset}, or null if there is none any more. */
    private static RecordBatch batchAt(PartitionLog log, long offset) {
        try {
            Iterator<? extends RecordBatch> batches = log.read(offset, 1, log.logEndOffset(), true).records()
                .batches().iterator();
            return batches.hasNext() ? batches.next() : null;
        } catch (org.apache.kafka.common.errors.OffsetOutOfRangeException e) {
            return null;
        }
    }
}
