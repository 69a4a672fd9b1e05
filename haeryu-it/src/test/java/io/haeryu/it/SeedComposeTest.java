package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The seed's docker-compose set-up without Docker: {@code docker/entrypoint.sh} run directly with the broker
 * environment of {@code docker-compose.yml}, which is exactly the seed's (ports made free, addresses 127.0.0.1,
 * {@code KAFKA_LOG_DIRS} in a temp dir), and a ZooKeeper started by
 * {@code bin/haeryu zookeeper}; then Kafka's console producer and console consumer {@code --from-beginning}
 * against {@code localhost:<host port>}, as the seed's user runs them.
 */
@Timeout(240)
class SeedComposeTest {

    private Path work;
    private Process zookeeper;
    private Process broker;

    @AfterEach
    void stopAll() {
        for (Process p : new Process[] {broker, zookeeper}) {
            if (p != null) {
                p.destroy();
                try {
                    if (!p.waitFor(30, TimeUnit.SECONDS)) {
                        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        BrokerProcess.deleteRecursively(work);
    }

    @Test
    void seedBrokerEnvironmentStartsABrokerThatConsoleToolsRoundTripOn() throws Exception {
        Assumptions.assumeFalse(BrokerProcess.isKafkaImpl(), "runs Haeryu's own entrypoint script");
        work = Files.createTempDirectory("haeryu-seed-");
        Path repo = BrokerProcess.repoRoot();

        int zkPort = BrokerProcess.freePort();
        zookeeper = launch(List.of(repo.resolve("bin/haeryu").toString(), "zookeeper", "--host", "127.0.0.1",
                "--port", Integer.toString(zkPort), "--data-dir", work.resolve("zookeeper").toString()),
                Map.of("HAERYU_HEAP_OPTS", "-Xmx128m"), work.resolve("zookeeper.out"));
        // bin/haeryu may first build the project (a clone whose jar is older than its sources): allow for it.
        await().atMost(Duration.ofSeconds(150)).failFast("haeryu zookeeper exited", () -> !zookeeper.isAlive())
                .until(() -> BrokerProcess.acceptsConnections(zkPort));

        int internalPort = BrokerProcess.freePort();
        int hostPort = BrokerProcess.freePort();
        Path logDirs = work.resolve("kafka-data");
        // The compose file's broker environment, on this machine's free ports and 127.0.0.1.
        Map<String, String> env = new java.util.HashMap<>();
        composeBrokerEnvironment().forEach((k, v) -> env.put(k, v
                .replace("zookeeper:2181", "127.0.0.1:" + zkPort)
                .replace("0.0.0.0:29092", "127.0.0.1:" + internalPort)
                .replace("0.0.0.0:9092", "127.0.0.1:" + hostPort)
                .replace("kafka:29092", "kafka:" + internalPort)
                .replace("localhost:9092", "localhost:" + hostPort)));
        env.put("KAFKA_LOG_DIRS", logDirs.toString());
        env.put("HAERYU_HEAP_OPTS", "-Xmx512m");
        env.put("HAERYU_LOG_DIR", work.resolve("logs").toString());
        Path console = work.resolve("broker.out");
        broker = launch(List.of(repo.resolve("docker/entrypoint.sh").toString()), env, console);

        String bootstrap = "localhost:" + hostPort;
        try (Admin admin = Clients.admin(bootstrap)) {
            try {
                await().atMost(BrokerProcess.START_TIMEOUT).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                        .failFast("the entrypoint's broker exited", () -> !broker.isAlive())
                        .until(() -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS),
                                nodes -> !nodes.isEmpty());
            } catch (RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\n--- its output ---\n" + tail(console), e);
            }
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .extracting(Node::id, Node::host, Node::port).containsExactly(tuple(1, "localhost", hostPort));
        }
        try (RawConnection internal = new RawConnection("127.0.0.1:" + internalPort)) {
            MetadataResponse md = internal.call(new MetadataRequest.Builder(List.of(), false),
                    internal.negotiatedVersion(ApiKeys.METADATA, Short.MAX_VALUE));
            assertThat(md.brokers()).extracting(Node::id, Node::host, Node::port)
                    .as("the internal listener advertises the compose service name")
                    .containsExactly(tuple(1, "kafka", internalPort));
        }

        String topic = Clients.uniqueTopic("seed");
        List<String> sent = IntStream.range(0, 50).mapToObj(i -> "line-" + i).toList();
        ToolProcess.Result produced = ToolProcess.run(ToolProcess.javaTool("org.apache.kafka.tools.ConsoleProducer",
                List.of("--bootstrap-server", bootstrap, "--topic", topic)),
                String.join("\n", sent) + "\n", Duration.ofSeconds(90));
        assertThat(produced.exitCode()).as("console producer; stderr:\n%s", produced.stderr()).isZero();

        ToolProcess.Result consumed = ToolProcess.run(ToolProcess.javaTool(
                "org.apache.kafka.tools.consumer.ConsoleConsumer",
                List.of("--bootstrap-server", bootstrap, "--topic", topic, "--from-beginning",
                        "--max-messages", Integer.toString(sent.size()), "--timeout-ms", "60000")),
                null, Duration.ofSeconds(120));
        assertThat(consumed.exitCode()).as("console consumer; stderr:\n%s", consumed.stderr()).isZero();
        assertThat(consumed.lines()).hasSize(sent.size());
        assertThat(new HashSet<>(consumed.lines())).isEqualTo(new HashSet<>(sent));

        try (var dirs = Files.list(logDirs)) {
            assertThat(dirs.map(p -> p.getFileName().toString()))
                    .as("the topic auto-created by the producer lives under KAFKA_LOG_DIRS")
                    .anyMatch(n -> n.startsWith(topic + "-"));
        }
        assertThat(Files.readString(console)).contains("Config inter.broker.listener.name from the environment "
                + "variable KAFKA_INTER_BROKER_LISTENER_NAME");

        broker.destroy(); // SIGTERM, what docker stop sends; the entrypoint exec'd the JVM, so the broker gets it
        assertThat(broker.waitFor(60, TimeUnit.SECONDS)).as("broker stops on SIGTERM").isTrue();
        assertThat(Files.readString(work.resolve("logs/server.log"))).contains("Haeryu broker 1 (version");
    }

    @Test
    void composeFileGivesTheBrokerExactlyTheSeedVariables() throws IOException {
        assertThat(composeBrokerEnvironment()).isEqualTo(SEED_BROKER_ENVIRONMENT);
        assertThat(Files.readString(BrokerProcess.repoRoot().resolve("docker-compose.yml")))
                .contains("image: zookeeper:", "image: haeryu:");
    }

    /** The broker environment of the seed's docker-compose file (issue 14). */
    private static final Map<String, String> SEED_BROKER_ENVIRONMENT = Map.of(
            "KAFKA_BROKER_ID", "1",
            "KAFKA_ZOOKEEPER_CONNECT", "zookeeper:2181",
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT",
            "KAFKA_LISTENERS", "PLAINTEXT://0.0.0.0:29092,PLAINTEXT_HOST://0.0.0.0:9092",
            "KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://kafka:29092,PLAINTEXT_HOST://localhost:9092",
            "KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT",
            "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1",
            "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");

    /** The {@code KAFKA_*} lines of docker-compose.yml (its one broker service), as name to value. */
    private static Map<String, String> composeBrokerEnvironment() throws IOException {
        Pattern variable = Pattern.compile("^\\s+(KAFKA_[A-Z_]+):\\s*(.*?)\\s*$");
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(BrokerProcess.repoRoot().resolve("docker-compose.yml"))) {
            Matcher m = variable.matcher(line);
            if (m.matches()) {
                env.put(m.group(1), m.group(2));
            }
        }
        return env;
    }

    /** Starts a command with this JVM's environment less any KAFKA_* / HAERYU_* variable, plus {@code env}. */
    private Process launch(List<String> cmd, Map<String, String> env, Path output) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("HAERYU_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    private static String tail(Path f) {
        try {
            String s = Files.readString(f);
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return e.toString();
        }
    }
}
