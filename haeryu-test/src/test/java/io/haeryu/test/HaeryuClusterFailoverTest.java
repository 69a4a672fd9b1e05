package io.haeryu.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Three in-process brokers: a killed leader's records stay readable, the broker comes back on its port and data,
 * and a gracefully restarted leader rejoins too.
 */
class HaeryuClusterFailoverTest {

    @Test
    void recordsSurviveTheLeadersKillAndTheBrokerRejoinsOnRestart() throws Exception {
        try (HaeryuCluster cluster = HaeryuCluster.start(HaeryuClusterOptions.builder().brokers(3)
                .brokerConfig("min.insync.replicas", "2")
                .topic("payments", 1, 3).build());
             HaeryuTestClients clients = cluster.clients()) {
            assertThat(cluster.bootstrapServers().split(",")).hasSize(3);
            clients.produce("payments", 20);
            await().atMost(Duration.ofSeconds(20)).until(() -> isr(cluster).size() == 3);
            int leader = clients.leader("payments", 0);

            cluster.killBroker(leader);
            assertThat(cluster.runningBrokers()).hasSize(2).doesNotContain(leader);
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                int now = clients.leader("payments", 0);
                return now != -1 && now != leader;
            });
            List<ConsumerRecord<String, String>> read = clients.consume("payments", 20, Duration.ofSeconds(30));
            assertThat(read).extracting(ConsumerRecord::offset)
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 20).boxed().toList());

            cluster.startBroker(leader);
            await().atMost(Duration.ofSeconds(30)).until(() -> isr(cluster).contains(leader));
            assertThat(cluster.runningBrokers()).containsExactly(0, 1, 2);

            // A graceful restart of the current leader: controlled shutdown hands leadership over first.
            int second = clients.leader("payments", 0);
            cluster.restartBroker(second);
            assertThat(clients.consume("payments", 20, Duration.ofSeconds(30))).hasSize(20);
            await().atMost(Duration.ofSeconds(30)).until(() -> isr(cluster).contains(second));
        }
    }

    private static List<Integer> isr(HaeryuCluster cluster) throws Exception {
        try (Admin admin = cluster.admin()) {
            TopicDescription d = admin.describeTopics(List.of("payments")).allTopicNames().get().get("payments");
            return d.partitions().get(0).isr().stream().map(n -> n.id()).toList();
        }
    }
}
