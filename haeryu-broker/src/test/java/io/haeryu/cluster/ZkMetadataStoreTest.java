package io.haeryu.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.haeryu.config.Listener;
import io.haeryu.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZkMetadataStoreTest {

    private static final Duration PROPAGATION = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    private EmbeddedZooKeeper zk;
    private final List<ZkMetadataStore> stores = new ArrayList<>();

    @BeforeEach
    void startZooKeeper() {
        zk = EmbeddedZooKeeper.start(dataDir, 0);
    }

    @AfterEach
    void stopAll() {
        stores.forEach(ZkMetadataStore::close);
        if (zk != null) {
            zk.close();
        }
    }

    private ZkMetadataStore newStore() {
        ZkMetadataStore store = new ZkMetadataStore(zk.connectString(), 10_000, 5_000);
        stores.add(store);
        store.start();
        return store;
    }

    private static BrokerRegistration broker(int id, int port) {
        return TestBrokers.plaintext(id, "127.0.0.1", port, null);
    }

    private String readZnode(String path) throws Exception {
        try (CuratorFramework client = EmbeddedZooKeeperTest.connect(zk.connectString())) {
            return new String(client.getData().forPath(path), StandardCharsets.UTF_8);
        }
    }

    @Test
    void failsWithTheConnectStringWhenZooKeeperIsUnreachable() {
        String connectString = zk.connectString();
        zk.close();
        zk = null;
        ZkMetadataStore store = new ZkMetadataStore(connectString, 2_000, 500);
        stores.add(store);
        assertThatThrownBy(store::start)
                .isInstanceOf(KafkaException.class)
                .hasMessageContaining(connectString);
    }

    @Test
    void clusterIdIsCreatedOnceAndSurvivesRestart() throws Exception {
        String clusterId = newStore().clusterId();
        assertThat(Uuid.fromString(clusterId)).isNotNull();
        assertThat(newStore().clusterId()).isEqualTo(clusterId);
        assertThat(readZnode(ZkPaths.CLUSTER_ID)).isEqualTo("{\"version\":\"1\",\"id\":\"" + clusterId + "\"}");

        stores.forEach(ZkMetadataStore::close);
        stores.clear();
        zk.close();
        zk = EmbeddedZooKeeper.start(dataDir, 0);
        ZkMetadataStore afterRestart = newStore();
        assertThat(afterRestart.clusterId()).isEqualTo(clusterId);
        assertThat(afterRestart.image().clusterId()).isEqualTo(clusterId);
    }

    @Test
    void registeredBrokersAppearInEveryImageAndVanishWhenTheirStoreCloses() {
        ZkMetadataStore first = newStore();
        ZkMetadataStore second = newStore();
        BrokerRegistration one = TestBrokers.plaintext(1, "127.0.0.1", 9093, "rack-a");
        first.registerBroker(one);
        second.registerBroker(broker(2, 9094));

        assertThat(first.image().broker(1)).contains(one);
        await().atMost(PROPAGATION).untilAsserted(() ->
                assertThat(second.image().brokers()).containsOnlyKeys(1, 2).containsEntry(1, one));
        assertThat(second.image().broker(1).orElseThrow().rack()).isEqualTo("rack-a");

        first.close();
        await().atMost(PROPAGATION).untilAsserted(() -> assertThat(second.image().brokers()).containsOnlyKeys(2));
    }

    @Test
    void registrationHasEveryEndpointInKafkasVersion5FormatAndIsReadBack() throws Exception {
        ZkMetadataStore store = newStore();
        BrokerRegistration two = new BrokerRegistration(2,
                List.of(new Listener("PLAINTEXT_HOST", "localhost", 9092), new Listener("PLAINTEXT", "kafka", 29092)),
                Map.of("PLAINTEXT", SecurityProtocol.PLAINTEXT, "PLAINTEXT_HOST", SecurityProtocol.PLAINTEXT), "r1");
        store.registerBroker(two);

        Map<?, ?> json = (Map<?, ?>) Json.parse(readZnode(ZkPaths.broker(2)));
        assertThat(json.get("version")).isEqualTo(5L);
        assertThat(json.get("endpoints")).isEqualTo(List.of("PLAINTEXT_HOST://localhost:9092", "PLAINTEXT://kafka:29092"));
        assertThat(json.get("listener_security_protocol_map"))
                .isEqualTo(Map.of("PLAINTEXT_HOST", "PLAINTEXT", "PLAINTEXT", "PLAINTEXT"));
        // Legacy fields for old clients: the first PLAINTEXT endpoint.
        assertThat(json.get("host")).isEqualTo("localhost");
        assertThat(json.get("port")).isEqualTo(9092L);
        assertThat(json.get("jmx_port")).isEqualTo(-1L);
        assertThat(json.get("rack")).isEqualTo("r1");
        assertThat(json.get("features")).isEqualTo(Map.of());
        assertThat((String) json.get("timestamp")).containsOnlyDigits();

        BrokerRegistration read = store.image().broker(2).orElseThrow();
        assertThat(read).isEqualTo(two);
        assertThat(read.node("PLAINTEXT")).contains(new Node(2, "kafka", 29092, "r1"));
        assertThat(read.node("PLAINTEXT_HOST")).contains(new Node(2, "localhost", 9092, "r1"));
        assertThat(read.node("OTHER")).isEmpty();
        assertThat(store.image().aliveNodes("PLAINTEXT_HOST")).containsExactly(new Node(2, "localhost", 9092, "r1"));
    }

    @Test
    void registrationsWrittenByKafkaAreRead() throws Exception {
        ZkMetadataStore store = newStore();
        try (CuratorFramework client = EmbeddedZooKeeperTest.connect(zk.connectString())) {
            client.create().creatingParentsIfNeeded().forPath(ZkPaths.broker(4), ("{\"listener_security_protocol_map\":"
                    + "{\"CLIENT\":\"PLAINTEXT\",\"REPLICATION\":\"PLAINTEXT\"},\"endpoints\":[\"CLIENT://h4:9092\","
                    + "\"REPLICATION://h4-internal:9093\"],\"rack\":\"dc1\",\"jmx_port\":9999,\"host\":\"h4\","
                    + "\"timestamp\":\"1543300074836\",\"port\":9092,\"version\":4}").getBytes(StandardCharsets.UTF_8));
            client.create().forPath(ZkPaths.broker(5), ("{\"version\":2,\"host\":\"h5\",\"port\":9092,"
                    + "\"jmx_port\":-1,\"timestamp\":\"0\",\"endpoints\":[\"PLAINTEXT://h5:9092\"]}")
                    .getBytes(StandardCharsets.UTF_8));
            client.create().forPath(ZkPaths.broker(6), ("{\"version\":1,\"host\":\"h6\",\"port\":9096,"
                    + "\"jmx_port\":-1,\"timestamp\":\"0\"}").getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(PROPAGATION).until(() -> store.image().brokers().size() == 3);
        BrokerRegistration four = store.image().broker(4).orElseThrow();
        assertThat(four.node("REPLICATION")).contains(new Node(4, "h4-internal", 9093, "dc1"));
        assertThat(four.node("CLIENT")).contains(new Node(4, "h4", 9092, "dc1"));
        assertThat(store.image().broker(5).orElseThrow().protocols()).containsEntry("PLAINTEXT", SecurityProtocol.PLAINTEXT);
        assertThat(store.image().broker(6).orElseThrow().node("PLAINTEXT")).contains(new Node(6, "h6", 9096));
    }

    @Test
    void refusesABrokerIdHeldByAnotherLiveBroker() {
        ZkMetadataStore first = newStore();
        ZkMetadataStore second = newStore();
        first.registerBroker(broker(1, 9093));

        assertThatThrownBy(() -> second.registerBroker(broker(1, 9999)))
                .isInstanceOf(BrokerIdInUseException.class)
                .hasMessageStartingWith("broker.id 1 is already registered by PLAINTEXT://127.0.0.1:9093");

        first.close();
        await().atMost(PROPAGATION).until(() -> second.image().broker(1).isEmpty());
        second.registerBroker(broker(1, 9999));
        assertThat(second.image().broker(1).orElseThrow().endpoint("PLAINTEXT").orElseThrow().port()).isEqualTo(9999);
    }

    @Test
    void reRegistersTheBrokerAfterItsSessionExpires() throws Exception {
        ZkMetadataStore store = newStore();
        store.registerBroker(broker(1, 9093));
        ZooKeeper original = store.curator().getZookeeperClient().getZooKeeper();
        long oldSession = original.getSessionId();

        // Closing a second handle on the same session ends that session, as an expiry would.
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper intruder = new ZooKeeper(zk.connectString(), 10_000, event -> {
            if (event.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, oldSession, original.getSessionPasswd());
        assertThat(connected.await(5, TimeUnit.SECONDS)).isTrue();
        intruder.close();

        await().atMost(PROPAGATION).untilAsserted(() -> {
            Stat stat = store.curator().checkExists().forPath(ZkPaths.broker(1));
            assertThat(stat).isNotNull();
            assertThat(stat.getEphemeralOwner()).isNotEqualTo(oldSession)
                    .isEqualTo(store.curator().getZookeeperClient().getZooKeeper().getSessionId());
        });
        await().atMost(PROPAGATION).until(() -> store.image().broker(1).isPresent());
    }

    @Test
    void createdTopicIsInOwnImageAtOnceAndReachesOtherStoresAndListeners() throws Exception {
        ZkMetadataStore creator = newStore();
        ZkMetadataStore observer = newStore();
        List<MetadataImage> seen = new CopyOnWriteArrayList<>();
        observer.addListener((previous, current) -> seen.add(current));

        TopicInfo created = creator.createTopic("orders", List.of(List.of(1, 2), List.of(2, 1)), Map.of("cleanup.policy", "compact"));

        assertThat(creator.image().topic("orders")).contains(created);
        assertThat(creator.image().topic(created.topicId())).contains(created);
        assertThat(created.partitionCount()).isEqualTo(2);
        assertThat(created.partitions().get(1)).isEqualTo(new PartitionState(1, List.of(2, 1), 2, 0, List.of(2, 1)));
        assertThat(created.configs()).containsExactly(Map.entry("cleanup.policy", "compact"));
        assertThat(creator.image().partition(new TopicPartition("orders", 0)).orElseThrow().leader()).isEqualTo(1);

        await().atMost(PROPAGATION).untilAsserted(() -> assertThat(observer.image().topic("orders")).contains(created));
        await().atMost(PROPAGATION).untilAsserted(() ->
                assertThat(seen).last().satisfies(img -> assertThat(img.topic("orders")).contains(created)));
        // Topics only ever appear complete.
        assertThat(seen).allSatisfy(img -> img.topic("orders").ifPresent(t -> assertThat(t).isEqualTo(created)));

        assertThat(readZnode(ZkPaths.topic("orders"))).isEqualTo("{\"version\":3,\"topic_id\":\"" + created.topicId()
                + "\",\"partitions\":{\"0\":[1,2],\"1\":[2,1]},\"adding_replicas\":{},\"removing_replicas\":{}}");
        assertThat(readZnode(ZkPaths.partitionState("orders", 0)))
                .isEqualTo("{\"controller_epoch\":0,\"leader\":1,\"version\":1,\"leader_epoch\":0,\"isr\":[1,2]}");
        assertThat(readZnode(ZkPaths.topicConfig("orders")))
                .isEqualTo("{\"version\":1,\"config\":{\"cleanup.policy\":\"compact\"}}");
    }

    @Test
    void listenersSeeImagesInOrder() {
        ZkMetadataStore store = newStore();
        List<String> transitions = new CopyOnWriteArrayList<>();
        store.addListener((previous, current) -> {
            // Other changes (e.g. the first image, published just before the listener was added) are not of interest.
            if (previous.topicsByName().size() != current.topicsByName().size()) {
                transitions.add(previous.topicsByName().size() + "->" + current.topicsByName().size());
            }
        });
        for (int i = 0; i < 5; i++) {
            store.createTopic("t" + i, List.of(List.of(1)), Map.of());
        }
        await().atMost(PROPAGATION).untilAsserted(() ->
                assertThat(transitions).containsExactly("0->1", "1->2", "2->3", "3->4", "4->5"));
    }

    @Test
    void refusesToCreateAnExistingTopic() {
        ZkMetadataStore store = newStore();
        store.createTopic("orders", List.of(List.of(1)), Map.of());
        assertThatThrownBy(() -> store.createTopic("orders", List.of(List.of(1)), Map.of()))
                .isInstanceOf(TopicExistsException.class)
                .hasMessage("Topic 'orders' already exists.");
    }

    @Test
    void refusesInvalidAndCollidingNames() {
        ZkMetadataStore store = newStore();
        store.createTopic("a.b", List.of(List.of(1)), Map.of());
        assertThatThrownBy(() -> store.createTopic("a_b", List.of(List.of(1)), Map.of()))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessage("Topic 'a_b' collides with existing topic: a.b");
        assertThatThrownBy(() -> store.createTopic("bad name", List.of(List.of(1)), Map.of()))
                .isInstanceOf(InvalidTopicException.class);
        assertThat(store.image().topicsByName()).containsOnlyKeys("a.b");
    }

    @Test
    void concurrentCreatorsOfOneTopicHaveExactlyOneWinner() throws Exception {
        List<ZkMetadataStore> creators = List.of(newStore(), newStore(), newStore());
        ExecutorService pool = Executors.newFixedThreadPool(creators.size());
        try {
            for (int round = 0; round < 5; round++) {
                String topic = "race-" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<TopicInfo>> attempts = new ArrayList<>();
                for (ZkMetadataStore creator : creators) {
                    Callable<TopicInfo> create = () -> {
                        go.await();
                        return creator.createTopic(topic, List.of(List.of(1), List.of(1), List.of(1)), Map.of());
                    };
                    attempts.add(pool.submit(create));
                }
                go.countDown();
                List<TopicInfo> winners = new ArrayList<>();
                int losers = 0;
                for (Future<TopicInfo> attempt : attempts) {
                    try {
                        winners.add(attempt.get(20, TimeUnit.SECONDS));
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOf(TopicExistsException.class);
                        losers++;
                    }
                }
                assertThat(winners).hasSize(1);
                assertThat(losers).isEqualTo(creators.size() - 1);
                Uuid winnerId = winners.get(0).topicId();
                for (ZkMetadataStore store : creators) {
                    await().atMost(PROPAGATION).untilAsserted(() ->
                            assertThat(store.image().topic(topic).orElseThrow().topicId()).isEqualTo(winnerId));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void createPartitionsAppendsPartitionsVisibleAtOnce() {
        ZkMetadataStore store = newStore();
        ZkMetadataStore observer = newStore();
        TopicInfo before = store.createTopic("orders", List.of(List.of(1, 2)), Map.of("retention.ms", "1000"));

        TopicInfo after = store.createPartitions("orders", List.of(List.of(2, 1), List.of(1, 2)));

        assertThat(after.topicId()).isEqualTo(before.topicId());
        assertThat(after.partitionCount()).isEqualTo(3);
        assertThat(after.partitions().get(0)).isEqualTo(before.partitions().get(0));
        assertThat(after.partitions().get(2)).isEqualTo(new PartitionState(2, List.of(1, 2), 1, 0, List.of(1, 2)));
        assertThat(after.configs()).isEqualTo(before.configs());
        assertThat(store.image().topic("orders")).contains(after);
        await().atMost(PROPAGATION).untilAsserted(() -> assertThat(observer.image().topic("orders")).contains(after));

        assertThatThrownBy(() -> store.createPartitions("missing", List.of(List.of(1))))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void deleteTopicRemovesItEverywhereAndRecreationGetsANewId() throws Exception {
        ZkMetadataStore store = newStore();
        ZkMetadataStore observer = newStore();
        TopicInfo original = store.createTopic("orders", List.of(List.of(1), List.of(1)), Map.of("retention.ms", "1"));
        await().atMost(PROPAGATION).until(() -> observer.image().topic("orders").isPresent());

        store.deleteTopic("orders");

        assertThat(store.image().topic("orders")).isEmpty();
        assertThat(store.image().topic(original.topicId())).isEmpty();
        await().atMost(PROPAGATION).until(() -> observer.image().topic("orders").isEmpty());
        try (CuratorFramework client = EmbeddedZooKeeperTest.connect(zk.connectString())) {
            assertThat(client.checkExists().forPath(ZkPaths.topic("orders"))).isNull();
            assertThat(client.checkExists().forPath(ZkPaths.topicConfig("orders"))).isNull();
        }
        assertThatThrownBy(() -> store.deleteTopic("orders"))
                .isInstanceOf(UnknownTopicOrPartitionException.class)
                .hasMessage("Topic 'orders' does not exist.");

        TopicInfo recreated = store.createTopic("orders", List.of(List.of(1)), Map.of());
        assertThat(recreated.topicId()).isNotEqualTo(original.topicId());
        assertThat(recreated.partitionCount()).isEqualTo(1);
        assertThat(recreated.configs()).isEmpty();
        await().atMost(PROPAGATION).untilAsserted(() ->
                assertThat(observer.image().topic("orders")).contains(recreated));
    }

    @Test
    void topicConfigUpdatesArePersistedAndVisible() throws Exception {
        ZkMetadataStore store = newStore();
        store.createTopic("orders", List.of(List.of(1)), Map.of("retention.ms", "1000"));

        store.updateTopicConfigs("orders", Map.of("retention.ms", "2000", "cleanup.policy", "delete"));

        assertThat(store.image().topic("orders").orElseThrow().configs())
                .containsOnly(Map.entry("retention.ms", "2000"), Map.entry("cleanup.policy", "delete"));
        assertThat(readZnode(ZkPaths.topicConfig("orders")))
                .isEqualTo("{\"version\":1,\"config\":{\"cleanup.policy\":\"delete\",\"retention.ms\":\"2000\"}}");
        assertThatThrownBy(() -> store.updateTopicConfigs("missing", Map.of()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void imageFollowsTheControllerZnode() throws Exception {
        ZkMetadataStore store = newStore();
        assertThat(store.image().controllerId()).isEqualTo(MetadataImage.NO_CONTROLLER);
        store.registerBroker(broker(2, 9094));
        try (CuratorFramework client = EmbeddedZooKeeperTest.connect(zk.connectString())) {
            client.create().forPath(ZkPaths.CONTROLLER,
                    "{\"version\":1,\"brokerid\":2,\"timestamp\":\"0\"}".getBytes(StandardCharsets.UTF_8));
            await().atMost(PROPAGATION).until(() -> store.image().controllerId() == 2);
            assertThat(store.image().controller().orElseThrow().endpoint("PLAINTEXT").orElseThrow().port()).isEqualTo(9094);
            client.delete().forPath(ZkPaths.CONTROLLER);
            await().atMost(PROPAGATION).until(() -> store.image().controllerId() == MetadataImage.NO_CONTROLLER);
        }
    }

    @Test
    void producerIdBlocksNeverOverlapAcrossStoresAndRestarts() throws Exception {
        List<ZkMetadataStore> allocators = List.of(newStore(), newStore());
        List<Long> firstIds = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(allocators.size());
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (ZkMetadataStore allocator : allocators) {
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 20; i++) {
                        firstIds.add(allocator.allocateProducerIdBlock(1000));
                    }
                }));
            }
            for (Future<?> run : runs) {
                run.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<Long> sorted = firstIds.stream().sorted().toList();
        List<Long> expected = new ArrayList<>();
        for (long i = 0; i < 40; i++) {
            expected.add(i * 1000);
        }
        assertThat(sorted).isEqualTo(expected);

        stores.forEach(ZkMetadataStore::close);
        stores.clear();
        zk.close();
        zk = EmbeddedZooKeeper.start(dataDir, 0);
        assertThat(newStore().allocateProducerIdBlock(10)).isEqualTo(40_000);
        assertThat(readZnode(ZkPaths.PRODUCER_ID_BLOCK))
                .isEqualTo("{\"version\":1,\"broker\":-1,\"block_start\":\"40000\",\"block_end\":\"40009\"}");
    }
}
