package io.haeryu.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster metadata kept in ZooKeeper: writes go straight to ZooKeeper, reads come from an immutable
 * {@link MetadataImage} rebuilt from Curator caches whenever a cached znode changes.
 *
 * <p>Writes that change topics return only once this store's own image shows the change, so a client that
 * created a topic through this broker finds it in its next Metadata response.
 */
public final class ZkMetadataStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ZkMetadataStore.class);
    /** Subtrees the image is built from. */
    private static final List<String> CACHED_ROOTS = List.of(ZkPaths.BROKERS, ZkPaths.TOPIC_CONFIGS, ZkPaths.CONTROLLER);
    private static final List<String> BASE_PATHS = List.of(ZkPaths.BROKER_IDS, ZkPaths.TOPICS, ZkPaths.TOPIC_CONFIGS,
            ZkPaths.CONTROLLED_SHUTDOWN);
    /** Read-modify-write attempts before giving up on a znode that keeps changing under us. */
    private static final int MAX_CONFLICT_RETRIES = 50;
    /** Partition states are written with this controller epoch until a controller exists. */
    private static final int INITIAL_CONTROLLER_EPOCH = 0;

    private final String connectString;
    private final int sessionTimeoutMs;
    private final int connectionTimeoutMs;
    private final CuratorFramework client;
    private final List<CuratorCache> caches = new ArrayList<>();
    private final List<MetadataListener> listeners = new CopyOnWriteArrayList<>();
    /** Rebuilds the image; one thread, so rebuilds never interleave. */
    private final ExecutorService imageLoader = Executors.newSingleThreadExecutor(new DaemonThreads("haeryu-metadata-loader"));
    /** Calls listeners, in image order, away from Curator's and the loader's threads. */
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(new DaemonThreads("haeryu-metadata-notifier"));
    /** Re-registers the broker after session loss; blocking ZooKeeper calls must stay off Curator's threads. */
    private final ExecutorService registrar = Executors.newSingleThreadExecutor(new DaemonThreads("haeryu-broker-registrar"));
    private final AtomicBoolean rebuildPending = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object imageMonitor = new Object();

    private volatile MetadataImage image = MetadataImage.EMPTY;
    private volatile String clusterId;
    private volatile BrokerRegistration registration;

    public ZkMetadataStore(String connectString, int sessionTimeoutMs, int connectionTimeoutMs) {
        this.connectString = Objects.requireNonNull(connectString, "connectString");
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.connectionTimeoutMs = connectionTimeoutMs;
        this.client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(sessionTimeoutMs)
                .connectionTimeoutMs(connectionTimeoutMs)
                .retryPolicy(new ExponentialBackoffRetry(100, 5))
                .build();
    }

    /**
     * Connects, creates the base znodes and the cluster id if missing, and loads the first image. On failure the
     * store is closed.
     */
    public void start() {
        client.getConnectionStateListenable().addListener((c, state) -> {
            if (state == ConnectionState.RECONNECTED && registration != null && !closed.get()) {
                registrar.execute(this::reRegisterBroker);
            }
        });
        client.start();
        try {
            awaitConnection();
            execute("create base znodes", () -> {
                for (String path : BASE_PATHS) {
                    createIfMissing(path);
                }
                return null;
            });
            clusterId = execute("create or read the cluster id", this::createOrReadClusterId);
            startCaches();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        log.info("Connected to ZooKeeper at {}, cluster id {}", connectString, clusterId);
    }

    private void awaitConnection() {
        try {
            if (!client.blockUntilConnected(connectionTimeoutMs, TimeUnit.MILLISECONDS)) {
                throw new KafkaException("Could not connect to ZooKeeper at " + connectString + " within "
                        + connectionTimeoutMs + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    public String clusterId() {
        return clusterId;
    }

    /** The latest snapshot; never null, {@link MetadataImage#EMPTY} before {@link #start()}. */
    public MetadataImage image() {
        return image;
    }

    /** Listeners hear of every image published after they are added (and possibly of one published just before). */
    public void addListener(MetadataListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Registers this broker with an ephemeral znode, which disappears when this store closes or its session
     * expires, and comes back when a new session is established.
     *
     * @throws BrokerIdInUseException if another live broker holds the id
     */
    public void registerBroker(BrokerRegistration r) {
        registerBroker(r, false);
    }

    /**
     * As {@link #registerBroker(BrokerRegistration)}; with {@code replaceStale} an existing registration of the
     * same id is taken over. Only safe when no other broker can use this ZooKeeper: a broker's private embedded
     * ZooKeeper restores the dead process's session after a {@code kill -9}, and would otherwise keep the id
     * "in use" until that session expires.
     */
    public void registerBroker(BrokerRegistration r, boolean replaceStale) {
        execute("register broker " + r.id(), () -> {
            if (replaceStale) {
                deleteForeignBrokerNode(r.id());
            }
            writeBrokerNode(r);
            return null;
        });
        registration = r;
        // This registration, not a stale one of the same id that the image may still show.
        awaitImage(img -> img.broker(r.id()).filter(b -> b.endpoints().equals(r.endpoints())
                        && Objects.equals(b.rack(), r.rack())).isPresent(),
                "broker " + r.id() + " registration");
        log.info("Registered broker {} at {}", r.id(), r.describeEndpoints());
    }

    /**
     * Creates the topic, its partition states (leader = first replica, epoch 0, all replicas in sync) and its
     * config in one transaction, so of concurrent creators exactly one succeeds.
     *
     * @param assignment replicas per partition
     * @throws TopicExistsException if the topic exists
     */
    public TopicInfo createTopic(String name, List<List<Integer>> assignment, Map<String, String> configs) {
        TopicNames.validate(name);
        validateAssignment(assignment);
        image.topicsByName().keySet().stream()
                .filter(other -> !other.equals(name) && TopicNames.collide(name, other))
                .findFirst()
                .ifPresent(other -> {
                    throw new InvalidTopicException("Topic '" + name + "' collides with existing topic: " + other);
                });
        Uuid topicId = Uuid.randomUuid();
        Map<String, String> configCopy = Map.copyOf(configs);
        execute("create topic " + name, () -> {
            List<CuratorOp> ops = new ArrayList<>();
            ops.add(client.transactionOp().create().forPath(ZkPaths.topic(name),
                    ZkPayloads.topicAssignment(new ZkPayloads.TopicAssignment(topicId, assignment))));
            ops.add(client.transactionOp().create().forPath(ZkPaths.partitions(name)));
            ops.addAll(newPartitionOps(name, 0, assignment));
            ops.add(topicConfigWriteOp(name, configCopy));
            try {
                client.transaction().forOperations(ops);
            } catch (KeeperException.NodeExistsException e) {
                throw new TopicExistsException("Topic '" + name + "' already exists.");
            }
            return null;
        });
        log.info("Created topic {} with id {} and {} partitions", name, topicId, assignment.size());
        return awaitTopic(name, t -> t.topicId().equals(topicId) && t.configs().equals(configCopy), "creation");
    }

    /**
     * Appends partitions to a topic.
     *
     * @param newAssignments replicas for each new partition, numbered after the existing ones
     */
    public TopicInfo createPartitions(String name, List<List<Integer>> newAssignments) {
        return createPartitions(name, -1, newAssignments);
    }

    /**
     * As {@link #createPartitions(String, List)}, only if the topic still has {@code expectedCount} partitions
     * (-1: any), so an assignment planned for a partition count is never appended to a different one.
     *
     * @throws InvalidPartitionsException if the partition count changed meanwhile
     */
    public TopicInfo createPartitions(String name, int expectedCount, List<List<Integer>> newAssignments) {
        if (newAssignments.isEmpty()) {
            throw new InvalidPartitionsException("No new partitions given for topic '" + name + "'.");
        }
        validateAssignment(newAssignments);
        ZkPayloads.TopicAssignment updated = execute("create partitions of " + name, () -> {
            Stat stat = new Stat();
            ZkPayloads.TopicAssignment current = readTopicAssignment(name, stat);
            if (expectedCount >= 0 && current.replicas().size() != expectedCount) {
                throw new InvalidPartitionsException("Topic '" + name + "' has " + current.replicas().size()
                        + " partitions now, not " + expectedCount + " as when the request was checked; retry.");
            }
            List<List<Integer>> replicas = new ArrayList<>(current.replicas());
            replicas.addAll(newAssignments);
            ZkPayloads.TopicAssignment next = new ZkPayloads.TopicAssignment(current.topicId(), replicas,
                    current.adding(), current.removing());
            List<CuratorOp> ops = new ArrayList<>();
            ops.add(client.transactionOp().setData().withVersion(stat.getVersion())
                    .forPath(ZkPaths.topic(name), ZkPayloads.topicAssignment(next)));
            ops.addAll(newPartitionOps(name, current.replicas().size(), newAssignments));
            client.transaction().forOperations(ops);
            return next;
        });
        log.info("Topic {} now has {} partitions", name, updated.replicas().size());
        return awaitTopic(name, t -> t.topicId().equals(updated.topicId())
                && t.partitionCount() >= updated.replicas().size(), "partition creation");
    }

    /** Removes the topic's znodes and config in one transaction. */
    public void deleteTopic(String name) {
        Uuid topicId = execute("delete topic " + name, () -> {
            ZkPayloads.TopicAssignment current = readTopicAssignment(name, new Stat());
            List<CuratorOp> ops = new ArrayList<>();
            addDeleteOpsChildrenFirst(ZkPaths.topic(name), ops);
            if (client.checkExists().forPath(ZkPaths.topicConfig(name)) != null) {
                addDeleteOpsChildrenFirst(ZkPaths.topicConfig(name), ops);
            }
            client.transaction().forOperations(ops);
            return current.topicId();
        });
        log.info("Deleted topic {} with id {}", name, topicId);
        awaitImage(img -> img.topic(topicId).isEmpty(), "deletion of topic '" + name + "'");
    }

    /** Replaces the topic's config overrides. */
    public void updateTopicConfigs(String name, Map<String, String> configs) {
        Map<String, String> configCopy = Map.copyOf(configs);
        execute("update configs of topic " + name, () -> {
            Stat topicStat = client.checkExists().forPath(ZkPaths.topic(name));
            if (topicStat == null) {
                throw unknownTopic(name);
            }
            // The check makes the write fail if the topic is deleted meanwhile, instead of leaving an orphan config.
            client.transaction().forOperations(List.of(
                    client.transactionOp().check().withVersion(topicStat.getVersion()).forPath(ZkPaths.topic(name)),
                    topicConfigWriteOp(name, configCopy)));
            return null;
        });
        awaitTopic(name, t -> t.configs().equals(configCopy), "config update");
    }

    /**
     * Asks the controller to move leadership away from this broker (an ephemeral znode, gone with the session), and
     * waits until the image shows the request.
     */
    public void requestControlledShutdown(int brokerId) {
        execute("request controlled shutdown of broker " + brokerId, () -> {
            try {
                client.create().withMode(CreateMode.EPHEMERAL).forPath(ZkPaths.controlledShutdown(brokerId));
            } catch (KeeperException.NodeExistsException e) {
                // asked already
            }
            return null;
        });
        awaitImage(img -> img.shuttingDownBrokers().contains(brokerId), "controlled shutdown request");
    }

    /**
     * Reserves {@code blockSize} producer ids with a conditional write of {@code /latest_producer_id_block}.
     *
     * @return the first id of the block
     */
    public long allocateProducerIdBlock(int blockSize) {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("producer id block size must be > 0, was " + blockSize);
        }
        BrokerRegistration owner = registration;
        int brokerId = owner == null ? -1 : owner.id();
        return execute("allocate a producer id block", () -> {
            Stat stat = new Stat();
            byte[] latest = readIfExists(ZkPaths.PRODUCER_ID_BLOCK, stat);
            long first = latest == null ? 0 : ZkPayloads.decodeProducerIdBlockEnd(latest) + 1;
            if (first > Long.MAX_VALUE - blockSize) {
                throw new KafkaException("Producer ids are exhausted: last allocated id is " + (first - 1));
            }
            byte[] block = ZkPayloads.producerIdBlock(brokerId, first, first + blockSize - 1);
            if (latest == null) {
                client.create().forPath(ZkPaths.PRODUCER_ID_BLOCK, block);
            } else {
                client.setData().withVersion(stat.getVersion()).forPath(ZkPaths.PRODUCER_ID_BLOCK, block);
            }
            return first;
        });
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        registration = null;
        caches.forEach(CuratorCache::close);
        client.close();
        registrar.shutdownNow();
        imageLoader.shutdownNow();
        notifier.shutdown();
        try {
            if (!notifier.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Metadata listeners still running after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void removeListener(MetadataListener listener) {
        listeners.remove(listener);
    }

    // --- ZooKeeper writes -------------------------------------------------------------------------------------

    /** Creates the broker znode, or refreshes it if this session already owns it. */
    private void deleteForeignBrokerNode(int brokerId) throws Exception {
        Stat stat = client.checkExists().forPath(ZkPaths.broker(brokerId));
        long ourSession = client.getZookeeperClient().getZooKeeper().getSessionId();
        if (stat != null && stat.getEphemeralOwner() != ourSession) {
            try {
                client.delete().withVersion(stat.getVersion()).forPath(ZkPaths.broker(brokerId));
                log.info("Removed the stale registration of broker {} left by a previous process", brokerId);
            } catch (KeeperException.NoNodeException e) {
                // Expired meanwhile: nothing to remove.
            }
        }
    }

    private void writeBrokerNode(BrokerRegistration r) throws Exception {
        String path = ZkPaths.broker(r.id());
        byte[] payload = ZkPayloads.broker(r, System.currentTimeMillis());
        try {
            client.create().withMode(CreateMode.EPHEMERAL).forPath(path, payload);
        } catch (KeeperException.NodeExistsException e) {
            Stat stat = new Stat();
            byte[] existing = client.getData().storingStatIn(stat).forPath(path);
            long ourSession = client.getZookeeperClient().getZooKeeper().getSessionId();
            if (stat.getEphemeralOwner() != ourSession) {
                BrokerRegistration holder = ZkPayloads.decodeBroker(r.id(), existing);
                throw new BrokerIdInUseException("broker.id " + r.id() + " is already registered by "
                        + holder.describeEndpoints() + " (ZooKeeper session 0x" + Long.toHexString(stat.getEphemeralOwner())
                        + " at " + connectString + "); stop that broker or choose another broker.id");
            }
            client.setData().withVersion(stat.getVersion()).forPath(path, payload);
        }
    }

    /** After a new session the old ephemeral znode is gone (or going); put ours back. */
    private void reRegisterBroker() {
        BrokerRegistration r = registration;
        if (r == null) {
            return;
        }
        try {
            writeBrokerNode(r);
            log.info("Re-registered broker {} after reconnecting to ZooKeeper", r.id());
        } catch (BrokerIdInUseException e) {
            log.error("Could not re-register after reconnecting: {}", e.getMessage());
        } catch (Exception e) {
            // The next RECONNECTED event retries.
            log.warn("Could not re-register broker {} after reconnecting to ZooKeeper", r.id(), e);
        }
    }

    private String createOrReadClusterId() throws Exception {
        try {
            String id = Uuid.randomUuid().toString();
            client.create().creatingParentsIfNeeded().forPath(ZkPaths.CLUSTER_ID, ZkPayloads.clusterId(id));
            log.info("Created cluster id {}", id);
            return id;
        } catch (KeeperException.NodeExistsException e) {
            return ZkPayloads.decodeClusterId(client.getData().forPath(ZkPaths.CLUSTER_ID));
        }
    }

    private void createIfMissing(String path) throws Exception {
        try {
            client.create().creatingParentsIfNeeded().forPath(path);
        } catch (KeeperException.NodeExistsException e) {
            // created by another broker or an earlier run
        }
    }

    /** Ops creating {@code partitions/<p>} and its state for partitions numbered from {@code firstPartition}. */
    private List<CuratorOp> newPartitionOps(String topic, int firstPartition, List<List<Integer>> assignment)
            throws Exception {
        List<CuratorOp> ops = new ArrayList<>();
        for (int i = 0; i < assignment.size(); i++) {
            int partition = firstPartition + i;
            PartitionState state = PartitionState.initial(partition, assignment.get(i));
            ops.add(client.transactionOp().create().forPath(ZkPaths.partition(topic, partition)));
            ops.add(client.transactionOp().create().forPath(ZkPaths.partitionState(topic, partition),
                    ZkPayloads.leaderAndIsr(new ZkPayloads.LeaderAndIsr(state.leader(), state.leaderEpoch(),
                            state.isr()), INITIAL_CONTROLLER_EPOCH)));
        }
        return ops;
    }

    /** Creates the config znode, or overwrites one left behind, conditional on the version just read. */
    private CuratorOp topicConfigWriteOp(String topic, Map<String, String> configs) throws Exception {
        String path = ZkPaths.topicConfig(topic);
        byte[] payload = ZkPayloads.topicConfig(configs);
        Stat stat = client.checkExists().forPath(path);
        return stat == null
                ? client.transactionOp().create().forPath(path, payload)
                : client.transactionOp().setData().withVersion(stat.getVersion()).forPath(path, payload);
    }

    private void addDeleteOpsChildrenFirst(String path, List<CuratorOp> ops) throws Exception {
        for (String child : client.getChildren().forPath(path)) {
            addDeleteOpsChildrenFirst(path + "/" + child, ops);
        }
        ops.add(client.transactionOp().delete().forPath(path));
    }

    private ZkPayloads.TopicAssignment readTopicAssignment(String name, Stat stat) throws Exception {
        byte[] data = readIfExists(ZkPaths.topic(name), stat);
        if (data == null) {
            throw unknownTopic(name);
        }
        return ZkPayloads.decodeTopicAssignment(data);
    }

    private byte[] readIfExists(String path, Stat stat) throws Exception {
        try {
            return client.getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
    }

    /**
     * Runs a ZooKeeper interaction, repeating it while it loses races against concurrent writers (version
     * mismatches, znodes appearing or vanishing between read and write). Kafka errors pass through; other
     * failures become a {@link KafkaException} naming the action.
     */
    private <T> T execute(String action, ZkCall<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (KafkaException e) {
                throw e;
            } catch (KeeperException.BadVersionException | KeeperException.NoNodeException
                     | KeeperException.NodeExistsException | KeeperException.NotEmptyException e) {
                if (attempt >= MAX_CONFLICT_RETRIES) {
                    throw new KafkaException("Could not " + action + ": concurrent changes kept conflicting", e);
                }
                log.debug("Retrying to {} after a concurrent change: {}", action, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            } catch (Exception e) {
                throw new KafkaException("Could not " + action + " in ZooKeeper at " + connectString + ": " + e, e);
            }
        }
    }

    @FunctionalInterface
    private interface ZkCall<T> {
        T call() throws Exception;
    }

    private static void validateAssignment(List<List<Integer>> assignment) {
        if (assignment.isEmpty()) {
            throw new InvalidPartitionsException("Number of partitions must be larger than 0.");
        }
        for (int i = 0; i < assignment.size(); i++) {
            List<Integer> replicas = assignment.get(i);
            if (replicas.isEmpty() || new HashSet<>(replicas).size() != replicas.size()) {
                throw new InvalidReplicaAssignmentException("Replica assignment #" + i + " " + replicas
                        + " must list at least one broker, each at most once.");
            }
        }
    }

    private static UnknownTopicOrPartitionException unknownTopic(String name) {
        return new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
    }

    // --- the image --------------------------------------------------------------------------------------------

    private void startCaches() {
        CountDownLatch initialized = new CountDownLatch(CACHED_ROOTS.size());
        for (String root : CACHED_ROOTS) {
            CuratorCache cache = CuratorCache.build(client, root);
            cache.listenable().addListener(CuratorCacheListener.builder()
                    .forAll((type, oldData, data) -> scheduleRebuild())
                    .forInitialized(initialized::countDown)
                    .build());
            caches.add(cache);
            cache.start();
        }
        try {
            if (!initialized.await(sessionTimeoutMs, TimeUnit.MILLISECONDS)) {
                throw new TimeoutException("Metadata caches did not load from ZooKeeper at " + connectString
                        + " within " + sessionTimeoutMs + " ms");
            }
            imageLoader.submit(this::rebuildImage).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        } catch (ExecutionException e) {
            throw new KafkaException("Could not build the first metadata image", e.getCause());
        }
    }

    /** Called on Curator's thread: coalesces bursts of cache events into one rebuild on the loader thread. */
    private void scheduleRebuild() {
        if (rebuildPending.compareAndSet(false, true)) {
            imageLoader.execute(this::rebuildImage);
        }
    }

    private void rebuildImage() {
        rebuildPending.set(false);
        try {
            Map<String, byte[]> nodes = new HashMap<>();
            for (CuratorCache cache : caches) {
                cache.stream().filter(d -> d.getData() != null).forEach(d -> nodes.put(d.getPath(), d.getData()));
            }
            publish(MetadataImageLoader.load(clusterId, nodes, image));
        } catch (RuntimeException e) {
            log.error("Could not rebuild the metadata image; keeping the previous one", e);
        }
    }

    private void publish(MetadataImage next) {
        synchronized (imageMonitor) {
            MetadataImage previous = image;
            if (previous.equals(next)) {
                return;
            }
            image = next;
            imageMonitor.notifyAll();
            notifier.execute(() -> notifyListeners(previous, next));
        }
    }

    private void notifyListeners(MetadataImage previous, MetadataImage current) {
        for (MetadataListener listener : listeners) {
            try {
                listener.onChange(previous, current);
            } catch (RuntimeException e) {
                log.error("Metadata listener {} failed", listener, e);
            }
        }
    }

    private TopicInfo awaitTopic(String name, Predicate<TopicInfo> condition, String change) {
        awaitImage(img -> img.topic(name).filter(condition).isPresent(), change + " of topic '" + name + "'");
        return image.topic(name).orElseThrow(() -> unknownTopic(name));
    }

    /** Blocks until the image satisfies {@code condition}, i.e. until a write made here has come back through the caches. */
    void awaitImage(Predicate<MetadataImage> condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMs);
        synchronized (imageMonitor) {
            while (!condition.test(image)) {
                long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMs <= 0) {
                    throw new TimeoutException("The " + what + " was written to ZooKeeper but did not reach the "
                            + "metadata image within " + sessionTimeoutMs + " ms");
                }
                try {
                    imageMonitor.wait(remainingMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptException(e);
                }
            }
        }
    }

    /** The ZooKeeper client, shared with {@link ControllerElection} (and tests that break its session). */
    CuratorFramework curator() {
        return client;
    }
}
