package io.haeryu.cluster;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.PolicyViolationException;
import org.junit.jupiter.api.Test;

class PartitionBatchLimitTest {

    @Test
    void newTopicsCountExplicitAssignmentsElseTheCountElseTheDefault() {
        PartitionBatchLimit limit = PartitionBatchLimit.forNewTopics(3);
        limit.addNewTopic(9_990, 0);
        limit.addNewTopic(-1, 0);       // the default: 3
        limit.addNewTopic(7, 5);        // assignments win: 5 ... total 9,998
        limit.addNewTopic(0, 0);        // refused per topic later, counts nothing
        limit.addNewTopic(-7, 0);
        assertThatCode(() -> limit.addNewTopic(2, 0)).doesNotThrowAnyException(); // exactly 10,000
        assertThatThrownBy(() -> limit.addNewTopic(1, 0))
            .isInstanceOf(PolicyViolationException.class)
            .hasMessage("Excessively large number of partitions per request.");
    }

    @Test
    void oneAbsurdTopicIsRefusedAndIntFieldsCannotOverflowPastTheCheck() {
        assertThatThrownBy(() -> PartitionBatchLimit.forNewTopics(1).addNewTopic(2_000_000_000, 0))
            .isInstanceOf(PolicyViolationException.class);
        PartitionBatchLimit limit = PartitionBatchLimit.forNewTopics(Integer.MAX_VALUE);
        assertThatThrownBy(() -> limit.addNewTopic(-1, 0)).isInstanceOf(PolicyViolationException.class);
    }

    @Test
    void growthCountsOnlyIncreases() {
        PartitionBatchLimit limit = PartitionBatchLimit.forAddedPartitions();
        limit.addGrowth(3, 6);          // a shrink: refused per topic later
        limit.addGrowth(10_001, 2);     // 9,999
        limit.addGrowth(Integer.MIN_VALUE, Integer.MAX_VALUE);
        assertThatCode(() -> limit.addGrowth(5, 4)).doesNotThrowAnyException();
        assertThatThrownBy(() -> limit.addGrowth(5, 4))
            .isInstanceOf(PolicyViolationException.class)
            .hasMessage("Excessively large number of additional partitions per request.");
        assertThatThrownBy(() -> PartitionBatchLimit.forAddedPartitions().addGrowth(Integer.MAX_VALUE, 1))
            .isInstanceOf(PolicyViolationException.class);
    }
}
