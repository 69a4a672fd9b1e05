package io.haeryu.it;

import io.haeryu.it.FaultSchedule.Cycle;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A {@link TestCluster} wired for fault injection, and the nemeses that act on it. Each broker's
 * {@code zookeeper.connect} goes through its own {@link TcpProxy} (cut it: the broker loses ZooKeeper and its
 * session expires) and each broker is advertised at a proxy in front of its listener, so every other broker and
 * every client reaches it only through that proxy (cut it: the broker is partitioned away; its own outgoing fetches
 * still work, so it is a one-way partition). With a separate inter-broker listener the peer proxy would front that
 * listener only and clients would keep their path; today there is one listener and {@link #peerProxy} is it. With
 * disk-full faults each broker's log dir is a small tmpfs of its own under the test's temp dir (needs root).
 */
final class FaultCluster implements AutoCloseable {

    /** Size of each broker's tmpfs log dir with disk-full faults. */
    static final String TMPFS_SIZE = "128m";

    private final TestCluster cluster;
    private final int size;
    private final Map<Integer, TcpProxy> zkProxies;
    private final Map<Integer, TcpProxy> listenerProxies;
    private final List<Path> mounts;

    private FaultCluster(TestCluster cluster, int size, Map<Integer, TcpProxy> zkProxies,
                         Map<Integer, TcpProxy> listenerProxies, List<Path> mounts) {
        this.cluster = cluster;
        this.size = size;
        this.zkProxies = zkProxies;
        this.listenerProxies = listenerProxies;
        this.mounts = mounts;
    }

    /** Starts {@code n} brokers with {@code overrides}; with {@code tmpfsLogDirs}, each on a tmpfs under tempDir. */
    static FaultCluster start(int n, Map<String, String> overrides, Path tempDir, boolean tmpfsLogDirs) {
        List<Path> mounts = new ArrayList<>();
        Map<Integer, TcpProxy> zk = new ConcurrentHashMap<>();
        Map<Integer, TcpProxy> listeners = new ConcurrentHashMap<>();
        try {
            if (tmpfsLogDirs) {
                for (int id = 0; id < n; id++) {
                    Path mount = Files.createDirectories(tempDir.resolve("broker-" + id + "-tmpfs"));
                    run("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_SIZE, "tmpfs", mount.toString());
                    mounts.add(mount);
                }
            }
            TestCluster cluster = TestCluster.start(n, overrides, slot -> {
                int zkPort = Integer.parseInt(slot.zooKeeperConnect().substring(
                    slot.zooKeeperConnect().lastIndexOf(':') + 1));
                TcpProxy zkProxy = TcpProxy.start("zk-" + slot.id(), zkPort);
                TcpProxy listener = TcpProxy.start("broker-" + slot.id(), slot.port());
                zk.put(slot.id(), zkProxy);
                listeners.put(slot.id(), listener);
                Map<String, String> own = new LinkedHashMap<>();
                own.put("zookeeper.connect", zkProxy.address());
                own.put("advertised.listeners", "PLAINTEXT://" + listener.address());
                if (tmpfsLogDirs) {
                    own.put("log.dirs", mounts.get(slot.id()).resolve("data").toString());
                }
                return own;
            });
            return new FaultCluster(cluster, n, zk, listeners, mounts);
        } catch (IOException | RuntimeException e) {
            zk.values().forEach(TcpProxy::close);
            listeners.values().forEach(TcpProxy::close);
            mounts.forEach(FaultCluster::unmount);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    TestCluster cluster() {
        return cluster;
    }

    int size() {
        return size;
    }

    BrokerProcess broker(int id) {
        return cluster.broker(id);
    }

    /** The proxy other brokers reach broker {@code id} through (today also the clients' path: one listener). */
    TcpProxy peerProxy(int id) {
        return listenerProxies.get(id);
    }

    TcpProxy zooKeeperProxy(int id) {
        return zkProxies.get(id);
    }

    /** Injects the cycle's fault. */
    void inject(Cycle c) {
        BrokerProcess b = broker(c.victim());
        switch (c.nemesis()) {
            case KILL -> b.kill9();
            case PAUSE_SHORT, PAUSE_LONG -> b.pause();
            case ZK_CUT -> zooKeeperProxy(c.victim()).cut();
            case PARTITION -> peerProxy(c.victim()).cut();
            case DISK_FULL -> fillDisk(c.victim());
        }
    }

    /** Heals the cycle's fault (restarts a killed broker). */
    void heal(Cycle c) {
        BrokerProcess b = broker(c.victim());
        switch (c.nemesis()) {
            case KILL -> b.restart();
            case PAUSE_SHORT, PAUSE_LONG -> b.resume();
            case ZK_CUT -> zooKeeperProxy(c.victim()).heal();
            case PARTITION -> peerProxy(c.victim()).heal();
            case DISK_FULL -> freeDisk(c.victim());
        }
    }

    /**
     * Heals everything that could still be broken: resumes, heals every proxy, frees every disk, restarts every
     * broker whose process is gone. Returns the ids of the brokers that had to be restarted.
     */
    List<Integer> healAll() {
        List<Integer> restarted = new ArrayList<>();
        for (int id = 0; id < size; id++) {
            BrokerProcess b = broker(id);
            if (b.isAlive()) {
                b.resume();
            }
            zooKeeperProxy(id).heal();
            peerProxy(id).heal();
            if (!mounts.isEmpty()) {
                freeDisk(id);
            }
        }
        for (int id = 0; id < size; id++) {
            if (!broker(id).isAlive()) {
                restarted.add(id);
                broker(id).restart();
            }
        }
        return restarted;
    }

    private Path filler(int id) {
        if (mounts.isEmpty()) {
            throw new IllegalStateException("disk-full faults need tmpfs log dirs (start with tmpfsLogDirs)");
        }
        return mounts.get(id).resolve("filler");
    }

    /** Writes a filler file until the broker's tmpfs has no byte left. */
    private void fillDisk(int id) {
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(filler(id))) {
            for (int size = chunk.length; size >= 512; ) {
                try {
                    out.write(chunk, 0, size);
                    out.flush();
                } catch (IOException full) {
                    size /= 2;
                }
            }
        } catch (IOException full) {
            // closing a file on a full disk may fail too; the space is taken either way
        }
    }

    private void freeDisk(int id) {
        try {
            Files.deleteIfExists(filler(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when this process may mount a tmpfs (it runs as root). */
    static boolean canMountTmpfs() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } finally {
            zkProxies.values().forEach(TcpProxy::close);
            listenerProxies.values().forEach(TcpProxy::close);
            mounts.forEach(FaultCluster::unmount);
        }
    }

    private static void unmount(Path mount) {
        try {
            run("umount", mount.toString());
        } catch (RuntimeException busy) {
            run("umount", "-l", mount.toString());
        }
    }

    private static void run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("failed: " + String.join(" ", cmd) + ": " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
