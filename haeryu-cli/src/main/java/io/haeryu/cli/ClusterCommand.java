package io.haeryu.cli;

import io.haeryu.cluster.EmbeddedZooKeeper;
import io.haeryu.cluster.ZkMetadataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code haeryu cluster}: a local multi-broker cluster for development and tests. A ZooKeeper runs in this
 * process; each broker is its own process ({@code haeryu server}) on 127.0.0.1, so one can be killed, paused or
 * restarted like a real machine. Ctrl-C or SIGTERM stops the brokers (cleanly, each moving its leaderships away),
 * then the ZooKeeper. Its subcommand {@code info} inspects a running cluster instead (what kafka-broker-api-versions
 * and kafka-cluster tell).
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = {"Start a local cluster: a ZooKeeper and N broker processes on 127.0.0.1.",
        "'haeryu cluster info' inspects a running cluster."},
    subcommands = {ClusterInfoCommand.class})
final class ClusterCommand implements Callable<Integer> {

    private static final long START_TIMEOUT_MS = 60_000;
    private static final long STOP_TIMEOUT_MS = 30_000;

    @Option(names = "--brokers", paramLabel = "N", defaultValue = "3", description = "Number of brokers (default 3).")
    int brokers;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data/cluster",
        description = "Where ZooKeeper and each broker keep their data and logs (default data/cluster).")
    Path dataDir;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
        description = "Port of broker 0; broker i listens on PORT+i (default 9092).")
    int basePort;

    @Option(names = "--zookeeper-port", paramLabel = "PORT", defaultValue = "2181",
        description = "Port of the ZooKeeper (default 2181; 0 picks a free one).")
    int zookeeperPort;

    @Option(names = "--override", paramLabel = "KEY=VALUE", description = "Broker config for every broker (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (brokers < 1) {
            System.err.println("--brokers must be at least 1");
            return 2;
        }
        Path root = dataDir.toAbsolutePath();
        EmbeddedZooKeeper zooKeeper = EmbeddedZooKeeper.start(root.resolve("zookeeper"), "127.0.0.1", zookeeperPort);
        List<Process> processes = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopAll(processes);
            zooKeeper.close();
            stopped.countDown();
        }, "haeryu-cluster-shutdown"));

        StringJoiner bootstrap = new StringJoiner(",");
        for (int id = 0; id < brokers; id++) {
            int port = basePort + id;
            Path brokerDir = Files.createDirectories(root.resolve("broker-" + id));
            Path logFile = brokerDir.resolve("broker.log");
            Process p = new ProcessBuilder(brokerCommand(id, port, brokerDir, zooKeeper.connectString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
            synchronized (processes) {
                processes.add(p);
            }
            Files.writeString(brokerDir.resolve("broker.pid"), "pid=" + p.pid() + "\nlog=" + logFile + "\n"
                + "bootstrap=127.0.0.1:" + port + "\n");
            int brokerId = id;
            p.onExit().thenAccept(exited -> {
                if (stopped.getCount() > 0) {
                    System.err.println("broker " + brokerId + " (pid " + exited.pid() + ") exited with code "
                        + exited.exitValue() + "; see " + logFile);
                }
            });
            bootstrap.add("127.0.0.1:" + port);
        }
        for (int id = 0; id < brokers; id++) {
            if (!awaitRegistration(zooKeeper.connectString(), id, processes.get(id))) {
                System.err.println("broker " + id + " did not start; see " + root.resolve("broker-" + id + "/broker.log"));
                return 1;
            }
        }
        System.out.println("ZooKeeper: " + zooKeeper.connectString());
        System.out.println("Brokers:   " + bootstrap);
        System.out.println("Data:      " + root + " (broker-<id>/broker.log, broker-<id>/broker.pid)");
        System.out.println("Ctrl-C stops the cluster.");
        stopped.await();
        return 0;
    }

    /** {@code haeryu server} in a new JVM with this one's classpath, with the cluster's settings for broker {@code id}. */
    private List<String> brokerCommand(int id, int port, Path brokerDir, String zkConnect) {
        String java = ProcessHandle.current().info().command()
            .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-Xms64m", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:+ExitOnOutOfMemoryError"));
        String home = System.getProperty("haeryu.home");
        if (home != null) {
            cmd.add("-Dhaeryu.home=" + home);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), HaeryuCli.class.getName(), "server"));
        List<String> settings = new ArrayList<>(List.of("broker.id=" + id,
            "listeners=PLAINTEXT://127.0.0.1:" + port,
            "log.dirs=" + brokerDir.resolve("logs"),
            "zookeeper.connect=" + zkConnect,
            // KIP-115: __consumer_offsets needs this many live brokers; a smaller dev cluster still gets groups.
            "offsets.topic.replication.factor=" + Math.min(3, brokers)));
        settings.addAll(overrides);
        for (String s : settings) {
            cmd.add("--override");
            cmd.add(s);
        }
        return cmd;
    }

    /** Ready means registered in ZooKeeper: a port that accepts connections could belong to another program. */
    private static boolean awaitRegistration(String zkConnect, int id, Process process) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        try (ZkMetadataStore store = new ZkMetadataStore(zkConnect, 30_000, 30_000)) {
            store.start();
            while (System.nanoTime() < deadline && process.isAlive()) {
                if (store.image().broker(id).isPresent()) {
                    return true;
                }
                Thread.sleep(100);
            }
        }
        return false;
    }

    /** SIGTERM to every broker at once (each moves its leaderships away first), then kill -9 what is left. */
    private static void stopAll(List<Process> processes) {
        List<Process> all;
        synchronized (processes) {
            all = List.copyOf(processes);
        }
        all.forEach(Process::destroy);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_TIMEOUT_MS);
        for (Process p : all) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
    }
}
