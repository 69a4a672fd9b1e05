package io.haeryu.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.junit.jupiter.api.Test;

class ZkWriteBatchesTest {

    @Test
    void cutsInOrderIntoBatchesWithinTheLimit() {
        List<Integer> sizes = List.of(40, 30, 30, 50, 60, 10, 100);
        List<List<Integer>> batches = ZkWriteBatches.split(sizes, Integer::intValue, 100);
        assertThat(batches).containsExactly(List.of(40, 30, 30), List.of(50), List.of(60, 10), List.of(100));
        assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(sizes);
    }

    @Test
    void aSmallWriteIsOneTransaction() {
        assertThat(ZkWriteBatches.split(List.of(1, 2, 3), Integer::intValue, 100)).containsExactly(List.of(1, 2, 3));
        assertThat(ZkWriteBatches.split(List.<Integer>of(), Integer::intValue, 100)).isEmpty();
    }

    @Test
    void anOpThatCannotFitIsRefusedBeforeAnythingIsWritten() {
        assertThatThrownBy(() -> ZkWriteBatches.split(List.of(10, 101), Integer::intValue, 100))
            .isInstanceOf(PolicyViolationException.class)
            .hasMessageContaining("101 bytes");
    }

    @Test
    void theDefaultLimitLeavesHeadroomBelowJuteMaxBuffer() {
        assertThat(ZkWriteBatches.MAX_TRANSACTION_BYTES).isEqualTo(0xfffff - 64 * 1024);
    }
}
