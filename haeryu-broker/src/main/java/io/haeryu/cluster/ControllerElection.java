package io.haeryu.cluster;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's ZooKeeper-era controller election: the broker that creates the ephemeral {@code /controller} znode is
 * the controller, and it bumps {@code /controller_epoch} in the same transaction, so every term has a larger epoch
 * than the last. When {@code /controller} disappears (its broker stopped or lost its session), the metadata image
 * shows no controller and every candidate tries again.
 */
public final class ControllerElection implements AutoCloseable {

    public static final int NO_EPOCH = -1;

    private static final Logger log = LoggerFactory.getLogger(ControllerElection.class);

    private final ZkMetadataStore store;
    private final CuratorFramework client;
    private final int brokerId;
    /** Runs election attempts one at a time, off the notifier and Curator threads. */
    private final ExecutorService elector;
    private final MetadataListener controllerWatch = (previous, current) -> {
        if (current.controllerId() == MetadataImage.NO_CONTROLLER) {
            scheduleAttempt();
        }
    };
    private final ConnectionStateListener reconnectWatch = (c, state) -> {
        // An attempt that failed while disconnected is not retried by an image change if none comes.
        if (state == ConnectionState.RECONNECTED) {
            scheduleAttempt();
        }
    };

    /** The epoch of the term this broker last won. */
    private volatile int wonEpoch = NO_EPOCH;
    /** The version of {@code /controller_epoch} written when that term was won; the controller's writes check it. */
    private volatile int wonEpochZkVersion = -1;
    private volatile boolean closed;

    /** @param store a started store; the election shares its ZooKeeper session */
    public ControllerElection(ZkMetadataStore store, int brokerId) {
        this.store = store;
        this.client = store.curator();
        this.brokerId = brokerId;
        this.elector = Executors.newSingleThreadExecutor(new DaemonThreads("haeryu-controller-election-" + brokerId));
    }

    public void start() {
        store.addListener(controllerWatch);
        client.getConnectionStateListenable().addListener(reconnectWatch);
        scheduleAttempt();
    }

    /** Whether this broker won the latest term and the image still shows it as controller. */
    public boolean isController() {
        return wonEpoch != NO_EPOCH && store.image().controllerId() == brokerId;
    }

    /** The epoch of this broker's current term, or {@link #NO_EPOCH} if it is not the controller. */
    public int epoch() {
        return isController() ? wonEpoch : NO_EPOCH;
    }

    /** The znode version of {@code /controller_epoch} for this broker's current term. */
    public int epochZkVersion() {
        return wonEpochZkVersion;
    }

    /** Steps down (deleting {@code /controller} if this session owns it) and stops competing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        store.removeListener(controllerWatch);
        client.getConnectionStateListenable().removeListener(reconnectWatch);
        elector.shutdownNow();
        wonEpoch = NO_EPOCH;
        if (client.getState() != CuratorFrameworkState.STARTED) {
            return; // the store closed first: the session, and with it /controller, is gone already
        }
        try {
            Stat stat = client.checkExists().forPath(ZkPaths.CONTROLLER);
            if (stat != null && stat.getEphemeralOwner() == client.getZookeeperClient().getZooKeeper().getSessionId()) {
                client.delete().withVersion(stat.getVersion()).forPath(ZkPaths.CONTROLLER);
                log.info("Broker {} resigned as controller", brokerId);
            }
        } catch (Exception e) {
            log.warn("Broker {} could not delete its controller znode; it goes when the session ends", brokerId, e);
        }
    }

    private void scheduleAttempt() {
        if (!closed) {
            elector.execute(this::tryToBecomeController);
        }
    }

    private void tryToBecomeController() {
        try {
            while (!closed && client.checkExists().forPath(ZkPaths.CONTROLLER) == null) {
                Stat epochStat = new Stat();
                int nextEpoch = readEpoch(epochStat) + 1;
                try {
                    client.transaction().forOperations(List.of(
                            client.transactionOp().create().withMode(CreateMode.EPHEMERAL)
                                    .forPath(ZkPaths.CONTROLLER, ZkPayloads.controller(brokerId, System.currentTimeMillis())),
                            client.transactionOp().setData().withVersion(epochStat.getVersion())
                                    .forPath(ZkPaths.CONTROLLER_EPOCH, ZkPayloads.controllerEpoch(nextEpoch))));
                    wonEpochZkVersion = epochStat.getVersion() + 1;
                    wonEpoch = nextEpoch;
                    log.info("Broker {} is the controller with epoch {}", brokerId, nextEpoch);
                    return;
                } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException e) {
                    // Another broker won this round; the loop sees its /controller and stops.
                    log.debug("Broker {} lost a controller election round: {}", brokerId, e.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("Broker {} could not run for controller; retrying when the controller or connection changes",
                    brokerId, e);
        }
    }

    /** Reads {@code /controller_epoch}, creating it at 0 on a new cluster. */
    private int readEpoch(Stat stat) throws Exception {
        try {
            client.create().forPath(ZkPaths.CONTROLLER_EPOCH, ZkPayloads.controllerEpoch(0));
        } catch (KeeperException.NodeExistsException e) {
            // the usual case
        }
        return ZkPayloads.decodeControllerEpoch(client.getData().storingStatIn(stat).forPath(ZkPaths.CONTROLLER_EPOCH));
    }
}
