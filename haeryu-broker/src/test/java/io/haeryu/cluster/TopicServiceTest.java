package io.haeryu.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.haeryu.config.BrokerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Partition growth rules and placement, over a real (embedded) ZooKeeper with three registered brokers. */
class TopicServiceTest {

    @TempDir
    Path dataDir;

    private EmbeddedZooKeeper zk;
    private final List<ZkMetadataStore> stores = new ArrayList<>();
    private ZkMetadataStore metadata;
    private TopicService topics;

    @BeforeEach
    void startCluster() {
        zk = EmbeddedZooKeeper.start(dataDir, 0);
        for (int id = 0; id < 3; id++) {
            ZkMetadataStore store = new ZkMetadataStore(zk.connectString(), 10_000, 5_000);
            stores.add(store);
            store.start();
            store.registerBroker(TestBrokers.plaintext(id, "127.0.0.1", 9092 + id, null));
        }
        metadata = stores.get(0);
        await().until(() -> metadata.image().brokers().size() == 3);
        topics = new TopicService(metadata, new BrokerConfig(Map.of()));
    }

    @AfterEach
    void stop() {
        stores.forEach(ZkMetadataStore::close);
        zk.close();
    }

    @Test
    void newPartitionsContinueTheRoundRobinWithTheTopicsReplicationFactor() {
        topics.create("orders", 3, (short) 2, null, Map.of());
        topics.createPartitions("orders", 6, null, false);
        List<PartitionState> partitions = metadata.image().topic("orders").orElseThrow().partitions();
        assertThat(partitions).hasSize(6).allSatisfy(p -> assertThat(p.replicas()).hasSize(2).doesNotHaveDuplicates());
        Map<Integer, Long> leaders = partitions.stream()
            .collect(Collectors.groupingBy(PartitionState::leader, Collectors.counting()));
        assertThat(leaders).containsOnlyKeys(0, 1, 2).allSatisfy((broker, count) -> assertThat(count).isEqualTo(2));
    }

    @Test
    void fewerOrEqualPartitionsAreRefusedAndChangeNothing() {
        topics.create("orders", 6, (short) 1, null, Map.of());
        assertThatThrownBy(() -> topics.createPartitions("orders", 3, null, false))
            .isInstanceOf(InvalidPartitionsException.class)
            .hasMessage("Topic currently has 6 partitions, which is higher than the requested 3. "
                + "Partitions can only be added, never removed.");
        assertThatThrownBy(() -> topics.createPartitions("orders", 6, null, false))
            .isInstanceOf(InvalidPartitionsException.class)
            .hasMessageContaining("which is equal to the requested 6");
        assertThatThrownBy(() -> topics.createPartitions("missing", 6, null, false))
            .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(metadata.image().topic("orders").orElseThrow().partitionCount()).isEqualTo(6);
    }

    @Test
    void explicitAssignmentsAreCheckedAndValidateOnlyWritesNothing() {
        topics.create("orders", 1, (short) 2, null, Map.of());
        topics.createPartitions("orders", 3, null, true);
        assertThat(metadata.image().topic("orders").orElseThrow().partitionCount()).isEqualTo(1);

        Function<List<List<Integer>>, Throwable> attempt = a -> catchThrowable(
            () -> topics.createPartitions("orders", 1 + a.size(), a, false));
        assertThat(attempt.apply(List.of(List.of(0)))).isInstanceOf(InvalidReplicaAssignmentException.class)
            .hasMessageContaining("Inconsistent replication factor");
        assertThat(attempt.apply(List.of(List.of(1, 1)))).isInstanceOf(InvalidReplicaAssignmentException.class)
            .hasMessageContaining("Duplicate brokers");
        assertThat(attempt.apply(List.of(List.of(1, 9)))).isInstanceOf(InvalidReplicaAssignmentException.class)
            .hasMessage("Unknown broker(s) in replica assignment: 9.");
        assertThatThrownBy(() -> topics.createPartitions("orders", 3, List.of(List.of(1, 2)), false))
            .isInstanceOf(InvalidReplicaAssignmentException.class)
            .hasMessage("Increasing the number of partitions by 2 but 1 assignments provided.");

        topics.createPartitions("orders", 2, List.of(List.of(2, 0)), false);
        assertThat(metadata.image().topic("orders").orElseThrow().partitions().get(1).replicas()).containsExactly(2, 0);
    }

    @Test
    void anAssignmentPlannedForAnotherPartitionCountIsNotAppended() {
        topics.create("orders", 2, (short) 1, null, Map.of());
        assertThatThrownBy(() -> metadata.createPartitions("orders", 1, List.of(List.of(0))))
            .isInstanceOf(InvalidPartitionsException.class)
            .hasMessageContaining("has 2 partitions now, not 1");
        assertThat(metadata.image().topic("orders").orElseThrow().partitionCount()).isEqualTo(2);
    }
}
