package io.haeryu.cli;

import io.haeryu.cluster.EmbeddedZooKeeper;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code haeryu zookeeper}: one standalone ZooKeeper server in the foreground until Ctrl-C or SIGTERM, for brokers on
 * several machines to share (Kafka ships {@code zookeeper-server-start.sh} for the same first step). It is the
 * broker's own {@link EmbeddedZooKeeper}; an ensemble of several ZooKeeper servers needs the ZooKeeper distribution.
 */
@Command(name = "zookeeper", mixinStandardHelpOptions = true,
    description = {"Start a standalone ZooKeeper server (one node) for brokers to share: point their "
        + "zookeeper.connect at HOST:PORT.",
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

    @Override
    public Integer call() throws Exception {
        EmbeddedZooKeeper zk;
        try {
            zk = EmbeddedZooKeeper.start(dataDir, host, port);
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
