package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * An older Java client line (kafka-clients 3.9.x, copied into target/old-clients by the pom) in its own JVM:
 * produce (gzip, acks=all, idempotent by default), consume in a group with commit, and re-read with assign().
 */
@Timeout(180)
class OldClientCompatTest {

    @RegisterExtension
    static final SharedBroker broker = SharedBroker.forSimpleTests();

    @Test
    void kafkaClients39RoundTrip() throws Exception {
        Path oldClients = Paths.get(System.getProperty("haeryu.it.oldClients", "target/old-clients"));
        List<Path> jars;
        try (Stream<Path> s = Files.exists(oldClients) ? Files.list(oldClients) : Stream.empty()) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).toList();
        }
        assertThat(jars).as("jars in %s (maven-dependency-plugin copy-old-clients)", oldClients)
                .anyMatch(p -> p.getFileName().toString().startsWith("kafka-clients-3.9"));
        Path myClasses = Paths.get(OldClientMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());

        String topic = Clients.uniqueTopic("oldclient");
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            Clients.createTopic(admin, topic, 3);
        }
        String cp = String.join(File.pathSeparator, jars.stream().map(Path::toString).toList()) + File.pathSeparator
                + myClasses;
        ToolProcess.Result r = ToolProcess.run(List.of(BrokerProcess.javaBinary(), "-Xmx256m", "-XX:+UseSerialGC",
                "-cp", cp, OldClientMain.class.getName(), broker.bootstrap(), topic, "200"),
                null, Duration.ofSeconds(150));
        assertThat(r.stdout()).as("stderr:\n%s", r.stderr()).contains("client-version 3.9.");
        assertThat(r.exitCode()).as("old client run:\n%s\nstderr:\n%s", r.stdout(), r.stderr()).isZero();
        assertThat(r.stdout()).contains("OK produced=200 consumed=200 reread=200");

        // and the current client sees exactly what the old one wrote
        List<ConsumerRecord<String, String>> all =
                Clients.readAll(broker.bootstrap(), Clients.partitions(topic, 3), Duration.ofSeconds(30));
        assertThat(all).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, 200).mapToObj(i -> "old-" + i).toList());
    }
}
