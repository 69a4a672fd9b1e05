package io.haeryu.bench.startup;

import io.haeryu.cluster.EmbeddedZooKeeper;
import io.haeryu.config.BrokerConfig;
import io.haeryu.server.HaeryuServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The start-up trial on Haeryu: an in-process ZooKeeper and {@code BROKERS} in-process brokers on 127.0.0.1, port
 * 0, data in a temporary directory removed at close.
 *
 * <p>Usage: {@code HaeryuStartupTrial BROKERS}; run on a classpath with Haeryu and not Kafka's server.
 */
public final class HaeryuStartupTrial {

    private HaeryuStartupTrial() {
    }

    public static void main(String[] args) throws Exception {
        long entered = System.nanoTime();
        StartupTrial.run("haeryu", entered, args, InProcessCluster::start);
    }

    /** ZooKeeper and the brokers, stopped in reverse order of start. */
    private static final class InProcessCluster implements StartupTrial.Cluster {
        private final Path dir;
        private final List<AutoCloseable> started = new ArrayList<>();
        private final List<HaeryuServer> brokers = new ArrayList<>();

        private InProcessCluster(Path dir) {
            this.dir = dir;
        }

        static InProcessCluster start(int brokerCount) throws Exception {
            InProcessCluster cluster = new InProcessCluster(Files.createTempDirectory("haeryu-startup-bench"));
            try {
                EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(cluster.dir.resolve("zookeeper"), 0);
                cluster.started.add(zk);
                for (int id = 0; id < brokerCount; id++) {
                    HaeryuServer broker = new HaeryuServer(new BrokerConfig(Map.of("broker.id", Integer.toString(id),
                        "zookeeper.connect", zk.connectString(), "listeners", "PLAINTEXT://127.0.0.1:0",
                        "log.dirs", cluster.dir.resolve("broker-" + id).toString())));
                    broker.start();
                    cluster.started.add(broker);
                    cluster.brokers.add(broker);
                }
                return cluster;
            } catch (Exception | Error e) {
                cluster.close();
                throw e;
            }
        }

        @Override
        public String bootstrapServers() {
            return brokers.stream().map(b -> "127.0.0.1:" + b.boundPort("PLAINTEXT")).collect(Collectors.joining(","));
        }

        @Override
        public void close() throws Exception {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).close();
            }
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
