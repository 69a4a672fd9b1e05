package io.haeryu.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.KafkaException;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ZooKeeper server inside a Haeryu JVM: standalone for the broker's development mode, tests and
 * {@code haeryu zookeeper}; or one member of an ensemble ({@link #startEnsembleMember}), configured as ZooKeeper's
 * {@code zoo.cfg} would be ({@code server.N=host:peerPort:electionPort} lines and a {@code myid} file in the data dir).
 */
public final class EmbeddedZooKeeper implements AutoCloseable {

    public static final String DEFAULT_HOST = "127.0.0.1";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedZooKeeper.class);
    private static final long STARTUP_TIMEOUT_MS = 30_000;
    /** Short ticks allow sessions from 2 s (2 ticks) to 20 s (20 ticks). */
    private static final int TICK_TIME_MS = 1_000;

    private final ZooKeeperServerEmbedded server;
    /** The embedded server writes a generated config file on every boot; it goes here, not into dataDir. */
    private final Path configDir;
    private final String connectString;

    private EmbeddedZooKeeper(ZooKeeperServerEmbedded server, Path configDir, String connectString) {
        this.server = server;
        this.configDir = configDir;
        this.connectString = connectString;
    }

    /** Starts a server on {@value #DEFAULT_HOST}; port 0 picks a free port. */
    public static EmbeddedZooKeeper start(Path dataDir, int port) {
        return start(dataDir, DEFAULT_HOST, port);
    }

    /**
     * @param dataDir snapshots and transaction logs; a server started again on the same directory has the same data
     * @param port    0 picks a free port
     */
    public static EmbeddedZooKeeper start(Path dataDir, String host, int port) {
        return start(dataDir, host, port, new Properties());
    }

    /**
     * Starts server {@code myId} of the ensemble {@code servers}, whose i-th entry ({@code host:peerPort:electionPort})
     * is server i+1. It serves clients once a majority of the ensemble is up and has elected a leader.
     */
    public static EmbeddedZooKeeper startEnsembleMember(Path dataDir, String host, int port, int myId,
                                                        List<String> servers) {
        if (myId < 1 || myId > servers.size()) {
            throw new IllegalArgumentException("server id " + myId + " is not in 1.." + servers.size());
        }
        Properties quorum = new Properties();
        for (int i = 0; i < servers.size(); i++) {
            quorum.setProperty("server." + (i + 1), servers.get(i));
        }
        quorum.setProperty("initLimit", "10");
        quorum.setProperty("syncLimit", "5");
        try {
            Files.createDirectories(dataDir);
            Files.writeString(dataDir.resolve("myid"), myId + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + dataDir.resolve("myid"), e);
        }
        return start(dataDir, host, port, quorum);
    }

    private static EmbeddedZooKeeper start(Path dataDir, String host, int port, Properties extra) {
        Properties config = new Properties();
        config.putAll(extra);
        config.setProperty("dataDir", dataDir.toAbsolutePath().toString());
        config.setProperty("clientPort", Integer.toString(port));
        config.setProperty("clientPortAddress", host);
        config.setProperty("tickTime", Integer.toString(TICK_TIME_MS));
        config.setProperty("admin.enableServer", "false");
        Path configDir = null;
        ZooKeeperServerEmbedded server = null;
        try {
            if (port != 0) {
                ensurePortFree(host, port);
            }
            Files.createDirectories(dataDir);
            configDir = Files.createTempDirectory("haeryu-zk-config");
            server = ZooKeeperServerEmbedded.builder()
                    .baseDir(configDir)
                    .configuration(config)
                    .exitHandler(ExitHandler.LOG_ONLY)
                    .build();
            server.start(STARTUP_TIMEOUT_MS);
            String connectString = host + ":" + server.getClientPort();
            log.info("Embedded ZooKeeper serving at {} with data in {}", connectString, dataDir);
            return new EmbeddedZooKeeper(server, configDir, connectString);
        } catch (Exception e) {
            if (server != null) {
                server.close();
            }
            deleteRecursively(configDir);
            throw new KafkaException("Could not start embedded ZooKeeper on " + host + ":" + port
                    + " with data in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** "host:port" for ZooKeeper clients. */
    public String connectString() {
        return connectString;
    }

    @Override
    public void close() {
        server.close();
        deleteRecursively(configDir);
        log.info("Embedded ZooKeeper at {} stopped", connectString);
    }

    /** The embedded server only reports a failed bind by timing out at startup; probing first fails fast. */
    private static void ensurePortFree(String host, int port) throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw new BindException("Address already in use: " + host + ":" + port);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + dir, e);
        }
    }
}
