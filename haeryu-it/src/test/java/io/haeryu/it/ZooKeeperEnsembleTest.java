package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 3-node ZooKeeper ensemble made of {@code haeryu zookeeper --id N --ensemble ...} processes, the README's
 * "Run a real cluster" set-up on one machine: a broker on all three keeps working when one member stops.
 */
@Timeout(180)
class ZooKeeperEnsembleTest {

    private Path work;
    private final List<Process> members = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : members) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        BrokerProcess.deleteRecursively(work);
    }

    @Test
    void brokerOnAThreeMemberEnsembleSurvivesOneMemberStopping() throws Exception {
        Assumptions.assumeFalse(BrokerProcess.isKafkaImpl(), "runs Haeryu's zookeeper command");
        work = Files.createTempDirectory("haeryu-zk-ensemble-");
        List<Integer> clientPorts = new ArrayList<>();
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clientPorts.add(BrokerProcess.freePort());
            servers.add("127.0.0.1:" + BrokerProcess.freePort() + ":" + BrokerProcess.freePort());
        }
        for (int i = 0; i < 3; i++) {
            List<String> cmd = ToolProcess.javaTool("io.haeryu.cli.HaeryuCli", List.of("zookeeper",
                    "--host", "127.0.0.1", "--port", Integer.toString(clientPorts.get(i)),
                    "--data-dir", work.resolve("zk" + (i + 1)).toString(),
                    "--id", Integer.toString(i + 1), "--ensemble", String.join(",", servers)));
            members.add(new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(work.resolve("zk" + (i + 1) + ".out").toFile()).start());
        }
        await().atMost(BrokerProcess.START_TIMEOUT)
                .failFast("a member exited", () -> members.stream().anyMatch(p -> !p.isAlive()))
                .until(() -> clientPorts.stream().allMatch(BrokerProcess::acceptsConnections));
        assertThat(Files.readString(work.resolve("zk1/myid")).trim()).isEqualTo("1");
        // ZooKeeper's "srvr" command (allowed by default) tells each server's role: one leader, two followers.
        await().atMost(BrokerProcess.START_TIMEOUT).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> clientPorts.stream().map(ZooKeeperEnsembleTest::mode).sorted().toList(),
                        modes -> modes.equals(List.of("follower", "follower", "leader")));

        String connect = clientPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        try (BrokerProcess broker = BrokerProcess.start(Map.of("zookeeper.connect", connect,
                "zookeeper.session.timeout.ms", "10000"));
             Admin admin = Clients.admin(broker.bootstrap())) {
            Clients.createTopic(admin, Clients.uniqueTopic("ensemble-before"), 1);

            Process first = members.get(0);
            first.destroy();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

            String after = Clients.uniqueTopic("ensemble-after");
            // Topic creation writes to ZooKeeper: it needs a quorum, which two of three still are. The broker's
            // session may first move to another member, so the first attempt can fail; a retry after an attempt
            // that did create the topic meets TOPIC_ALREADY_EXISTS.
            await().atMost(BrokerProcess.START_TIMEOUT).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> {
                        try {
                            Clients.createTopic(admin, after, 1);
                        } catch (ExecutionException e) {
                            if (!(e.getCause() instanceof TopicExistsException)) {
                                throw e;
                            }
                        }
                        return true;
                    });
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(after);
        }
    }

    /** The "Mode:" line of ZooKeeper's {@code srvr} four-letter command: standalone, leader or follower. */
    private static String mode(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return answer.lines().filter(l -> l.startsWith("Mode: ")).map(l -> l.substring(6).trim())
                    .findFirst().orElse("(no mode in: " + answer + ")");
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }
}
