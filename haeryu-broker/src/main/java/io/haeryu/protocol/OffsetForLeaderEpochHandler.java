package io.haeryu.protocol;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.ZkMetadataStore;
import io.haeryu.log.LeaderEpochFileCache;
import io.haeryu.replication.Partition;
import io.haeryu.replication.ReplicaManager;
import java.util.concurrent.CompletableFuture;
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
 * OffsetForLeaderEpoch (KIP-101, KIP-320): the leader's end offset of the requested epoch (the largest epoch at or
 * below it that its log knows), from the partition's leader epoch cache. Consumers use it after a leader change to
 * check that their position is still in the log's history; a position past the answer means it was truncated away.
 */
final class OffsetForLeaderEpochHandler implements RequestHandler<OffsetsForLeaderEpochRequest> {

    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;

    OffsetForLeaderEpochHandler(ZkMetadataStore metadata, ReplicaManager replicas) {
        this.metadata = metadata;
        this.replicas = replicas;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, OffsetsForLeaderEpochRequest request) {
        MetadataImage image = metadata.image();
        OffsetForLeaderEpochResponseData data = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderTopic t : request.data().topics()) {
            OffsetForLeaderTopicResult result = new OffsetForLeaderTopicResult().setTopic(t.topic());
            for (OffsetForLeaderPartition p : t.partitions()) {
                EpochEndOffset answer = new EpochEndOffset().setPartition(p.partition())
                    .setLeaderEpoch(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH)
                    .setEndOffset(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH_OFFSET);
                try {
                    Partition partition = LeaderPartitions.find(image, replicas, t.topic(), p.partition());
                    LeaderEpochs.check(p.currentLeaderEpoch(), partition);
                    LeaderEpochFileCache.EpochOffset end = partition.log().endOffsetForEpoch(p.leaderEpoch());
                    answer.setLeaderEpoch(end.epoch()).setEndOffset(end.offset());
                } catch (RuntimeException e) {
                    answer.setErrorCode(Errors.forException(e).code());
                }
                result.partitions().add(answer);
            }
            data.topics().add(result);
        }
        return CompletableFuture.completedFuture(new OffsetsForLeaderEpochResponse(data));
    }
}
