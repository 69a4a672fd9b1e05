package io.haeryu.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link HaeryuExtension#perMethod} from a field: each test gets a fresh cluster, stopped after it. */
class HaeryuExtensionPerMethodTest {

    private static final List<HaeryuCluster> seen = new ArrayList<>();

    @RegisterExtension
    final HaeryuExtension haeryu = HaeryuExtension.perMethod(HaeryuClusterOptions.defaults());

    @RepeatedTest(2)
    void everyTestStartsFromAnEmptyCluster(Admin admin) throws Exception {
        assertThat(admin.listTopics().names().get()).doesNotContain("left-behind");
        try (HaeryuTestClients clients = haeryu.cluster().clients()) {
            clients.createTopic("left-behind", 1, 1);
        }
        seen.add(haeryu.cluster());
    }

    @AfterAll
    static void clustersWereDistinctAndAreClosed() {
        assertThat(seen).hasSize(2).doesNotHaveDuplicates();
        assertThat(seen).allSatisfy(c -> assertThat(c.dataDir()).doesNotExist());
    }
}
