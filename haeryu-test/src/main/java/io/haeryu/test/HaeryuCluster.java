package io.haeryu.test;

import io.haeryu.cluster.EmbeddedZooKeeper;
import io.haeryu.config.BrokerConfig;
import io.haeryu.server.HaeryuServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Haeryu cluster inside the test's JVM: one in-process ZooKeeper and {@code n} brokers (ids 0 to n-1) on
 * 127.0.0.1 with ports chosen by the OS, data in a temp directory that {@link #close()} removes. Topics given in the
 * options exist and have leaders on every broker's metadata when {@link #start} returns.
 *
 * <p>Test defaults on top of the broker's (each can be overridden through the options): the internal topics'
 * replication factors match the broker count (Kafka's {@code offsets.topic.replication.factor} 3 would leave a
 * smaller cluster without consumer groups), {@code group.initial.rebalance.delay.ms=0} (Kafka's test harnesses do
 * the same: a test's only consumer need not wait 3 s), few threads, small offsets and cleaner buffers. Internal
 * topics are created on first use, as Kafka does, so a test that never uses a group never pays for them.
 *
 * <p>Failover tests can {@link #stopBroker stop} a broker (controlled shutdown: leadership handed over first),
 * {@link #killBroker kill} it (no controlled shutdown; the controller reacts to its vanished registration) and
 * {@link #startBroker start} or {@link #restartBroker restart} it on the same port and data.
 */
public final class HaeryuCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HaeryuCluster.class);
    static final String LISTENER = "PLAINTEXT";
    /** Set by the cluster itself; given in the options they are refused. */
    private static final Set<String> OWN_CONFIGS = Set.of(BrokerConfig.BROKER_ID, BrokerConfig.LISTENERS,
        BrokerConfig.ADVERTISED_LISTENERS, BrokerConfig.LOG_DIRS, BrokerConfig.LOG_DIR, BrokerConfig.ZOOKEEPER_CONNECT);

    private final HaeryuClusterOptions options;
    private final Path dataDir;
    private final EmbeddedZooKeeper zooKeeper;
    /** Fixed at first start so a restarted broker comes back where clients knew it. */
    private final int[] ports;
    private final Map<Integer, HaeryuServer> running = new TreeMap<>();
    private boolean closed;

    private HaeryuCluster(HaeryuClusterOptions options, Path dataDir, EmbeddedZooKeeper zooKeeper) {
        this.options = options;
        this.dataDir = dataDir;
        this.zooKeeper = zooKeeper;
        this.ports = new int[options.brokers()];
    }

    /** One broker with the test defaults. */
    public static HaeryuCluster start() {
        return start(HaeryuClusterOptions.defaults());
    }

    /**
     * Starts ZooKeeper and the brokers (in parallel), then creates the options' topics and waits until every broker
     * knows their leaders. On failure everything started is stopped and the data removed.
     */
    public static HaeryuCluster start(HaeryuClusterOptions options) {
        for (String key : OWN_CONFIGS) {
            if (options.brokerConfigs().containsKey(key) || IntStream.range(0, options.brokers())
                    .anyMatch(id -> options.brokerConfigs(id).containsKey(key))) {
                throw new IllegalArgumentException(key + " is set by HaeryuCluster and cannot be configured");
            }
        }
        long started = System.nanoTime();
        Path dir;
        try {
            dir = Files.createTempDirectory("haeryu-test-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a data directory", e);
        }
        HaeryuCluster cluster = null;
        try {
            cluster = new HaeryuCluster(options, dir, EmbeddedZooKeeper.start(dir.resolve("zookeeper"), 0));
            cluster.startAll();
            if (!options.topics().isEmpty()) {
                try (HaeryuTestClients clients = cluster.clients()) {
                    clients.createTopics(options.topics(), options.startTimeout());
                }
            }
        } catch (RuntimeException | Error e) {
            if (cluster != null) {
                cluster.close();
            } else {
                deleteRecursively(dir);
            }
            throw e;
        }
        log.info("Haeryu test cluster of {} broker(s) started in {} ms at {}", options.brokers(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), cluster.bootstrapServers());
        return cluster;
    }

    private void startAll() {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int id = 0; id < options.brokers(); id++) {
            int brokerId = id;
            starts.add(CompletableFuture.runAsync(() -> startBroker(brokerId),
                r -> new Thread(r, "haeryu-test-start-" + brokerId).start()));
        }
        try {
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /** "host:port,..." of all brokers, running or not (a stopped broker comes back on the same port). */
    public String bootstrapServers() {
        return IntStream.range(0, ports.length).mapToObj(id -> "127.0.0.1:" + port(id)).collect(Collectors.joining(","));
    }

    /** "host:port" of broker {@code id}. */
    public String bootstrapServers(int id) {
        return "127.0.0.1:" + port(id);
    }

    private synchronized int port(int id) {
        checkId(id);
        return ports[id];
    }

    /** Where the brokers' and ZooKeeper's data live until {@link #close()}. */
    Path dataDir() {
        return dataDir;
    }

    /** The ZooKeeper connect string, for tests that look at the cluster metadata directly. */
    public String zookeeperConnect() {
        return zooKeeper.connectString();
    }

    public int brokerCount() {
        return ports.length;
    }

    /** Ids of the brokers currently running, ascending. */
    public synchronized List<Integer> runningBrokers() {
        return List.copyOf(running.keySet());
    }

    public synchronized boolean isRunning(int id) {
        checkId(id);
        return running.containsKey(id);
    }

    /** Config for a client of this cluster: {@code bootstrap.servers} only, the rest up to the test. */
    public Map<String, Object> clientConfig() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    }

    /** A new {@link Admin} on this cluster; the caller closes it. */
    public Admin admin() {
        return Admin.create(clientConfig());
    }

    /** Helpers for the usual produce/consume/topic/group steps; the caller closes them. */
    public HaeryuTestClients clients() {
        return new HaeryuTestClients(bootstrapServers());
    }

    /** Starts broker {@code id} (again) on its port and data; it must not be running. */
    public void startBroker(int id) {
        HaeryuServer server;
        synchronized (this) {
            checkOpen();
            checkId(id);
            if (running.containsKey(id)) {
                throw new IllegalStateException("Broker " + id + " is already running");
            }
            server = new HaeryuServer(new BrokerConfig(brokerConfig(id)), true);
        }
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("Broker " + id + " did not start: " + e.getMessage(), e);
        }
        synchronized (this) {
            ports[id] = server.boundPort(LISTENER);
            running.put(id, server);
        }
    }

    /** Stops broker {@code id} as an operator would: a controlled shutdown hands its leaderships over first. */
    public void stopBroker(int id) {
        takeRunning(id).close();
    }

    /**
     * Stops broker {@code id} abruptly, as if its process were killed: no controlled shutdown, so its leaderships
     * move only once the controller sees the broker gone. Its data stays for {@link #startBroker}.
     */
    public void killBroker(int id) {
        takeRunning(id).kill();
    }

    /** {@link #stopBroker Stops} broker {@code id} if it runs, then starts it again on the same port and data. */
    public void restartBroker(int id) {
        if (isRunning(id)) {
            stopBroker(id);
        }
        startBroker(id);
    }

    private synchronized HaeryuServer takeRunning(int id) {
        checkId(id);
        HaeryuServer server = running.remove(id);
        if (server == null) {
            throw new IllegalStateException("Broker " + id + " is not running");
        }
        return server;
    }

    private Map<String, String> brokerConfig(int id) {
        int n = options.brokers();
        Map<String, String> config = new LinkedHashMap<>();
        config.put(BrokerConfig.OFFSETS_TOPIC_REPLICATION_FACTOR, Integer.toString(Math.min(n, 3)));
        config.put(BrokerConfig.OFFSETS_TOPIC_NUM_PARTITIONS, "5");
        config.put(BrokerConfig.TRANSACTION_STATE_LOG_REPLICATION_FACTOR, Integer.toString(Math.min(n, 3)));
        config.put(BrokerConfig.TRANSACTION_STATE_LOG_MIN_ISR, Integer.toString(Math.min(n, 2)));
        config.put(BrokerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, "0");
        config.put(BrokerConfig.NUM_NETWORK_THREADS, "1");
        config.put(BrokerConfig.NUM_IO_THREADS, "2");
        config.put(BrokerConfig.LOG_CLEANER_DEDUPE_BUFFER_SIZE, Integer.toString(8 * 1024 * 1024));
        config.put(BrokerConfig.LOG_INDEX_SIZE_MAX_BYTES, Integer.toString(1024 * 1024));
        config.putAll(options.brokerConfigs());
        config.putAll(options.brokerConfigs(id));
        config.put(BrokerConfig.BROKER_ID, Integer.toString(id));
        config.put(BrokerConfig.LISTENERS, LISTENER + "://127.0.0.1:" + ports[id]);
        config.put(BrokerConfig.LOG_DIRS, dataDir.resolve("broker-" + id).toString());
        config.put(BrokerConfig.ZOOKEEPER_CONNECT, zooKeeper.connectString());
        return config;
    }

    private void checkId(int id) {
        if (id < 0 || id >= ports.length) {
            throw new IllegalArgumentException("No broker " + id + "; the brokers are 0.." + (ports.length - 1));
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("The cluster is closed");
        }
    }

    /** Stops the brokers at once (no controlled shutdown: nothing is left to hand over to), ZooKeeper, then deletes the data. */
    @Override
    public void close() {
        List<HaeryuServer> servers;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            servers = new ArrayList<>(running.values());
            running.clear();
        }
        servers.forEach(HaeryuServer::kill);
        zooKeeper.close();
        deleteRecursively(dataDir);
    }

    private static void deleteRecursively(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            log.warn("Could not delete the test cluster's data in {}", dir, e);
        }
    }
}
