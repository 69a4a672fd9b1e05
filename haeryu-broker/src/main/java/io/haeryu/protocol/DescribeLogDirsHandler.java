package io.haeryu.protocol;

import io.haeryu.log.PartitionLog;
import io.haeryu.replication.ReplicaManager;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopic;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;
import org.apache.kafka.common.requests.DescribeLogDirsResponse;

/**
 * DescribeLogDirs: per log dir, the size of each partition stored there and (v4+) the disk's total and usable
 * bytes. There are no follower or future replicas yet, so every offset lag is 0. A log dir that failed is reported
 * with KAFKA_STORAGE_ERROR and nothing else, as Kafka does.
 */
final class DescribeLogDirsHandler implements RequestHandler<DescribeLogDirsRequest> {

    private final List<Path> logDirs;
    private final ReplicaManager replicas;
    private final Executor blockingExecutor;

    DescribeLogDirsHandler(List<Path> logDirs, ReplicaManager replicas, Executor blockingExecutor) {
        this.logDirs = logDirs.stream().map(Path::toAbsolutePath).toList();
        this.replicas = replicas;
        this.blockingExecutor = blockingExecutor;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DescribeLogDirsRequest request) {
        // Off the event loop: file-system queries.
        return CompletableFuture.supplyAsync(() -> {
            DescribeLogDirsResponseData data = new DescribeLogDirsResponseData();
            for (Path dir : logDirs) {
                data.results().add(describe(dir, request));
            }
            return new DescribeLogDirsResponse(data);
        }, blockingExecutor);
    }

    private DescribeLogDirsResult describe(Path dir, DescribeLogDirsRequest request) {
        DescribeLogDirsResult result = new DescribeLogDirsResult().setLogDir(dir.toString());
        if (replicas.onlineLogDirs().stream().noneMatch(online -> online.toAbsolutePath().normalize().equals(dir.normalize()))) {
            return result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code()); // failed: Kafka reports no partitions
        }
        try {
            FileStore store = Files.getFileStore(dir);
            result.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
        } catch (IOException e) {
            return result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
        Map<String, DescribeLogDirsTopic> topics = new LinkedHashMap<>();
        for (PartitionLog log : replicas.localLogs()) {
            TopicPartition tp = log.topicPartition();
            // A partition lives in exactly one log dir, in a directory named <topic>-<partition>.
            if (!requested(request, tp) || !Files.isDirectory(dir.resolve(tp.topic() + "-" + tp.partition()))) {
                continue;
            }
            topics.computeIfAbsent(tp.topic(), name -> new DescribeLogDirsTopic().setName(name)).partitions()
                .add(new DescribeLogDirsPartition().setPartitionIndex(tp.partition())
                    .setPartitionSize(log.sizeInBytes()).setOffsetLag(0).setIsFutureKey(false));
        }
        result.topics().addAll(topics.values());
        return result;
    }

    private static boolean requested(DescribeLogDirsRequest request, TopicPartition tp) {
        if (request.isAllTopicPartitions()) {
            return true;
        }
        DescribableLogDirTopic topic = request.data().topics().find(tp.topic());
        return topic != null && topic.partitions().contains(tp.partition());
    }
}
