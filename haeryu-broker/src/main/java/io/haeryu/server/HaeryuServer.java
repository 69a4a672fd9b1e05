package io.haeryu.server;

import io.haeryu.cluster.BrokerIdInUseException;
import io.haeryu.cluster.BrokerRegistration;
import io.haeryu.cluster.Controller;
import io.haeryu.cluster.ControllerElection;
import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.PartitionStateZk;
import io.haeryu.cluster.EmbeddedZooKeeper;
import io.haeryu.cluster.TopicService;
import io.haeryu.cluster.ZkMetadataStore;
import io.haeryu.config.BrokerConfig;
import io.haeryu.config.Listener;
import io.haeryu.group.ExecutorEventLoops;
import io.haeryu.group.GroupConfig;
import io.haeryu.group.GroupCoordinator;
import io.haeryu.log.CleanerConfig;
import io.haeryu.log.LogConfig;
import io.haeryu.log.LogManager;
import io.haeryu.log.ProducerIdExpiration;
import io.haeryu.network.RequestHandlerPool;
import io.haeryu.network.SocketServer;
import io.haeryu.protocol.ApiRegistry;
import io.haeryu.protocol.BrokerApis;
import io.haeryu.protocol.group.GroupApis;
import io.haeryu.replication.LogDirFailureHandler;
import io.haeryu.replication.ReplicaManager;
import io.haeryu.txn.ProducerIdManager;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One broker: storage, cluster metadata, coordinators and the network, started in dependency order and stopped
 * in reverse. Logs are recovered before the broker registers, so it never serves a log it has not checked. As in
 * Kafka, listeners are bound before registration but requests are processed only once start-up has completed.
 */
