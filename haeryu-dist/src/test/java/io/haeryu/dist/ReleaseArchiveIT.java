package io.haeryu.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The release archive as a user gets it: unpacked in a temp dir and run from another directory, on a machine with
 * only a JRE (a PATH with no {@code mvn}, a HOME with no {@code ~/.m2}). Brokers and ZooKeeper run as separate
 * processes on 127.0.0.1 and free ports; a Kafka producer and consumer in this JVM talk to them.
 */
@Timeout(240)
class ReleaseArchiveIT {

    private static final String VERSION = System.getProperty("haeryu.dist.version");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private static Path work;
    private static Path home;
    private static Path userDir;
    private static final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("haeryu.dist.archive"));
        assertThat(archive).as("built by mvn package").isRegularFile();
        work = Files.createTempDirectory("haeryu-dist-it-");
        Path unpacked = Files.createDirectories(work.resolve("opt"));
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacked.toString())
                .redirectErrorStream(true).start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes())).isZero();
        home = unpacked.resolve("haeryu-" + VERSION);
        userDir = Files.createDirectories(work.resolve("somewhere-else"));
    }

    @AfterAll
    static void cleanUp() throws IOException {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        if (work != null) {
            for (Path pidFile : List.of(home.resolve("logs/haeryu-server.pid"), home.resolve("logs/haeryu-zookeeper.pid"))) {
                if (Files.exists(pidFile)) {
                    ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void archiveHasTheLauncherConfigJarsLicensesAndEntrypoint() throws IOException {
        assertThat(home.resolve("bin/haeryu")).isExecutable();
        assertThat(home.resolve("docker/entrypoint.sh")).isExecutable();
        assertThat(home.resolve("config/server.properties")).isRegularFile();
        assertThat(home.resolve("config/logback.xml")).isRegularFile();
        assertThat(home.resolve("lib/haeryu-cli-" + VERSION + ".jar")).isRegularFile();
        assertThat(home.resolve("lib/haeryu-broker-" + VERSION + ".jar")).isRegularFile();
        assertThat(Files.readString(home.resolve("LICENSE"))).contains("Apache License", "Version 2.0");
        assertThat(home.resolve("NOTICE")).isRegularFile();
        assertThat(home.resolve("README.md")).isRegularFile();
        assertThat(Files.readString(home.resolve("licenses/THIRD-PARTY.txt")))
                .contains("kafka-clients", "zookeeper", "netty", "logback-classic", "picocli");
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            assertThat(jars.map(p -> p.getFileName().toString()))
                    .as("test libraries stay out of lib/")
                    .noneMatch(n -> n.startsWith("junit") || n.startsWith("assertj") || n.startsWith("awaitility"));
        }
    }

    @Test
    void runsWithoutMavenAndPrintsItsVersion() throws Exception {
        assertThat(run(List.of("bash", "-c", "command -v mvn || echo no-mvn"), Map.of()).output())
                .as("the test's PATH must hide Maven").isEqualTo("no-mvn\n");
        Result version = run(List.of(home.resolve("bin/haeryu").toString(), "--version"), Map.of());
        assertThat(version.exit()).as(version.output()).isZero();
        assertThat(version.output()).isEqualTo("haeryu " + VERSION + "\n");
        assertThat(home.resolve("haeryu-cli")).as("no build happened").doesNotExist();
    }

    @Test
    void daemonServesAndStopStopsIt() throws Exception {
        int port = freePort();
        Path data = work.resolve("daemon-data");
        Result start = run(List.of(home.resolve("bin/haeryu").toString(), "server", "-daemon",
                "--override", "listeners=PLAINTEXT://127.0.0.1:" + port, "--override", "log.dirs=" + data),
                Map.of("HAERYU_HEAP_OPTS", "-Xmx256m"));
        assertThat(start.exit()).as(start.output()).isZero();
        assertThat(start.output()).contains("started in the background");
        Path pidFile = home.resolve("logs/haeryu-server.pid");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle broker = ProcessHandle.of(pid).orElseThrow();
        awaitServing("127.0.0.1:" + port, broker, home.resolve("logs/server.out"));

        roundTrip("127.0.0.1:" + port, "daemon-topic");

        Result again = run(List.of(home.resolve("bin/haeryu").toString(), "server", "--daemon",
                "--override", "listeners=PLAINTEXT://127.0.0.1:" + freePort()), Map.of());
        assertThat(again.exit()).as("a second daemon is refused: " + again.output()).isEqualTo(1);
        assertThat(again.output()).contains("already running", Long.toString(pid));

        Result stop = run(List.of(home.resolve("bin/haeryu").toString(), "stop"), Map.of());
        assertThat(stop.exit()).as(stop.output()).isZero();
        assertThat(stop.output()).contains("pid " + pid + ") stopped");
        assertThat(broker.isAlive()).isFalse();
        assertThat(pidFile).doesNotExist();
        assertThat(Files.readString(home.resolve("logs/server.log")))
                .contains("Haeryu broker 0 (version " + VERSION + ") started", "127.0.0.1:" + port);

        Result stopAgain = run(List.of(home.resolve("bin/haeryu").toString(), "stop"), Map.of());
        assertThat(stopAgain.exit()).isEqualTo(1);
        assertThat(stopAgain.output()).contains("no server started with -daemon is running");
    }

    /** docker/entrypoint.sh outside a container, configured only by KAFKA_* variables, on an external ZooKeeper. */
    @Test
    void entrypointTakesKafkaVariablesAndUsesZooKeeperFromHaeryuZookeeper() throws Exception {
        Path logDir = work.resolve("entrypoint-logs");
        int zkPort = freePort();
        Result zk = run(List.of(home.resolve("bin/haeryu").toString(), "zookeeper", "-daemon", "--host", "127.0.0.1",
                "--port", Integer.toString(zkPort), "--data-dir", work.resolve("zk").toString()),
                Map.of("HAERYU_LOG_DIR", logDir.toString(), "HAERYU_HEAP_OPTS", "-Xmx128m"));
        assertThat(zk.exit()).as(zk.output()).isZero();
        long zkPid = Long.parseLong(Files.readString(logDir.resolve("haeryu-zookeeper.pid")).trim());
        await().atMost(START_TIMEOUT).until(() -> accepts(zkPort));

        int port = freePort();
        Path data = work.resolve("entrypoint-data");
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BROKER_ID", "1");
        env.put("KAFKA_ZOOKEEPER_CONNECT", "127.0.0.1:" + zkPort);
        env.put("KAFKA_LISTENERS", "PLAINTEXT://127.0.0.1:" + port);
        env.put("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://localhost:" + port);
        env.put("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1");
        env.put("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        env.put("KAFKA_LOG_DIRS", data.toString());
        env.put("KAFKA_HEAP_OPTS", "-Xmx64m"); // a JVM setting of Kafka's scripts, not a broker config
        env.put("HAERYU_NUM_PARTITIONS", "2"); // wins over server.properties' num.partitions=3
        env.put("HAERYU_HEAP_OPTS", "-Xmx256m");
        env.put("HAERYU_LOG_DIR", logDir.toString());
        Path console = work.resolve("entrypoint.out");
        Process entrypoint = start(List.of(home.resolve("docker/entrypoint.sh").toString()), env, console);
        awaitServing("localhost:" + port, entrypoint.toHandle(), console);
        assertThat(entrypoint.toHandle().info().command().orElse(""))
                .as("the entrypoint exec's the JVM, so signals reach the broker").endsWith("java");

        try (Admin admin = admin("localhost:" + port)) {
            List<Node> nodes = new ArrayList<>(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS));
            assertThat(nodes).extracting(Node::id, Node::host, Node::port).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(1, "localhost", port));
        }
        roundTrip("localhost:" + port, "entrypoint-topic");
        assertThat(data.resolve("entrypoint-topic-0")).as("partition logs under KAFKA_LOG_DIRS").isDirectory();
        assertThat(data.resolve("entrypoint-topic-1")).isDirectory();
        assertThat(data.resolve("entrypoint-topic-2")).as("HAERYU_NUM_PARTITIONS=2").doesNotExist();
        assertThat(Files.readString(console)).contains("Config broker.id from the environment variable KAFKA_BROKER_ID")
                .doesNotContain("heap.opts");

        entrypoint.destroy(); // SIGTERM, as docker stop sends it
        assertThat(entrypoint.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(entrypoint.exitValue()).as(Files.readString(console)).isIn(0, 143);
        assertThat(logDir.resolve("server.log")).content(StandardCharsets.UTF_8)
                .contains("Haeryu broker 1 (version " + VERSION + ") started");

        Result stopZk = run(List.of(home.resolve("bin/haeryu").toString(), "stop", "zookeeper"),
                Map.of("HAERYU_LOG_DIR", logDir.toString()));
        assertThat(stopZk.exit()).as(stopZk.output()).isZero();
        assertThat(ProcessHandle.of(zkPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void entrypointRefusesAVariableThatIsNoConfigAndNamesIt() throws Exception {
        Result refused = run(List.of(home.resolve("docker/entrypoint.sh").toString()), Map.of(
                "KAFKA_LOG_RETENTION_HOURZ", "1", "KAFKA_LOG_DIRS", work.resolve("refused-data").toString(),
                "HAERYU_LOG_DIR", work.resolve("refused-logs").toString()));
        assertThat(refused.exit()).as(refused.output()).isEqualTo(2);
        assertThat(refused.output()).contains("log.retention.hourz",
                "log.retention.hourz was set by the environment variable KAFKA_LOG_RETENTION_HOURZ");
        assertThat(work.resolve("refused-data")).as("nothing started").doesNotExist();
    }

    // ------------------------------------------------------------------------------------------------

    private static void roundTrip(String bootstrap, String topic) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(topic, java.util.Optional.empty(), java.util.Optional.empty())))
                    .all().get(30, TimeUnit.SECONDS);
        }
        List<String> sent = IntStream.range(0, 20).mapToObj(i -> "value-" + i).toList();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (String v : sent) {
                producer.send(new ProducerRecord<>(topic, "key", v)).get(30, TimeUnit.SECONDS);
            }
        }
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, topic + "-readers");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> got = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    got.add(r.value());
                }
                return got.size() >= sent.size();
            });
        }
        assertThat(got).containsExactlyElementsOf(sent);
    }

    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return Admin.create(p);
    }

    private static void awaitServing(String bootstrap, ProcessHandle process, Path console) {
        try (Admin admin = admin(bootstrap)) {
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                    .failFast("broker process exited", () -> !process.isAlive())
                    .until(() -> !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty());
        } catch (RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n--- its output ---\n" + tail(console), e);
        }
    }

    private static String tail(Path f) {
        try {
            String s = Files.exists(f) ? Files.readString(f) : "(no output)";
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return e.toString();
        }
    }

    private record Result(int exit, String output) {
    }

    /** Runs a short command with the JRE-only environment plus {@code env}; waits for it to end. */
    private static Result run(List<String> cmd, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile(work, "cmd-", ".out");
        Process p = start(cmd, env, out);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s did not finish: %s", cmd, tail(out)).isTrue();
        return new Result(p.exitValue(), Files.readString(out));
    }

    /**
     * Starts {@code cmd} in a directory outside the install with only what a JRE-only machine has: JAVA_HOME,
     * a PATH of basic tools (no Maven) and an empty HOME.
     */
    private static Process start(List<String> cmd, Map<String, String> env, Path output) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(userDir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> e = pb.environment();
        e.clear();
        e.put("PATH", toolsOnlyPath().toString());
        e.put("HOME", Files.createDirectories(work.resolve("empty-home")).toString());
        e.put("JAVA_HOME", System.getProperty("java.home"));
        e.putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** A directory with links to the few tools bin/haeryu uses, and nothing else. */
    private static synchronized Path toolsOnlyPath() throws IOException {
        Path dir = work.resolve("path");
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Files.createDirectories(dir);
        for (String tool : List.of("bash", "env", "dirname", "ls", "grep", "head", "cat", "mkdir", "nohup", "ps",
                "sleep", "rm")) {
            Path found = Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, tool)).filter(Files::isExecutable)
                    .findFirst().orElseThrow(() -> new IllegalStateException("no " + tool + " on this machine"));
            Files.createSymbolicLink(dir.resolve(tool), found);
        }
        return dir;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
