package io.haeryu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage errors of {@code haeryu zookeeper} end with exit code 2 before any server starts. */
class ZooKeeperCommandTest {

    @TempDir
    Path dir;

    @Test
    void idWithoutEnsembleAndEnsembleWithoutIdAreUsageErrors() {
        assertThat(Cli.runRaw(null, "zookeeper", "--id", "1", "--data-dir", dir.toString()).exit()).isEqualTo(2);
        assertThat(Cli.runRaw(null, "zookeeper", "--ensemble", "127.0.0.1:1:2", "--data-dir", dir.toString()).exit())
            .isEqualTo(2);
        assertThat(dir.resolve("myid")).doesNotExist();
    }

    @Test
    void idOutsideTheEnsembleIsAUsageError() {
        assertThat(Cli.runRaw(null, "zookeeper", "--id", "4", "--data-dir", dir.toString(),
            "--ensemble", "127.0.0.1:1:2,127.0.0.1:3:4,127.0.0.1:5:6").exit()).isEqualTo(2);
        assertThat(dir.resolve("myid")).doesNotExist();
    }
}
