package io.haeryu.protocol;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.ZkMetadataStore;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;

/**
 * DescribeCluster: cluster id, controller and brokers (used by Admin.describeCluster and kafka-topics), the brokers
 * with their endpoint on the listener the client connected on; as in Kafka, a broker without it is left out.
 */
final class DescribeClusterHandler implements RequestHandler<DescribeClusterRequest> {

    private static final byte BROKERS_ENDPOINT = 1;

    private final int brokerId;
    private final ZkMetadataStore metadata;

    DescribeClusterHandler(int brokerId, ZkMetadataStore metadata) {
        this.brokerId = brokerId;
        this.metadata = metadata;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DescribeClusterRequest request) {
        DescribeClusterResponseData data = new DescribeClusterResponseData();
        if (request.version() >= 1 && request.data().endpointType() != BROKERS_ENDPOINT) {
            data.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                .setErrorMessage("Only broker endpoints are served");
            return CompletableFuture.completedFuture(new DescribeClusterResponse(data));
        }
        MetadataImage image = metadata.image();
        data.setClusterId(image.clusterId()).setControllerId(ControllerIds.visibleController(image, brokerId));
        for (Node b : image.aliveNodes(context.listenerName())) {
            data.brokers().add(new DescribeClusterBroker().setBrokerId(b.id()).setHost(b.host()).setPort(b.port())
                .setRack(b.rack()));
        }
        return CompletableFuture.completedFuture(new DescribeClusterResponse(data));
    }
}
