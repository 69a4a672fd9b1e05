package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One broker with the seed docker-compose's listener layout on free ports: an internal PLAINTEXT listener
 * advertised as {@code kafka:<p1>} and a PLAINTEXT_HOST listener advertised as {@code localhost:<p2>}. Clients on
 * the host listener round-trip; every answer that names brokers (Metadata, DescribeCluster, FindCoordinator) gives
 * the endpoint of the listener the request came on.
 */
@Timeout(120)
class NamedListenersTest {

    private static BrokerProcess broker;
    private static int internalPort;
    private static int hostPort;

    @BeforeAll
    static void start() {
        Assumptions.assumeFalse(BrokerProcess.isKafkaImpl(),
            "the harness runs Kafka in KRaft mode with its own listeners; this layout is a ZooKeeper-mode broker's");
        broker = BrokerProcess.start(Map.of(
            "listeners", "PLAINTEXT://127.0.0.1:{port:internal},PLAINTEXT_HOST://127.0.0.1:{port}",
            "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT",
            "advertised.listeners", "PLAINTEXT://kafka:{port:internal},PLAINTEXT_HOST://localhost:{port}",
            "inter.broker.listener.name", "PLAINTEXT",
            "offsets.topic.replication.factor", "1",
            "offsets.topic.num.partitions", "3",
            "group.initial.rebalance.delay.ms", "0"));
        internalPort = broker.port("internal");
        hostPort = broker.port();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static String host() {
        return "127.0.0.1:" + hostPort;
    }

    private static String internal() {
        return "127.0.0.1:" + internalPort;
    }

    @Test
    void clientOnTheHostListenerProducesAndConsumesInAGroup() throws Exception {
        String topic = Clients.uniqueTopic("listeners");
        try (Admin admin = Clients.admin(host())) {
            Clients.createTopic(admin, topic, 3);
        }
        List<String> sent = IntStream.range(0, 200).mapToObj(i -> "v" + i).toList();
        try (KafkaProducer<String, String> producer = Clients.producer(host(), Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            for (String v : sent) {
                producer.send(new ProducerRecord<>(topic, "k" + v, v));
            }
            producer.flush();
        }
        // A group consumer also needs FindCoordinator to name a reachable coordinator.
        List<String> got = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = Clients.consumer(host(),
                Map.of(ConsumerConfig.GROUP_ID_CONFIG, Clients.uniqueTopic("g")))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (got.size() < sent.size() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach((ConsumerRecord<String, String> r) -> got.add(r.value()));
            }
            consumer.commitSync();
        }
        assertThat(got).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void adminOnTheHostListenerSeesTheHostEndpoint() throws Exception {
        try (Admin admin = Clients.admin(host())) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                .extracting(Node::host, Node::port).containsExactly(tuple("localhost", hostPort));
        }
    }

    @Test
    void everyBrokerListingAnswersWithTheEndpointOfTheListenerItCameOn() throws Exception {
        String topic = Clients.uniqueTopic("listeners-meta");
        try (Admin admin = Clients.admin(host())) {
            Clients.createTopic(admin, topic, 1);
        }
        assertAdvertised(host(), topic, "localhost", hostPort);
        assertAdvertised(internal(), topic, "kafka", internalPort);
    }

    private static void assertAdvertised(String bootstrap, String topic, String host, int port) throws Exception {
        try (RawConnection c = new RawConnection(bootstrap)) {
            short mv = c.negotiatedVersion(ApiKeys.METADATA, Short.MAX_VALUE);
            MetadataResponse md = c.call(new MetadataRequest.Builder(List.of(topic), false), mv);
            assertThat(md.brokers()).extracting(Node::host, Node::port)
                .as("Metadata v%d on %s", mv, bootstrap).containsExactly(tuple(host, port));
            assertThat(md.topicMetadata()).singleElement().satisfies(t -> {
                assertThat(t.error()).isEqualTo(Errors.NONE);
                assertThat(t.partitionMetadata()).singleElement()
                    .satisfies(p -> assertThat(p.leaderId).contains(0));
            });

            short dv = c.negotiatedVersion(ApiKeys.DESCRIBE_CLUSTER, Short.MAX_VALUE);
            DescribeClusterResponse dc = c.call(new DescribeClusterRequest.Builder(new DescribeClusterRequestData()), dv);
            assertThat(dc.nodes().values()).extracting(Node::host, Node::port)
                .as("DescribeCluster on %s", bootstrap).containsExactly(tuple(host, port));

            short fv = c.negotiatedVersion(ApiKeys.FIND_COORDINATOR, Short.MAX_VALUE);
            FindCoordinatorRequestData find = new FindCoordinatorRequestData()
                .setKeyType(FindCoordinatorRequest.CoordinatorType.GROUP.id()).setCoordinatorKeys(List.of("listeners-g"));
            // __consumer_offsets is created on the first lookup, so the first answers may be "not available".
            FindCoordinatorResponseData.Coordinator coordinator = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> c.<FindCoordinatorResponse>call(new FindCoordinatorRequest.Builder(find), fv)
                    .data().coordinators().get(0), co -> co.errorCode() == Errors.NONE.code());
            assertThat(coordinator.host()).as("FindCoordinator on %s", bootstrap).isEqualTo(host);
            assertThat(coordinator.port()).isEqualTo(port);
        }
    }

    @Test
    void kcatSeesTheEndpointOfTheListenerItConnectedTo() {
        String kcat = KcatTest.findOnPath("kcat");
        if (kcat == null) {
            kcat = KcatTest.findOnPath("kafkacat");
        }
        if (kcat == null) {
            assertThat(System.getenv("CI")).as("kcat is not on PATH; CI must install it").isNotEqualToIgnoringCase("true");
            Assumptions.abort("kcat is not on PATH: skipping (install it with apt-get install kcat)");
        }
        ToolProcess.Result onHost = ToolProcess.run(List.of(kcat, "-b", host(), "-L"), null, Duration.ofSeconds(30));
        assertThat(onHost.exitCode()).as("kcat -L stderr: %s", onHost.stderr()).isZero();
        assertThat(onHost.stdout()).contains("broker 0 at localhost:" + hostPort).doesNotContain("kafka:");
        ToolProcess.Result onInternal = ToolProcess.run(List.of(kcat, "-b", internal(), "-L"), null,
            Duration.ofSeconds(30));
        assertThat(onInternal.exitCode()).as("kcat -L stderr: %s", onInternal.stderr()).isZero();
        assertThat(onInternal.stdout()).contains("broker 0 at kafka:" + internalPort).doesNotContain("localhost:");
    }
}
