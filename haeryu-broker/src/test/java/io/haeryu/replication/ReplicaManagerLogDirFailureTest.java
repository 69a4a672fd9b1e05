package io.haeryu.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.PartitionState;
import io.haeryu.cluster.TopicInfo;
import io.haeryu.config.BrokerConfig;
import io.haeryu.log.LogConfig;
import io.haeryu.log.LogManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The broker side of a failed log dir (Kafka's ReplicaManager.handleLogDirFailure): the dir's partitions go offline
 * and answer KAFKA_STORAGE_ERROR, are not hosted again from metadata, and the other dir's partitions keep working.
 */
class ReplicaManagerLogDirFailureTest {

    private static final int BROKER = 0;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private Path root;
    private LogManager logManager;

    @AfterEach
    void tearDown() throws Exception {
        scheduler.shutdownNow();
        if (logManager != null) {
            logManager.close();
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void partitionsOfAFailedDirGoOfflineAndStayOffline() throws Exception {
        root = Files.createTempDirectory("haeryu-rm-logdir");
        Path dir1 = root.resolve("d1");
        Path dir2 = root.resolve("d2");
        logManager = new LogManager(List.of(dir1, dir2), LogConfig.defaults(), Time.SYSTEM, scheduler);
        logManager.startup();
        ReplicaManager replicas = new ReplicaManager(BROKER, new BrokerConfig(Map.of()), logManager, scheduler,
            Runnable::run, () -> MetadataImage.EMPTY, null, id -> Optional.empty());
        TopicInfo topic = new TopicInfo("orders", Uuid.randomUuid(), List.of(
            new PartitionState(0, List.of(BROKER), BROKER, 1, List.of(BROKER)),
            new PartitionState(1, List.of(BROKER), BROKER, 1, List.of(BROKER))), Map.of());
        MetadataImage image = new MetadataImage("cid", Map.of(), Map.of(topic.name(), topic),
            Map.of(topic.topicId(), topic), BROKER);
        replicas.onMetadataChange(MetadataImage.EMPTY, image);
        // One partition per dir (least loaded first).
        assertThat(Files.isDirectory(dir1.resolve("orders-0"))).isTrue();
        assertThat(Files.isDirectory(dir2.resolve("orders-1"))).isTrue();

        logManager.failureChannel().maybeAddOfflineLogDir(dir1, "test: disk gone", new java.io.IOException("EIO"));
        assertThat(replicas.handleLogDirFailure(dir1)).containsExactly(new TopicPartition("orders", 0));

        assertThatThrownBy(() -> replicas.leaderPartition(topic, 0)).isInstanceOf(KafkaStorageException.class);
        assertThat(replicas.partition(new TopicPartition("orders", 0))).isEmpty();
        assertThat(replicas.onlineLogDirs()).containsExactly(dir2);
        // A later image does not bring it back (not even as an empty log in the healthy dir).
        replicas.onMetadataChange(image, image);
        assertThat(replicas.partition(new TopicPartition("orders", 0))).isEmpty();
        assertThat(dir2.resolve("orders-0")).doesNotExist();
        assertThat(replicas.leaderPartition(topic, 1).isLeader()).isTrue();
    }
}
