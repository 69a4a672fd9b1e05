package io.haeryu.group;

import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * A decoded {@code __consumer_offsets} record: a key naming a group (or group + partition) and a value that is
 * either the latest state or {@code null}, a tombstone that deletes it. Encoded by {@link GroupRecordSerde}.
 */
public sealed interface CoordinatorRecord {

    String groupId();

    /** The committed offset of one partition for a group; {@code offset == null} deletes it. */
    record OffsetCommit(String groupId, TopicPartition partition, CommittedOffset offset) implements CoordinatorRecord {
    }

    /** The persisted state of a group; {@code snapshot == null} deletes the group. */
    record GroupMetadata(String groupId, GroupSnapshot snapshot) implements CoordinatorRecord {
    }

    /** What survives a coordinator failover: the last completed generation and its members' assignments. */
    record GroupSnapshot(String protocolType, int generationId, String protocolName, String leaderId,
                         long stateTimestampMs, List<MemberSnapshot> members) {
    }

    /**
     * One member of a persisted generation.
     *
     * @param metadata the member's metadata for the group's selected protocol
     */
    record MemberSnapshot(String memberId, String groupInstanceId, String clientId, String clientHost,
                          int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] metadata, byte[] assignment) {
    }
}
