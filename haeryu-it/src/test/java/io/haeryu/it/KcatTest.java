package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** librdkafka's kcat against the broker: metadata, produce from stdin, consume from the beginning. */
@Timeout(120)
class KcatTest {

    private static TestBroker broker;
    private static String kcat;

    @BeforeAll
    static void setUp() {
        kcat = findOnPath("kcat");
        if (kcat == null) {
            kcat = findOnPath("kafkacat");
        }
        if (kcat == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail("kcat is not on PATH; CI must install it (apt-get install kcat)");
            }
            Assumptions.abort("kcat is not on PATH: skipping (install it with apt-get install kcat)");
        }
        broker = TestBroker.forSimpleTests();
    }

    @AfterAll
    static void tearDown() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void metadataProduceAndConsume() throws Exception {
        String topic = Clients.uniqueTopic("kcat");
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            Clients.createTopic(admin, topic, 3);
        }
        ToolProcess.Result meta = ToolProcess.run(List.of(kcat, "-b", broker.bootstrap(), "-L", "-t", topic),
                null, Duration.ofSeconds(30));
        assertThat(meta.exitCode()).as("kcat -L stderr: %s", meta.stderr()).isZero();
        assertThat(meta.stdout()).contains("topic \"" + topic + "\" with 3 partitions")
                .contains("1 brokers:");

        ToolProcess.Result all = ToolProcess.run(List.of(kcat, "-b", broker.bootstrap(), "-L"),
                null, Duration.ofSeconds(30));
        assertThat(all.exitCode()).isZero();
        assertThat(all.stdout()).contains("topic \"" + topic + "\"");

        List<String> lines = IntStream.range(0, 50).mapToObj(i -> "kcat-line-" + i).toList();
        ToolProcess.Result produce = ToolProcess.run(List.of(kcat, "-b", broker.bootstrap(), "-P", "-t", topic,
                "-X", "request.required.acks=-1"), String.join("\n", lines) + "\n", Duration.ofSeconds(60));
        assertThat(produce.exitCode()).as("kcat -P stderr: %s", produce.stderr()).isZero();

        ToolProcess.Result consume = ToolProcess.run(List.of(kcat, "-b", broker.bootstrap(), "-C", "-t", topic,
                "-o", "beginning", "-e", "-f", "%p %o %s\\n"), null, Duration.ofSeconds(60));
        assertThat(consume.exitCode()).as("kcat -C stderr: %s", consume.stderr()).isZero();
        List<String> got = consume.lines().stream().map(l -> l.split(" ", 3)[2]).toList();
        assertThat(got).containsExactlyInAnyOrderElementsOf(lines);
        // within one partition, offsets count up from 0 and lines keep their produce order
        for (String p : List.of("0", "1", "2")) {
            List<String[]> inP = consume.lines().stream().map(l -> l.split(" ", 3)).filter(f -> f[0].equals(p))
                    .toList();
            for (int i = 0; i < inP.size(); i++) {
                assertThat(Long.parseLong(inP.get(i)[1])).isEqualTo(i);
                if (i > 0) {
                    assertThat(num(inP.get(i)[2])).isGreaterThan(num(inP.get(i - 1)[2]));
                }
            }
        }
    }

    private static int num(String line) {
        return Integer.parseInt(line.substring("kcat-line-".length()));
    }

    static String findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.isFile() && f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }
}
