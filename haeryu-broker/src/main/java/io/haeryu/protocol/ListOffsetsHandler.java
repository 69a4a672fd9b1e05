package io.haeryu.protocol;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.ZkMetadataStore;
import io.haeryu.log.PartitionLog;
import io.haeryu.log.TimestampAndOffset;
import io.haeryu.replication.Partition;
import io.haeryu.replication.ReplicaManager;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;

/**
 * ListOffsets: earliest, latest, max-timestamp, and the first offset at or after a timestamp. Offsets above the
 * high watermark are never reported, so consumers never seek past committed data.
 */
final class ListOffsetsHandler implements RequestHandler<ListOffsetsRequest> {

    private static final int LEADER_EPOCH_VERSION = 4;

    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;

    ListOffsetsHandler(ZkMetadataStore metadata, ReplicaManager replicas) {
        this.metadata = metadata;
        this.replicas = replicas;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, ListOffsetsRequest request) {
        MetadataImage image = metadata.image();
        ListOffsetsResponseData data = new ListOffsetsResponseData();
        for (ListOffsetsTopic t : request.topics()) {
            ListOffsetsTopicResponse tr = new ListOffsetsTopicResponse().setName(t.name());
            for (ListOffsetsPartition p : t.partitions()) {
                tr.partitions().add(answer(image, t.name(), p, request.version()));
            }
            data.topics().add(tr);
        }
        return CompletableFuture.completedFuture(new ListOffsetsResponse(data));
    }

    private ListOffsetsPartitionResponse answer(MetadataImage image, String name, ListOffsetsPartition p, short version) {
        ListOffsetsPartitionResponse out = new ListOffsetsPartitionResponse().setPartitionIndex(p.partitionIndex())
            .setOffset(-1).setTimestamp(-1).setLeaderEpoch(-1);
        try {
            Partition partition = LeaderPartitions.find(image, replicas, name, p.partitionIndex());
            LeaderEpochs.check(p.currentLeaderEpoch(), partition);
            PartitionLog log = partition.log();
            long hw = log.highWatermark();
            if (version >= LEADER_EPOCH_VERSION) {
                out.setLeaderEpoch(partition.leaderEpoch());
            }
            long ts = p.timestamp();
            if (ts == ListOffsetsRequest.EARLIEST_TIMESTAMP || ts == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
                out.setOffset(log.logStartOffset());
            } else if (ts == ListOffsetsRequest.LATEST_TIMESTAMP || ts == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP) {
                out.setOffset(hw);
            } else if (ts == ListOffsetsRequest.MAX_TIMESTAMP) {
                TimestampAndOffset max = log.maxTimestampAndOffset();
                if (max.offset() >= 0 && max.offset() < hw) {
                    out.setOffset(max.offset()).setTimestamp(max.timestamp());
                }
            } else if (ts >= 0) {
                Optional<TimestampAndOffset> found = log.offsetForTimestamp(ts);
                if (found.isPresent() && found.get().offset() < hw) {
                    out.setOffset(found.get().offset()).setTimestamp(found.get().timestamp());
                }
            } else {
                throw new org.apache.kafka.common.errors.InvalidRequestException("Unknown special timestamp " + ts);
            }
        } catch (RuntimeException e) {
            out.setErrorCode(Errors.forException(e).code());
        }
        return out;
    }
}