public final class HaeryuServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HaeryuServer.class);

    /** How long a stopping broker waits for the controller to move its leaderships away. */
    private static final long CONTROLLED_SHUTDOWN_TIMEOUT_MS = 15_000;
    /** Coordinator partitions are spread over this many threads; each partition's events stay on one. */
    private static final int GROUP_COORDINATOR_THREADS = 2;
    private static final int METADATA_WRITER_THREADS = 4;

    private final BrokerConfig config;
    private final boolean internalTopicsOnFirstUse;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private SocketServer socketServer;
    private ZkMetadataStore metadata;
    private List<String> advertised = List.of();
    /** Set by {@link #kill()}: stop without handing leadership over first. */
    private volatile boolean killed;

    public HaeryuServer(BrokerConfig config) {
        this(config, false);
    }

    /**
     * @param internalTopicsOnFirstUse create {@code __consumer_offsets} only when a client first looks for a
     *                                 coordinator (Kafka's behaviour; for short-lived test brokers), not ahead of
     *                                 the first consumer at start-up
     */
    public HaeryuServer(BrokerConfig config, boolean internalTopicsOnFirstUse) {
        this.config = config;
        this.internalTopicsOnFirstUse = internalTopicsOnFirstUse;
    }

    /** Starts everything; on failure, stops what was started and rethrows. */
    public void start() throws Exception {
        long started = System.nanoTime();
        try {
            doStart();
            // As Kafka: bound early (the registration needs the real ports), but requests are read only now that
            // the broker is registered, its own image lists it and its leaderships are taken up.
            socketServer.enableRequestProcessing();
        } catch (Exception | Error e) {
            close();
            throw e;
        }
        String version = HaeryuServer.class.getPackage().getImplementationVersion(); // from the jar's manifest
        log.info("Haeryu broker {} (version {}) started in {} ms, listening on {}", config.brokerId(),
            version == null ? "development build" : version,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), String.join(", ", advertised));
    }

    private void doStart() throws Exception {
        List<Path> logDirs = config.logDirs();
        for (Path dir : logDirs) {
            closeables.push(LogDirLock.acquire(dir));
        }

        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2, daemon("haeryu-scheduler"));
        // Fetch and acks=all deadlines are mostly cancelled early; keep the queue to the ones still pending.
        scheduler.setRemoveOnCancelPolicy(true);
        closeables.push(scheduler::shutdownNow);
        // ZooKeeper writes and waits of admin requests: apart from the request handlers, so they cannot starve fetches.
        ExecutorService blocking = Executors.newFixedThreadPool(METADATA_WRITER_THREADS, daemon("haeryu-metadata-writer"));
        closeables.push(blocking::shutdownNow);
        RequestHandlerPool requestHandlers = new RequestHandlerPool(config.numIoThreads(), config.queuedMaxRequests());
        closeables.push(requestHandlers);

        LogManager logManager = new LogManager(logDirs, LogConfig.defaults(), Time.SYSTEM, scheduler,
            config.retentionCheckIntervalMs(), cleanerConfig(config), new ProducerIdExpiration(
                config.getInt(BrokerConfig.PRODUCER_ID_EXPIRATION_MS),
                config.getInt(BrokerConfig.PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS)));
        logManager.startup();
        closeables.push(logManager);

        String zkConnect = config.zookeeperConnect();
        boolean embeddedZooKeeper = zkConnect == null;
        if (embeddedZooKeeper) {
            Path first = logDirs.get(0).toAbsolutePath();
            Path zkDir = first.resolveSibling(first.getFileName() + "-zookeeper");
            EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(zkDir, "127.0.0.1", 0);
            closeables.push(zk);
            zkConnect = zk.connectString();
            log.info("Started embedded ZooKeeper at {} (data in {})", zkConnect, zkDir);
        }
        metadata = new ZkMetadataStore(zkConnect, config.zookeeperSessionTimeoutMs(), config.zookeeperConnectionTimeoutMs());
        metadata.start();
        closeables.push(metadata);

        PartitionStateZk partitionStates = new PartitionStateZk(metadata);
        // Delayed fetches that complete read the log on the request handlers, never on the metadata writers.
        ReplicaManager replicas = new ReplicaManager(config.brokerId(), config, logManager, scheduler, requestHandlers,
            metadata::image, partitionStates, id -> metadata.image().broker(id));
        replicas.start();
        closeables.push(replicas);

        ControllerElection election = new ControllerElection(metadata, config.brokerId());
        Controller controller = new Controller(metadata, election, partitionStates, config);
        closeables.push(controller);
        ApiRegistry apis = new ApiRegistry();
        BrokerApis.registerController(apis, controller, metadata, blocking);
        TopicService topics = new TopicService(metadata, config);
        ProducerIdManager producerIds = new ProducerIdManager(metadata::allocateProducerIdBlock);
        BrokerApis.registerCore(apis, new BrokerApis.Services(config, metadata, topics, replicas, producerIds, blocking));

        OffsetsTopic offsetsTopic = new OffsetsTopic(config.brokerId(), config, metadata, topics, replicas, blocking);
        ExecutorEventLoops groupLoops = new ExecutorEventLoops(GROUP_COORDINATOR_THREADS);
        closeables.push(groupLoops);
        GroupCoordinator groups = new GroupCoordinator(groupConfig(config), offsetsTopic, groupLoops);
        closeables.push(groups::shutdown);
        GroupApis.registerAll(apis, groups, offsetsTopic, tp -> metadata.image().partition(tp).isPresent());

        socketServer = new SocketServer(apis, requestHandlers, new SocketServer.Settings(config.socketRequestMaxBytes(),
            config.getInt(BrokerConfig.SOCKET_SEND_BUFFER_BYTES), config.getInt(BrokerConfig.SOCKET_RECEIVE_BUFFER_BYTES),
            config.numNetworkThreads()));
        closeables.push(socketServer);
        socketServer.start(config.listeners());

        // Port 0 and an empty host are resolved to what that listener bound and to this machine's name.
        List<Listener> resolved = new ArrayList<>();
        for (Listener l : config.advertisedListeners()) {
            int boundPort = socketServer.boundAddresses().get(l.name()).getPort();
            resolved.add(new Listener(l.name(), l.host().isEmpty() ? canonicalHostName() : l.host(),
                l.port() == 0 ? boundPort : l.port()));
        }
        advertised = resolved.stream().map(Listener::toString).toList();
        BrokerRegistration registration = new BrokerRegistration(config.brokerId(), resolved,
            config.listenerSecurityProtocols(), config.rack());
        if (embeddedZooKeeper) {
            metadata.registerBroker(registration, true);
        } else {
            registerWaitingForStaleSession(registration);
        }

        // Leadership is taken from metadata only once registered: a restarted broker's stale session has expired
        // by then, so the controller no longer counts on it as the leader it was.
        // After registration too, so the broker counts itself when deciding whether __consumer_offsets can be
        // created; before the replica manager takes leadership up, so the coordinator hears of all of it.
        offsetsTopic.attach(groups, !internalTopicsOnFirstUse);
        // Registered now, so offline replicas can be reported (and directories that failed at load are).
        LogDirFailureHandler logDirFailures = new LogDirFailureHandler(config.brokerId(), logManager, replicas,
            offline -> metadata.reportOfflineReplicas(config.brokerId(), offline), () -> Runtime.getRuntime().halt(1));
        logDirFailures.start();
        closeables.push(logDirFailures);
        metadata.addListener(replicas::onMetadataChange);
        replicas.onMetadataChange(MetadataImage.EMPTY, metadata.image());
        controller.start();
        election.start();
        closeables.push(election);
        if (config.getBoolean(BrokerConfig.CONTROLLED_SHUTDOWN_ENABLE)) {
            closeables.push(() -> {
                if (!killed) {
                    controlledShutdown(replicas);
                }
            });
        }
    }

    /**
     * Asks the controller to move leadership to other in-sync replicas and waits (bounded) until it has, so clients
     * fail over before this broker stops answering rather than after its session times out.
     */
    private void controlledShutdown(ReplicaManager replicas) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONTROLLED_SHUTDOWN_TIMEOUT_MS);
        metadata.requestControlledShutdown(config.brokerId());
        while (System.nanoTime() < deadline) {
            MetadataImage image = metadata.image();
            long movable = replicas.partitions().stream().filter(p -> p.isLeader() && p.isr().stream().anyMatch(
                r -> r != config.brokerId() && image.brokers().containsKey(r) && !image.shuttingDownBrokers().contains(r)))
                .count();
            if (movable == 0) {
                log.info("Controlled shutdown: broker {} leads no partition another in-sync replica could take",
                    config.brokerId());
                return;
            }
            Thread.sleep(100);
        }
        log.warn("Controlled shutdown: leadership was not moved away within {} ms; stopping anyway",
            CONTROLLED_SHUTDOWN_TIMEOUT_MS);
    }

    /**
     * After a crash the previous process's registration lives until ZooKeeper expires its session; a restarted
     * broker waits that out instead of failing, and still fails if a different live broker holds the id.
     */
    private void registerWaitingForStaleSession(BrokerRegistration registration) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.zookeeperSessionTimeoutMs() + 5_000L);
        boolean told = false;
        while (true) {
            try {
                metadata.registerBroker(registration);
                return;
            } catch (BrokerIdInUseException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                if (!told) {
                    log.warn("{}; waiting up to zookeeper.session.timeout.ms for it to expire, in case it is this "
                        + "broker's previous process", e.getMessage());
                    told = true;
                }
                Thread.sleep(500);
            }
        }
    }

    /** A backoff of 0 tells the log manager not to start the cleaner thread. */
    private static CleanerConfig cleanerConfig(BrokerConfig config) {
        return new CleanerConfig(config.getLong(BrokerConfig.LOG_CLEANER_DEDUPE_BUFFER_SIZE),
            config.getInt(BrokerConfig.LOG_CLEANER_IO_BUFFER_SIZE),
            config.getBoolean(BrokerConfig.LOG_CLEANER_ENABLE) ? config.getLong(BrokerConfig.LOG_CLEANER_BACKOFF_MS) : 0);
    }

    private static GroupConfig groupConfig(BrokerConfig config) {
        return new GroupConfig(
            config.getInt(BrokerConfig.OFFSETS_TOPIC_NUM_PARTITIONS),
            config.getInt(BrokerConfig.GROUP_MIN_SESSION_TIMEOUT_MS),
            config.getInt(BrokerConfig.GROUP_MAX_SESSION_TIMEOUT_MS),
            config.getInt(BrokerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS),
            config.getInt(BrokerConfig.GROUP_MAX_SIZE),
            config.getInt(BrokerConfig.OFFSETS_RETENTION_MINUTES) * 60_000L,
            config.getLong(BrokerConfig.OFFSETS_RETENTION_CHECK_INTERVAL_MS),
            config.getInt(BrokerConfig.OFFSET_METADATA_MAX_BYTES));
    }

    private static String canonicalHostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        return new io.netty.util.concurrent.DefaultThreadFactory(prefix, true);
    }

    /** The port each listener is bound to (useful when the config asked for port 0). */
    public int boundPort(String listenerName) {
        return socketServer.boundAddresses().get(listenerName).getPort();
    }

    public BrokerConfig config() {
        return config;
    }

    /**
     * Stops at once, skipping the controlled shutdown even when {@code controlled.shutdown.enable} is on: as for a
     * killed broker process, the controller moves leadership only once it sees the broker gone. (In one JVM its
     * ZooKeeper session ends with it, so that is at once rather than after {@code zookeeper.session.timeout.ms}.)
     */
    public void kill() {
        killed = true;
        close();
    }

    @Override
    public synchronized void close() {
        while (!closeables.isEmpty()) {
            AutoCloseable c = closeables.pop();
            try {
                c.close();
            } catch (Exception e) {
                log.warn("Error while stopping {}", c, e);
            }
        }
    }
}
