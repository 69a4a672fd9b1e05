package io.haeryu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(Broker.class)
class ClusterAndErrorsTest {
    @Test
    void clusterInfoShowsBrokerAndCounts() throws Exception {
        assertThat(Cli.run("topic", "create", "info-topic", "--partitions", "2").exit()).isZero();
        Cli.Result r = Cli.run("cluster", "info");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("Cluster id: +\\S+").containsPattern("Controller: +\\d+").contains("Under-replicated partitions: 0",
            "Offline partitions:          0");
        assertThat(r.lines()).anyMatch(l -> l.matches("\\d+ +127\\.0\\.0\\.1 +" + Broker.bootstrap().split(":")[1] + " +-"));

        JsonNode json = new ObjectMapper().readTree(Cli.run("cluster", "info", "--output", "json").out());
        assertThat(json.get("brokers")).hasSize(1);
        assertThat(json.get("topics").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(json.get("partitions").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(json.get("offlinePartitions").asInt()).isZero();
    }

    @Test
    void unreachableBrokerExitsFourAndNamesTheAddress() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String address = "127.0.0.1:" + port;
        long t0 = System.nanoTime();
        Cli.Result r = Cli.runRaw(null, "topic", "list", "-b", address);
        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.err()).contains("Cannot reach a broker at " + address, "start one with: bin/haeryu server".substring(1))
            .doesNotContain("\tat ");
        // The CLI's short default timeout, not the clients' minute.
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(20_000);
    }

    @Test
    void securityAndClientSettingMistakesNameTheSetting() {
        Cli.Result sasl = Cli.run("topic", "list", "-X", "security.protocol=SASL_PLAINTEXT");
        assertThat(sasl.exit()).isEqualTo(2);
        assertThat(sasl.err()).contains("security.protocol=SASL_PLAINTEXT needs SASL credentials",
            "-X sasl.mechanism=", "sasl.jaas.config=");

        Cli.Result bad = Cli.run("topic", "list", "-X", "request.timeout.ms=soon");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("Invalid client setting", "request.timeout.ms");
        Cli.Result badTimeout = Cli.run("topic", "list", "-X", "default.api.timeout.ms=soon");
        assertThat(badTimeout.exit()).isEqualTo(2);
        assertThat(badTimeout.err()).contains("Invalid client setting", "default.api.timeout.ms");
    }

    @Test
    void tlsAgainstAPlaintextListenerSaysWhichProtocolWasUsed() {
        // A lowered API timeout also lowers the request timeout (the clients insist on request <= API timeout).
        Cli.Result r = Cli.run("topic", "list", "-X", "security.protocol=SSL", "-X", "default.api.timeout.ms=1500");
        assertThat(r.exit()).as(r.err()).isEqualTo(4);
        assertThat(r.err()).contains("no answer within 1500 ms",
            "You connect with security.protocol=SSL: check that the listener at " + Broker.bootstrap() + " expects it.");
    }

    @Test
    void profileSuppliesTheBootstrapAndMissingProfileIsAUsageError(@TempDir Path dir) throws Exception {
        Path profile = dir.resolve("p.properties");
        Files.writeString(profile, "bootstrap.servers=" + Broker.bootstrap() + "\nclient.id=from-profile\n");
        Cli.Result r = Cli.runRaw(null, "cluster", "info", "--profile", profile.toString());
        assertThat(r.exit()).as(r.err()).isZero();

        Cli.Result missing = Cli.runRaw(null, "cluster", "info", "--profile", dir.resolve("nope").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("Profile", "does not exist");
    }

    @Test
    void completionScriptCoversTheSubcommands() {
        Cli.Result r = Cli.runRaw(null, "completion");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("complete -F", "haeryu", "reset-offsets", "--from-beginning", "--bootstrap-server");
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        assertThat(Cli.runRaw(null, "topic", "frobnicate").exit()).isEqualTo(2);
    }
}
