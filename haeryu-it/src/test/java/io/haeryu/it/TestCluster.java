package io.haeryu.it;

import io.haeryu.cluster.EmbeddedZooKeeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * A Haeryu cluster for tests: a ZooKeeper in this JVM and {@code n} broker processes (ids 0..n-1) on 127.0.0.1
 * pointing at it.
 */
final class TestCluster implements AutoCloseable {

    private final EmbeddedZooKeeper zooKeeper;
    private final Path zkDir;
    private final List<BrokerProcess> brokers;

    private TestCluster(EmbeddedZooKeeper zooKeeper, Path zkDir, List<BrokerProcess> brokers) {
        this.zooKeeper = zooKeeper;
        this.zkDir = zkDir;
        this.brokers = brokers;
    }

    /** Where one broker of the cluster will run, known before it starts. */
    record BrokerSlot(int id, int port, String zooKeeperConnect) {
    }

    /** Starts the ZooKeeper and the brokers (in parallel), each with {@code overrides}. */
    static TestCluster start(int n, Map<String, String> overrides) {
        return start(n, overrides, slot -> Map.of());
    }

    /**
     * Like {@link #start(int, Map)}, plus per-broker overrides from {@code perBroker} (e.g. a proxied
     * {@code zookeeper.connect} or {@code advertised.listeners}); they win over {@code overrides}.
     */
    static TestCluster start(int n, Map<String, String> overrides,
                             Function<BrokerSlot, Map<String, String>> perBroker) {
        TestCluster cluster = startZooKeeper();
        cluster.startBrokers(0, n, overrides, perBroker);
        return cluster;
    }

    /** Starts only the ZooKeeper; brokers join with {@link #startBrokers}. */
    static TestCluster startZooKeeper() {
        Path zkDir;
        try {
            zkDir = Files.createTempDirectory("haeryu-it-zk-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestCluster(EmbeddedZooKeeper.start(zkDir, "127.0.0.1", 0), zkDir, new ArrayList<>());
    }

    /** Starts brokers {@code firstId} .. {@code firstId + count - 1} (in parallel), each with {@code overrides}. */
    void startBrokers(int firstId, int count, Map<String, String> overrides) {
        startBrokers(firstId, count, overrides, slot -> Map.of());
    }

    private void startBrokers(int firstId, int count, Map<String, String> overrides,
                              Function<BrokerSlot, Map<String, String>> perBroker) {
        if (firstId != brokers.size()) {
            throw new IllegalArgumentException("brokers start in id order; next id is " + brokers.size());
        }
        List<CompletableFuture<BrokerProcess>> starting = new ArrayList<>();
        for (int id = firstId; id < firstId + count; id++) {
            Map<String, String> config = new LinkedHashMap<>(overrides);
            config.put("broker.id", Integer.toString(id));
            config.put("zookeeper.connect", zooKeeper.connectString());
            int brokerId = id;
            starting.add(CompletableFuture.supplyAsync(() -> BrokerProcess.start(config,
                port -> perBroker.apply(new BrokerSlot(brokerId, port, zooKeeper.connectString())))));
        }
        try {
            for (CompletableFuture<BrokerProcess> f : starting) {
                brokers.add(f.join());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    BrokerProcess broker(int id) {
        return brokers.get(id);
    }

    /** The bootstrap list of the brokers whose processes are alive. */
    String bootstrap() {
        return brokers.stream().filter(BrokerProcess::isAlive).map(BrokerProcess::bootstrap)
            .collect(Collectors.joining(","));
    }

    /**
     * An admin client with short timeouts: a frozen (SIGSTOPped) broker must cost a poll seconds, not the default
     * half minute, before the client asks another broker.
     */
    Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "4000");
        p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100");
        return Admin.create(p);
    }

    /** The partition as the cluster describes it now. */
    static TopicPartitionInfo describe(Admin admin, String topic, int partition) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS)
            .get(topic).partitions().get(partition);
    }

    /** Polls the partition's description until {@code condition} holds; returns it, or fails after {@code timeout}. */
    static TopicPartitionInfo awaitPartition(Admin admin, String topic, int partition, Duration timeout,
                                             String what, Predicate<TopicPartitionInfo> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        TopicPartitionInfo last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = describe(admin, topic, partition);
                if (condition.test(last)) {
                    return last;
                }
            } catch (Exception e) {
                // a broker may be down or electing; ask again
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + topic + "-" + partition + " to "
            + what + "; last seen " + last);
    }

    static int leaderId(TopicPartitionInfo info) {
        Node leader = info.leader();
        return leader == null ? -1 : leader.id();
    }

    static List<Integer> isrIds(TopicPartitionInfo info) {
        return info.isr().stream().map(Node::id).toList();
    }

    /** The last lines of every broker's log, for failure messages. */
    String logTails(int lines) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < brokers.size(); i++) {
            sb.append("\n--- broker ").append(i).append(" ---\n").append(brokers.get(i).logTail(lines));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        brokers.forEach(BrokerProcess::close);
        zooKeeper.close();
        try (var files = Files.walk(zkDir)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp dir
        }
    }
}
