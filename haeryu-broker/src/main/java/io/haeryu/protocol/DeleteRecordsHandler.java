package io.haeryu.protocol;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.ZkMetadataStore;
import io.haeryu.log.PartitionLog;
import io.haeryu.replication.Partition;
import io.haeryu.replication.ReplicaManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * DeleteRecords: moves each partition's log start offset up (offset -1 = the high watermark) on the leader, then,
 * as Kafka's delayed DeleteRecords, answers once the low watermark (the smallest log start offset of the leader and
 * the in-sync followers, which take the leader's from their fetches) has reached it, so the deletion survives a
 * failover; REQUEST_TIMED_OUT after the request's timeout.
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
            List<CompletableFuture<Void>> waits = new ArrayList<>();
            for (DeleteRecordsTopic t : request.data().topics()) {
                DeleteRecordsTopicResult tr = new DeleteRecordsTopicResult().setName(t.name());
                for (DeleteRecordsPartition p : t.partitions()) {
                    DeleteRecordsPartitionResult out = new DeleteRecordsPartitionResult()
                        .setPartitionIndex(p.partitionIndex()).setLowWatermark(DeleteRecordsResponse.INVALID_LOW_WATERMARK);
                    tr.partitions().add(out);
                    waits.add(delete(image, t.name(), p, request.data().timeoutMs(), out));
                }
                data.topics().add(tr);
            }
            return CompletableFuture.allOf(waits.toArray(new CompletableFuture<?>[0]))
                .thenApply(done -> (AbstractResponse) new DeleteRecordsResponse(data));
        }, blockingExecutor).thenCompose(response -> response);
    }

    /** Deletes on the leader and completes once the replicas have the new log start, filling in {@code out}. */
    private CompletableFuture<Void> delete(MetadataImage image, String topic, DeleteRecordsPartition p, int timeoutMs,
                                           DeleteRecordsPartitionResult out) {
        try {
            Partition partition = LeaderPartitions.find(image, replicas, topic, p.partitionIndex());
            PartitionLog log = partition.log();
            long offset = p.offset() == DeleteRecordsRequest.HIGH_WATERMARK ? log.highWatermark() : p.offset();
            if (offset < 0) {
                throw new OffsetOutOfRangeException("Cannot delete records before offset " + p.offset());
            }
            log.deleteRecordsBefore(offset);
            return replicas.awaitLowWatermark(partition, log.logStartOffset(), Math.max(0, timeoutMs))
                .handle((low, error) -> {
                    if (error == null) {
                        out.setLowWatermark(low);
                    } else {
                        out.setErrorCode(Errors.forException(error instanceof CompletionException ? error.getCause()
                            : error).code());
                    }
                    return null;
                });
        } catch (RuntimeException e) {
            out.setErrorCode(Errors.forException(e).code());
            return CompletableFuture.completedFuture(null);
        }
    }
}
