package io.haeryu.protocol;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.ZkMetadataStore;
import io.haeryu.replication.Partition;
import io.haeryu.replication.ReplicaManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;

/**
 * OffsetForLeaderEpoch, as consumers use it after a leader change to check that the data they read is still in
 * the log: the end offset of the requested epoch, i.e. where the next epoch begins ({@link EpochEndOffsets}).
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
            EpochEndOffsets.EpochEnd end = EpochEndOffsets.endOf(partition.log(), partition.leaderEpoch(), p.leaderEpoch());
            out.setLeaderEpoch(end.epoch()).setEndOffset(end.endOffset());
        } catch (RuntimeException e) {
            out.setErrorCode(Errors.forException(e).code());
        }
        return out;
    }
}
