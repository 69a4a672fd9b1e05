package io.haeryu.cli;

import io.haeryu.cluster.EmbeddedZooKeeper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code haeryu zookeeper}: one ZooKeeper server in the foreground until Ctrl-C or SIGTERM, for brokers on several
 * machines to share (Kafka ships {@code zookeeper-server-start.sh} for the same step). It is the broker's own
 * {@link EmbeddedZooKeeper}: standalone, or with {@code --id} and {@code --ensemble} one member of an ensemble, the
 * {@code server.N} lines and {@code myid} of ZooKeeper's {@code zoo.cfg} given as options.
 */
@Command(name = "zookeeper", mixinStandardHelpOptions = true,
    description = {"Start a ZooKeeper server for brokers to share: point their zookeeper.connect at HOST:PORT "
        + "(every member's, for an ensemble).",
        "Standalone by default; with --id and --ensemble one member of an ensemble (run one per machine).",
        "bin/haeryu zookeeper -daemon runs it in the background; bin/haeryu stop zookeeper stops it."})
final class ZooKeeperCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "2181",
        description = "Client port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
        description = "Address to listen on (default ${DEFAULT-VALUE}: every interface).")
    String host;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data/zookeeper",
        description = "Snapshots and transaction logs (default ${DEFAULT-VALUE}, relative to the current directory).")
    Path dataDir;

    @Option(names = "--id", paramLabel = "N", description = "This server's number in --ensemble (1 for the first).")
    Integer id;

    @Option(names = "--ensemble", paramLabel = "HOST:PEER_PORT:ELECTION_PORT", split = ",",
        description = "Every member of the ensemble, server 1 first, e.g. "
            + "zk1:2888:3888,zk2:2888:3888,zk3:2888:3888 (the same list on every member).")
    List<String> ensemble = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if ((id == null) != ensemble.isEmpty()) {
            System.err.println("--id and --ensemble go together: --ensemble lists every member, --id says which one "
                + "this is.");
            return 2;
        }
        EmbeddedZooKeeper zk;
        try {
            zk = id == null ? EmbeddedZooKeeper.start(dataDir, host, port)
                : EmbeddedZooKeeper.startEnsembleMember(dataDir, host, port, id, ensemble);
        } catch (IllegalArgumentException e) {
            System.err.println("Bad --id or --ensemble: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            System.err.println("ZooKeeper failed to start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            zk.close();
            stopped.countDown();
        }, "haeryu-zookeeper-shutdown"));
        System.out.println("ZooKeeper serving on " + zk.connectString() + " with data in " + dataDir.toAbsolutePath());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
