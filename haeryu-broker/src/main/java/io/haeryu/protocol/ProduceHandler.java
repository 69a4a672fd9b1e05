package io.haeryu.protocol;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.TopicInfo;
import io.haeryu.cluster.ZkMetadataStore;
import io.haeryu.replication.AppendOrigin;
import io.haeryu.replication.PartitionAppendResult;
import io.haeryu.replication.ReplicaManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
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
 * Produce: resolves each partition's topic and appends through {@link ReplicaManager#appendRecords} (origin CLIENT),
 * then answers with the assigned base offset (the original offset for a retried duplicate). Each partition succeeds
 * or fails on its own; a batch refused for some of its records lists them in {@code record_errors} (KIP-467). With
 * acks=all the answer waits until the ISR has the records (or the request's timeout). With acks=0 nothing is
 * answered, and a failure closes the connection, as in Kafka.
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

    /** A partition of the response with the records to append for it (none if refused before the append). */
    private record Slot(PartitionProduceResponse response, TopicPartition topicPartition) {
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, ProduceRequest request) {
        boolean byId = request.version() >= TOPIC_IDS_VERSION;
        short acks = request.acks();
        MetadataImage image = metadata.image();
        ProduceResponseData response = new ProduceResponseData();
        List<Slot> slots = new ArrayList<>();
        Map<TopicPartition, MemoryRecords> records = new LinkedHashMap<>();
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
                TopicPartition tp = null;
                if (topic == null) {
                    refuse(context, t, p, pr, byId ? new UnknownTopicIdException("Topic id " + t.topicId()
                        + " does not exist") : new UnknownTopicOrPartitionException("Topic " + t.name()
                        + " does not exist"));
                } else if (!(p.records() instanceof MemoryRecords batch)) {
                    refuse(context, t, p, pr, new CorruptRecordException("Produce request carries no record batch"));
                } else {
                    tp = new TopicPartition(topic.name(), p.index());
                    records.put(tp, batch);
                }
                slots.add(new Slot(pr, tp));
                topicResponse.partitionResponses().add(pr);
            }
            response.responses().add(topicResponse);
        }
        return replicas.appendRecords(records, AppendOrigin.CLIENT, acks, request.timeout()).thenCompose(results -> {
            Errors firstError = Errors.NONE;
            for (Slot slot : slots) {
                PartitionProduceResponse pr = slot.response();
                PartitionAppendResult result = slot.topicPartition() == null ? null : results.get(slot.topicPartition());
                if (result != null) {
                    fill(context, slot.topicPartition(), pr, result);
                }
                if (firstError == Errors.NONE && pr.errorCode() != Errors.NONE.code()) {
                    firstError = Errors.forCode(pr.errorCode());
                }
            }
            if (acks == 0) {
                return firstError == Errors.NONE
                    ? CompletableFuture.<AbstractResponse>completedFuture(null)
                    : CompletableFuture.<AbstractResponse>failedFuture(
                        new CloseConnectionException("acks=0 produce failed: " + firstError));
            }
            return CompletableFuture.<AbstractResponse>completedFuture(new ProduceResponse(response));
        });
    }

    private static void refuse(RequestContext context, TopicProduceData t, PartitionProduceData p,
                               PartitionProduceResponse pr, RuntimeException e) {
        log.debug("Produce to {}-{} from {} refused: {}", t.name(), p.index(), context.describeClient(), e.getMessage());
        pr.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
    }

    /** Copies one partition's append result into its answer. */
    private static void fill(RequestContext context, TopicPartition tp, PartitionProduceResponse pr,
                             PartitionAppendResult result) {
        pr.setBaseOffset(result.baseOffset()).setLogAppendTimeMs(result.logAppendTime())
            .setLogStartOffset(result.logStartOffset());
        if (result.error() != Errors.NONE) {
            log.debug("Produce to {} from {} refused: {}", tp, context.describeClient(), result.errorMessage());
            pr.setErrorCode(result.error().code()).setErrorMessage(result.errorMessage());
            // KIP-467: the batch is refused naming its offending records (Produce v8+ carries them).
            for (PartitionAppendResult.RecordError recordError : result.recordErrors()) {
                pr.recordErrors().add(new BatchIndexAndErrorMessage().setBatchIndex(recordError.batchIndex())
                    .setBatchIndexErrorMessage(recordError.message()));
            }
        }
    }
}
