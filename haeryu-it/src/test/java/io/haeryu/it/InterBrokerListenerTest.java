package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three brokers with an INTERNAL listener for replication ({@code inter.broker.listener.name=INTERNAL}) and a
 * CLIENT listener advertised under a host name that only the client resolves ({@code clients.haeryu.test}: the
 * {@code .test} domain never resolves, except in the client JVM's own hosts file). CLIENT is also the first PLAINTEXT
 * endpoint, i.e. the registration's legacy host/port. So an RF=3, acks=all, min.insync.replicas=2 topic takes writes,
 * keeps every replica in sync and serves every record from a follower after its leader stops only if followers
 * fetch over the INTERNAL endpoint.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class InterBrokerListenerTest {

    private static final String CLIENT_HOST = "clients.haeryu.test";
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 300;

    @TempDir
    Path dir;

    private TestCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void followersReplicateOverTheInterBrokerListener() throws Exception {
        Assumptions.assumeFalse(BrokerProcess.isKafkaImpl(), "a ZooKeeper-mode cluster of Haeryu brokers");
        assertThatThrownBy(() -> InetAddress.getByName(CLIENT_HOST))
            .as("the proof needs brokers to be unable to resolve " + CLIENT_HOST).isInstanceOf(UnknownHostException.class);
        cluster = TestCluster.start(3, Map.of(
            "listeners", "INTERNAL://127.0.0.1:{port},CLIENT://127.0.0.1:{port:client}",
            "listener.security.protocol.map", "INTERNAL:PLAINTEXT,CLIENT:PLAINTEXT",
            "advertised.listeners", "CLIENT://" + CLIENT_HOST + ":{port:client},INTERNAL://127.0.0.1:{port}",
            "inter.broker.listener.name", "INTERNAL",
            "zookeeper.session.timeout.ms", "6000",
            "replica.lag.time.max.ms", "4000",
            "offsets.topic.replication.factor", "3"));
        String topic = Clients.uniqueTopic("interbroker");
        try (Admin admin = cluster.admin()) { // the admin works on the internal network
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 3)
                .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
        }
        String clientBootstrap = IntStream.range(0, 3).mapToObj(id -> "127.0.0.1:" + cluster.broker(id).port("client"))
            .collect(Collectors.joining(","));
        try (RawConnection c = new RawConnection("127.0.0.1:" + cluster.broker(1).port("client"))) {
            MetadataResponse md = c.call(new MetadataRequest.Builder(List.of(topic), false),
                c.negotiatedVersion(ApiKeys.METADATA, Short.MAX_VALUE));
            assertThat(md.brokers()).extracting(Node::host).containsOnly(CLIENT_HOST);
            assertThat(md.brokers()).extracting(Node::port).containsExactlyInAnyOrder(
                cluster.broker(0).port("client"), cluster.broker(1).port("client"), cluster.broker(2).port("client"));
        }

        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 " + CLIENT_HOST + "\n");
        ToolProcess.Result produced = client(hosts, "produce", clientBootstrap, topic, RECORDS);
        assertThat(produced.stdout()).as("producer output: %s", produced.stderr()).contains("OK produced " + RECORDS);

        try (Admin admin = cluster.admin()) {
            for (int p = 0; p < PARTITIONS; p++) {
                TopicPartitionInfo info = TestCluster.awaitPartition(admin, topic, p, Duration.ofSeconds(30),
                    "have all three replicas in sync", i -> i.isr().size() == 3);
                assertThat(info.isr()).hasSize(3);
            }
            int leader0 = TestCluster.leaderId(TestCluster.describe(admin, topic, 0));
            cluster.broker(leader0).stop();
            TestCluster.awaitPartition(admin, topic, 0, Duration.ofSeconds(30), "get a new leader",
                i -> TestCluster.leaderId(i) >= 0 && TestCluster.leaderId(i) != leader0);
        }
        ToolProcess.Result consumed = client(hosts, "consume", clientBootstrap, topic, PARTITIONS);
        List<String> values = consumed.lines().stream().filter(l -> l.startsWith("record "))
            .map(l -> l.substring("record ".length())).toList();
        assertThat(values).containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, RECORDS).mapToObj(i -> "v" + i).toList());
    }

    /** Runs {@link ListenerClientMain} in a JVM that resolves {@value #CLIENT_HOST} through {@code hosts} only. */
    private static ToolProcess.Result client(Path hosts, String mode, String bootstrap, String topic, int n)
            throws IOException {
        List<String> cmd = new ArrayList<>(ToolProcess.javaTool(ListenerClientMain.class.getName(),
            List.of(mode, bootstrap, topic, Integer.toString(n))));
        cmd.add(1, "-Djdk.net.hosts.file=" + hosts);
        ToolProcess.Result r = ToolProcess.run(cmd, null, Duration.ofSeconds(90));
        assertThat(r.exitCode()).as("%s client: %s\n%s", mode, r.stdout(), r.stderr()).isZero();
        return r;
    }
}
