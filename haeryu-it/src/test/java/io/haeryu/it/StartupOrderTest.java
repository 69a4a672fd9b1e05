package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.haeryu.cluster.EmbeddedZooKeeper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's start-up order: a broker binds its listeners early but serves no request until it is registered and its
 * own metadata lists it, so the first Metadata answer a client gets — however early it connects — names this broker
 * at its real endpoint, never an empty or stale broker list.
 */
@Timeout(180)
class StartupOrderTest {

    private static final short METADATA_VERSION = 12;

    @Test
    void firstMetadataAnswerListsTheBrokerItselfAlsoWhileAnOldRegistrationOfItsIdLives(@TempDir Path zkDir)
            throws Exception {
        Assumptions.assumeFalse(BrokerProcess.isKafkaImpl(), "a ZooKeeper-mode Haeryu broker");
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(Files.createDirectories(zkDir), "127.0.0.1", 0)) {
            Map<String, String> overrides = new LinkedHashMap<>(Map.of("broker.id", "0",
                    "zookeeper.connect", zk.connectString(), "zookeeper.session.timeout.ms", "6000"));
            try (BrokerProcess old = BrokerProcess.prepare(overrides)) {
                // A fresh broker: nothing registered yet when its port starts accepting.
                CompletableFuture<Void> starting = CompletableFuture.runAsync(old::restart);
                try (RawConnection connection = connectOnceAccepting(old)) {
                    assertListsOnly(old, receiveMetadata(connection, sendMetadata(connection)));
                }
                starting.join();

                // The same id started again on another port (as with port 0, or a replaced machine) while the old
                // process still holds the registration: the new one waits that out (the longer session timeout
                // lets it wait for the old session to expire) and must not answer from the old registration.
                overrides.put("zookeeper.session.timeout.ms", "20000");
                try (BrokerProcess restarted = BrokerProcess.prepare(overrides)) {
                    assertThat(restarted.port()).isNotEqualTo(old.port());
                    starting = CompletableFuture.runAsync(restarted::restart);
                    try (RawConnection connection = connectOnceAccepting(restarted)) {
                        RequestHeader request = sendMetadata(connection);
                        old.kill9(); // its registration expires with its session, 6 s from now
                        assertListsOnly(restarted, receiveMetadata(connection, request));
                    }
                    starting.join();
                }
            }
        }
    }

    /** A connection opened the moment the broker's port accepts one (the broker may still be starting). */
    private static RawConnection connectOnceAccepting(BrokerProcess broker) {
        return await("port " + broker.port() + " accepts").atMost(BrokerProcess.START_TIMEOUT)
                .pollInterval(Duration.ofMillis(10)).ignoreExceptions()
                .until(() -> new RawConnection(broker.bootstrap(), Duration.ofSeconds(60)), Objects::nonNull);
    }

    private static RequestHeader sendMetadata(RawConnection connection) throws Exception {
        MetadataRequest request = new MetadataRequest.Builder(new MetadataRequestData().setTopics(List.of())
                .setAllowAutoTopicCreation(false)).build(METADATA_VERSION);
        RequestHeader header = new RequestHeader(ApiKeys.METADATA, METADATA_VERSION, "startup-order-test",
                connection.nextCorrelationId());
        connection.sendFrame(request.serializeWithHeader(header));
        return header;
    }

    private static MetadataResponse receiveMetadata(RawConnection connection, RequestHeader header) throws Exception {
        return (MetadataResponse) AbstractResponse.parseResponse(connection.receiveFrame(), header);
    }

    private static void assertListsOnly(BrokerProcess broker, MetadataResponse answer) {
        assertThat(answer.data().brokers())
                .as("brokers in the first Metadata answer of %s\n%s", broker, broker.logTail(30))
                .extracting(b -> b.nodeId() + "@" + b.host() + ":" + b.port())
                .containsExactly("0@127.0.0.1:" + broker.port());
    }
}
