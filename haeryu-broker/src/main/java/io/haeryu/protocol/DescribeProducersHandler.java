package io.haeryu.protocol;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.ZkMetadataStore;
import io.haeryu.log.ActiveProducer;
import io.haeryu.replication.ReplicaManager;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DescribeProducersRequestData.TopicRequest;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeProducersResponseData.PartitionResponse;
import org.apache.kafka.common.message.DescribeProducersResponseData.ProducerState;
import org.apache.kafka.common.message.DescribeProducersResponseData.TopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeProducersRequest;
import org.apache.kafka.common.requests.DescribeProducersResponse;

/**
 * DescribeProducers: the idempotent producers a partition remembers (kafka-transactions describe-producers). No
 * transactions yet, so the coordinator epoch and the open transaction's start offset are always -1.
 */
final class DescribeProducersHandler implements RequestHandler<DescribeProducersRequest> {

    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;

    DescribeProducersHandler(ZkMetadataStore metadata, ReplicaManager replicas) {
        this.metadata = metadata;
        this.replicas = replicas;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DescribeProducersRequest request) {
        MetadataImage image = metadata.image();
        DescribeProducersResponseData data = new DescribeProducersResponseData();
        for (TopicRequest t : request.data().topics()) {
            TopicResponse tr = new TopicResponse().setName(t.name());
            for (int partition : t.partitionIndexes()) {
                PartitionResponse pr = new PartitionResponse().setPartitionIndex(partition);
                try {
                    for (ActiveProducer p : LeaderPartitions.find(image, replicas, t.name(), partition).log().activeProducers()) {
                        pr.activeProducers().add(new ProducerState().setProducerId(p.producerId())
                            .setProducerEpoch(p.producerEpoch()).setLastSequence(p.lastSequence())
                            .setLastTimestamp(p.lastTimestamp()).setCoordinatorEpoch(-1).setCurrentTxnStartOffset(-1));
                    }
                } catch (ApiException e) {
                    pr.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
                }
                tr.partitions().add(pr);
            }
            data.topics().add(tr);
        }
        return CompletableFuture.completedFuture(new DescribeProducersResponse(data));
    }
}
