package io.haeryu.cli;

import io.haeryu.config.BrokerConfig;
import io.haeryu.server.HaeryuServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One in-process broker on 127.0.0.1 for all CLI test classes (started once: start-up dominates a test's cost).
 * Tests use distinct topic and group names so they do not see each other's data.
 */
final class Broker implements BeforeAllCallback {
    private static String bootstrap;

    static String bootstrap() {
        return bootstrap;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // -Dhaeryu.test.bootstrap=HOST:PORT runs the tests against another cluster (e.g. Apache Kafka) instead.
        String external = System.getProperty("haeryu.test.bootstrap");
        if (external != null) {
            bootstrap = external;
            return;
        }
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(Broker.class, k -> {
            try {
                return new Running();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static final class Running implements ExtensionContext.Store.CloseableResource {
        final Path dir;
        final HaeryuServer server;

        Running() throws Exception {
            dir = Files.createTempDirectory("haeryu-cli-test");
            server = new HaeryuServer(new BrokerConfig(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "log.dirs", dir.toString(), "group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "3",
                "offsets.topic.replication.factor", "1")));
            server.start();
            bootstrap = "127.0.0.1:" + server.boundPort("PLAINTEXT");
        }

        @Override
        public void close() throws IOException {
            server.close();
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
