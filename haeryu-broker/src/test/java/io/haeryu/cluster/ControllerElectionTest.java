package io.haeryu.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerElectionTest {

    private static final Duration PROPAGATION = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    private EmbeddedZooKeeper zk;
    private final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeEach
    void startZooKeeper() {
        zk = EmbeddedZooKeeper.start(dataDir, 0);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        zk.close();
    }

    private record Candidate(int brokerId, ZkMetadataStore store, ControllerElection election) {
    }

    private Candidate candidate(int brokerId) {
        ZkMetadataStore store = new ZkMetadataStore(zk.connectString(), 10_000, 5_000);
        resources.add(store);
        store.start();
        store.registerBroker(TestBrokers.plaintext(brokerId, "127.0.0.1", 9092 + brokerId, null));
        ControllerElection election = new ControllerElection(store, brokerId);
        resources.add(election);
        election.start();
        return new Candidate(brokerId, store, election);
    }

    @Test
    void exactlyOneCandidateWinsAndAnotherTakesOverWhenItLeaves() throws Exception {
        List<Candidate> candidates = List.of(candidate(1), candidate(2), candidate(3));
        await().atMost(PROPAGATION).until(() -> candidates.stream().filter(c -> c.election().isController()).count() == 1);
        Candidate first = candidates.stream().filter(c -> c.election().isController()).findFirst().orElseThrow();
        assertThat(first.election().epoch()).isEqualTo(1);
        for (Candidate c : candidates) {
            await().atMost(PROPAGATION).until(() -> c.store().image().controllerId() == first.brokerId());
        }
        assertThat(candidates.stream().filter(c -> c != first).map(c -> c.election().epoch()))
                .containsOnly(ControllerElection.NO_EPOCH);

        first.store().close(); // the session ends, as when a broker dies
        List<Candidate> survivors = candidates.stream().filter(c -> c != first).toList();
        await().atMost(PROPAGATION).until(() -> survivors.stream().filter(c -> c.election().isController()).count() == 1);
        Candidate second = survivors.stream().filter(c -> c.election().isController()).findFirst().orElseThrow();
        assertThat(second.election().epoch()).isEqualTo(2);
        assertThat(readZnode(ZkPaths.CONTROLLER_EPOCH)).isEqualTo("2");
        assertThat(readZnode(ZkPaths.CONTROLLER)).startsWith("{\"version\":1,\"brokerid\":" + second.brokerId() + ",");
    }

    @Test
    void resigningHandsOverWithAHigherEpoch() {
        Candidate only = candidate(1);
        await().atMost(PROPAGATION).until(() -> only.election().isController());
        Candidate next = candidate(2);

        only.election().close();

        assertThat(only.election().isController()).isFalse();
        await().atMost(PROPAGATION).until(() -> next.election().isController());
        assertThat(next.election().epoch()).isEqualTo(2);
    }

    private String readZnode(String path) throws Exception {
        try (CuratorFramework client = EmbeddedZooKeeperTest.connect(zk.connectString())) {
            return new String(client.getData().forPath(path), StandardCharsets.UTF_8);
        }
    }
}
