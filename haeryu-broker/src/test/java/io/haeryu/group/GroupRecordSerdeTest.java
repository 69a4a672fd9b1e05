package io.haeryu.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

class GroupRecordSerdeTest {

    @Test
    void offsetCommitsAndTombstonesRoundTrip() {
        var commit = new CoordinatorRecord.OffsetCommit("g", new TopicPartition("t", 3),
            new CommittedOffset(42, 5, "meta", 1000, -1));
        var tombstone = new CoordinatorRecord.OffsetCommit("g", new TopicPartition("t", 3), null);

        assertThat(roundTrip(commit)).isEqualTo(commit);
        assertThat(roundTrip(tombstone)).isEqualTo(tombstone);
    }

    @Test
    void groupMetadataRoundTripsWithMembersAndNulls() {
        var member = new CoordinatorRecord.MemberSnapshot("m-1", null, "client", "/10.0.0.1", 60000, 10000,
            new byte[]{1, 2}, new byte[]{3});
        var group = new CoordinatorRecord.GroupMetadata("g",
            new CoordinatorRecord.GroupSnapshot("consumer", 4, "range", "m-1", 99, List.of(member)));

        var decoded = (CoordinatorRecord.GroupMetadata) roundTrip(group);

        assertThat(decoded.snapshot()).usingRecursiveComparison().isEqualTo(group.snapshot());
        assertThat(roundTrip(new CoordinatorRecord.GroupMetadata("g", null)))
            .isEqualTo(new CoordinatorRecord.GroupMetadata("g", null));
    }

    @Test
    void offsetAndGroupKeysDifferSoCompactionKeepsBoth() {
        SimpleRecord offset = GroupRecordSerde.encode(new CoordinatorRecord.OffsetCommit("g", new TopicPartition("t", 0),
            null), 0);
        SimpleRecord group = GroupRecordSerde.encode(new CoordinatorRecord.GroupMetadata("g", null), 0);

        assertThat(offset.key()).isNotEqualTo(group.key());
    }

    private static CoordinatorRecord roundTrip(CoordinatorRecord record) {
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, GroupRecordSerde.encode(record, 7));
        Record stored = batch.records().iterator().next();
        return GroupRecordSerde.decode(stored);
    }
}
