package io.haeryu.protocol;

import io.haeryu.txn.ProducerIdManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;

/**
 * InitProducerId for idempotent producers: a fresh producer id at epoch 0 (as Kafka does without a
 * transactional id). Transactional ids need the transaction coordinator, which has not landed yet: they are
 * answered COORDINATOR_NOT_AVAILABLE.
 */
final class InitProducerIdHandler implements RequestHandler<InitProducerIdRequest> {

    private final ProducerIdManager producerIds;
    private final Executor blockingExecutor;

    InitProducerIdHandler(ProducerIdManager producerIds, Executor blockingExecutor) {
        this.producerIds = producerIds;
        this.blockingExecutor = blockingExecutor;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, InitProducerIdRequest request) {
        if (request.data().transactionalId() != null) {
            return CompletableFuture.completedFuture(new InitProducerIdResponse(new InitProducerIdResponseData()
                .setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()).setProducerId(-1).setProducerEpoch((short) -1)));
        }
        return CompletableFuture.supplyAsync(() -> new InitProducerIdResponse(new InitProducerIdResponseData()
            .setProducerId(producerIds.nextProducerId()).setProducerEpoch((short) 0)), blockingExecutor);
    }
}
