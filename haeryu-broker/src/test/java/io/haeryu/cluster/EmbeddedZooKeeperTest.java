package io.haeryu.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedZooKeeperTest {

    @TempDir
    Path dataDir;

    @Test
    void servesOnAFreeLoopbackPortAndKeepsDataAcrossRestart() throws Exception {
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dataDir, 0)) {
            assertThat(zk.connectString()).startsWith("127.0.0.1:").doesNotEndWith(":0");
            try (CuratorFramework client = connect(zk.connectString())) {
                client.create().forPath("/survivor", "still here".getBytes(StandardCharsets.UTF_8));
            }
        }
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(dataDir, "127.0.0.1", 0);
             CuratorFramework client = connect(zk.connectString())) {
            assertThat(new String(client.getData().forPath("/survivor"), StandardCharsets.UTF_8)).isEqualTo("still here");
        }
    }

    @Test
    void failsClearlyWhenThePortIsTaken() {
        try (EmbeddedZooKeeper first = EmbeddedZooKeeper.start(dataDir.resolve("a"), 0)) {
            int port = Integer.parseInt(first.connectString().substring(first.connectString().lastIndexOf(':') + 1));
            assertThatThrownBy(() -> EmbeddedZooKeeper.start(dataDir.resolve("b"), port).close())
                    .isInstanceOf(KafkaException.class)
                    .hasMessageContaining("127.0.0.1:" + port);
        }
    }

    static CuratorFramework connect(String connectString) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.newClient(connectString, 10_000, 5_000, new RetryOneTime(100));
        client.start();
        assertThat(client.blockUntilConnected(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return client;
    }
}
