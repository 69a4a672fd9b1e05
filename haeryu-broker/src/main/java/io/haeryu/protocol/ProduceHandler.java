package io.haeryu.protocol;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.TopicInfo;
import io.haeryu.cluster.ZkMetadataStore;
import io.haeryu.log.LogAppendInfo;
import io.haeryu.log.RecordValidationException;
import io.haeryu.replication.Partition;
import io.haeryu.replication.ReplicaManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.BatchIndexAndErrorMessage;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce: validates and appends each partition's records on its leader, then answers with the assigned base
 * offset (the original offset for a retried duplicate). Each partition succeeds or fails on its own; a batch refused
 * for some of its records lists them in {@code record_errors} (KIP-467). With
 * acks=all a partition's answer waits in {@link io.haeryu.replication.DelayedProduce} until the ISR has the records
 * (or the request's timeout). With acks=0 nothing is answered, and a failure closes the connection, as in Kafka.
 */
final class ProduceHandler implements RequestHandler<ProduceRequest> {

    private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);
    private static final int TOPIC_IDS_VERSION = 13;

    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;

    ProduceHandler(ZkMetadataStore metadata, ReplicaManager replicas) {
        this.metadata = metadata;
        this.replicas = replicas;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, ProduceRequest request) {
        boolean byId = request.version() >= TOPIC_IDS_VERSION;
        short acks = request.acks();
        MetadataImage image = metadata.image();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        ProduceResponseData response = new ProduceResponseData();
        Errors firstError = Errors.NONE;
        for (TopicProduceData t : request.data().topicData()) {
            TopicInfo topic = byId ? image.topicsById().get(t.topicId()) : image.topicsByName().get(t.name());
            TopicProduceResponse topicResponse = new TopicProduceResponse();
            if (byId) {
                topicResponse.setTopicId(t.topicId());
            } else {
                topicResponse.setName(t.name());
            }
            for (PartitionProduceData p : t.partitionData()) {
                PartitionProduceResponse pr = new PartitionProduceResponse()
                    .setIndex(p.index()).setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
                Optional<CompletableFuture<Errors>> replication = append(context, topic, byId, t, p, acks,
                    request.timeout(), pr);
                if (replication.isPresent()) {
                    pending.add(replication.get().thenAccept(error -> {
                        if (error != Errors.NONE) {
                            pr.setErrorCode(error.code()).setErrorMessage(error.message()).setBaseOffset(-1);
                        }
                    }));
                }
                if (firstError == Errors.NONE && pr.errorCode() != Errors.NONE.code()) {
                    firstError = Errors.forCode(pr.errorCode());
                }
                topicResponse.partitionResponses().add(pr);
            }
            response.responses().add(topicResponse);
        }
        if (acks == 0) {
            return firstError == Errors.NONE
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new CloseConnectionException("acks=0 produce failed: " + firstError));
        }
        if (pending.isEmpty()) {
            return CompletableFuture.completedFuture(new ProduceResponse(response));
        }
        return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
            .thenApply(done -> new ProduceResponse(response));
    }

    /**
     * Appends one partition's records, filling {@code pr}; for acks=all returns the wait for the ISR, whose error
     * (if any) replaces the success in {@code pr}.
     */
    private Optional<CompletableFuture<Errors>> append(RequestContext context, TopicInfo topic, boolean byId,
                                                       TopicProduceData t, PartitionProduceData p, short acks,
                                                       int timeoutMs, PartitionProduceResponse pr) {
        try {
            if (topic == null) {
                throw byId ? new UnknownTopicIdException("Topic id " + t.topicId() + " does not exist")
                    : new UnknownTopicOrPartitionException("Topic " + t.name() + " does not exist");
            }
            if (!(p.records() instanceof MemoryRecords records)) {
                throw new CorruptRecordException("Produce request carries no record batch");
            }
            Partition partition = replicas.leaderPartition(topic, p.index());
            int minInsyncReplicas = replicas.minInsyncReplicas(topic);
            LogAppendInfo info = partition.appendAsLeader(records, acks, minInsyncReplicas);
            pr.setBaseOffset(info.firstOffset()).setLogAppendTimeMs(info.logAppendTime())
                .setLogStartOffset(info.logStartOffset());
            if (!info.duplicate()) {
                replicas.fetchPurgatory().dataArrived(partition.topicPartition());
            }
            if (acks == -1) {
                // A retried duplicate waits too: its original may not have reached the ISR yet.
                return Optional.of(replicas.delayedProduce().await(partition, info.lastOffset() + 1, minInsyncReplicas,
                    timeoutMs));
            }
        } catch (RuntimeException e) {
            Errors error = Errors.forException(e);
            if (error == Errors.UNKNOWN_SERVER_ERROR) {
                log.error("Produce to {}-{} from {} failed", t.name(), p.index(), context.describeClient(), e);
            } else {
                log.debug("Produce to {}-{} from {} refused: {}", t.name(), p.index(), context.describeClient(), e.getMessage());
            }
            pr.setErrorCode(error.code()).setErrorMessage(e.getMessage());
            if (e instanceof RecordValidationException invalid) {
                // KIP-467: the batch is refused naming its offending records (Produce v8+ carries them).
                for (RecordValidationException.RecordError recordError : invalid.recordErrors()) {
                    pr.recordErrors().add(new BatchIndexAndErrorMessage().setBatchIndex(recordError.batchIndex())
                        .setBatchIndexErrorMessage(recordError.message()));
                }
            }
        }
        return Optional.empty();
    }
}
