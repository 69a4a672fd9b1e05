package io.haeryu.protocol;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.ZkMetadataStore;
import io.haeryu.log.PartitionLog;
import io.haeryu.replication.ReplicaManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;

/**
 * DeleteRecords: moves each partition's log start offset up (offset -1 = the high watermark) and answers the new
 * low watermark. With the leader as the only replica, the leader's log start offset is the low watermark.
 */
final class DeleteRecordsHandler implements RequestHandler<DeleteRecordsRequest> {

    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;
    private final Executor blockingExecutor;

    DeleteRecordsHandler(ZkMetadataStore metadata, ReplicaManager replicas, Executor blockingExecutor) {
        this.metadata = metadata;
        this.replicas = replicas;
        this.blockingExecutor = blockingExecutor;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DeleteRecordsRequest request) {
        // Off the event loop: deleting whole segments touches the file system.
        return CompletableFuture.supplyAsync(() -> {
            MetadataImage image = metadata.image();
            DeleteRecordsResponseData data = new DeleteRecordsResponseData();
            for (DeleteRecordsTopic t : request.data().topics()) {
                DeleteRecordsTopicResult tr = new DeleteRecordsTopicResult().setName(t.name());
                for (DeleteRecordsPartition p : t.partitions()) {
                    tr.partitions().add(delete(image, t.name(), p));
                }
                data.topics().add(tr);
            }
            return new DeleteRecordsResponse(data);
        }, blockingExecutor);
    }

    private DeleteRecordsPartitionResult delete(MetadataImage image, String topic, DeleteRecordsPartition p) {
        DeleteRecordsPartitionResult out = new DeleteRecordsPartitionResult().setPartitionIndex(p.partitionIndex())
            .setLowWatermark(DeleteRecordsResponse.INVALID_LOW_WATERMARK);
        try {
            PartitionLog log = LeaderPartitions.find(image, replicas, topic, p.partitionIndex()).log();
            long offset = p.offset() == DeleteRecordsRequest.HIGH_WATERMARK ? log.highWatermark() : p.offset();
            if (offset < 0) {
                throw new OffsetOutOfRangeException("Cannot delete records before offset " + p.offset());
            }
            log.deleteRecordsBefore(offset);
            out.setLowWatermark(log.logStartOffset());
        } catch (RuntimeException e) {
            out.setErrorCode(Errors.forException(e).code());
        }
        return out;
    }
}
