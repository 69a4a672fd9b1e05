package io.haeryu.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@code @HaeryuTest} per class: one cluster for all tests, options from the annotation, parameters injected. */
@HaeryuTest(topics = @HaeryuTopic(name = "greetings", partitions = 2), configs = "num.partitions=2")
class HaeryuExtensionTest {

    private static HaeryuCluster fromBeforeAll;

    @BeforeAll
    static void rememberCluster(HaeryuCluster cluster) {
        fromBeforeAll = cluster;
    }

    @Test
    void injectsTheClusterBootstrapAndAnAdmin(HaeryuCluster cluster, @HaeryuBootstrap String bootstrap, Admin admin)
            throws Exception {
        assertThat(cluster).isSameAs(fromBeforeAll);
        assertThat(bootstrap).isEqualTo(cluster.bootstrapServers());
        assertThat(admin.listTopics().names().get()).contains("greetings");
    }

    @Test
    void injectsHelpers(HaeryuTestClients clients) {
        clients.produce("greetings", 3);
        assertThat(clients.consume("greetings", 3, Duration.ofSeconds(20))).hasSize(3);
    }

    @Nested
    class NestedTests {
        @Test
        void shareTheEnclosingClassesCluster(HaeryuCluster cluster, Admin admin) throws Exception {
            assertThat(cluster).isSameAs(fromBeforeAll);
            assertThat(admin.describeTopics(List.of("greetings")).allTopicNames().get()).containsKey("greetings");
        }
    }
}
