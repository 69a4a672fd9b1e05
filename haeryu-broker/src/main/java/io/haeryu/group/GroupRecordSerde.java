package io.haeryu.group;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Binary encoding of {@link CoordinatorRecord}s in {@code __consumer_offsets}. All integers are big-endian;
 * {@code string} is an int16 byte length ({@code -1} = null) followed by UTF-8; {@code bytes} is an int32 length
 * followed by the bytes.
 *
 * <p>Key (identifies what a record is about, so the topic can be compacted):
 * <pre>
 *   int16 keyType   1 = offset commit, 2 = group metadata
 *   string groupId
 *   (offset commit only) string topic, int32 partition
 * </pre>
 * A null value is a tombstone. Offset commit value:
 * <pre>
 *   int16 version (0), int64 offset, int32 leaderEpoch, string metadata, int64 commitTimestamp, int64 expireTimestamp
 * </pre>
 * Group metadata value:
 * <pre>
 *   int16 version (0), string protocolType, int32 generation, string protocolName, string leader,
 *   int64 stateTimestamp, int32 memberCount, then per member:
 *   string memberId, string groupInstanceId, string clientId, string clientHost, int32 rebalanceTimeoutMs,
 *   int32 sessionTimeoutMs, bytes metadata, bytes assignment
 * </pre>
 * Readers reject versions they do not know rather than guess, so a format change needs a new version number.
 */
public final class GroupRecordSerde {

    private static final short OFFSET_COMMIT_KEY = 1;
    private static final short GROUP_METADATA_KEY = 2;
    private static final short VALUE_VERSION = 0;

    private GroupRecordSerde() {
    }

    public static SimpleRecord encode(CoordinatorRecord record, long timestampMs) {
        // Java 17 has no pattern switch; the interface is sealed, so these two cases are exhaustive.
        if (record instanceof CoordinatorRecord.OffsetCommit commit) {
            return new SimpleRecord(timestampMs, offsetKey(commit),
                commit.offset() == null ? null : offsetValue(commit.offset()));
        }
        CoordinatorRecord.GroupMetadata group = (CoordinatorRecord.GroupMetadata) record;
        return new SimpleRecord(timestampMs, groupKey(group.groupId()),
            group.snapshot() == null ? null : groupValue(group.snapshot()));
    }

    public static CoordinatorRecord decode(Record record) {
        if (!record.hasKey()) {
            throw new IllegalArgumentException("Coordinator record without a key at offset " + record.offset());
        }
        ByteBuffer key = record.key();
        ByteBuffer value = record.hasValue() ? record.value() : null;
        short keyType = key.getShort();
        String groupId = readString(key);
        return switch (keyType) {
            case OFFSET_COMMIT_KEY -> {
                TopicPartition partition = new TopicPartition(readString(key), key.getInt());
                yield new CoordinatorRecord.OffsetCommit(groupId, partition, value == null ? null : readOffset(value));
            }
            case GROUP_METADATA_KEY -> new CoordinatorRecord.GroupMetadata(groupId,
                value == null ? null : readGroup(value));
            default -> throw new IllegalArgumentException("Unknown coordinator record key type " + keyType);
        };
    }

    private static byte[] offsetKey(CoordinatorRecord.OffsetCommit commit) {
        Writer writer = new Writer();
        writer.putShort(OFFSET_COMMIT_KEY);
        writer.putString(commit.groupId());
        writer.putString(commit.partition().topic());
        writer.putInt(commit.partition().partition());
        return writer.toBytes();
    }

    private static byte[] groupKey(String groupId) {
        Writer writer = new Writer();
        writer.putShort(GROUP_METADATA_KEY);
        writer.putString(groupId);
        return writer.toBytes();
    }

    private static byte[] offsetValue(CommittedOffset offset) {
        Writer writer = new Writer();
        writer.putShort(VALUE_VERSION);
        writer.putLong(offset.offset());
        writer.putInt(offset.leaderEpoch());
        writer.putString(offset.metadata());
        writer.putLong(offset.commitTimestampMs());
        writer.putLong(offset.expireTimestampMs());
        return writer.toBytes();
    }

    private static CommittedOffset readOffset(ByteBuffer value) {
        checkVersion(value.getShort(), "offset commit");
        return new CommittedOffset(value.getLong(), value.getInt(), readString(value), value.getLong(), value.getLong());
    }

    private static byte[] groupValue(CoordinatorRecord.GroupSnapshot group) {
        Writer writer = new Writer();
        writer.putShort(VALUE_VERSION);
        writer.putString(group.protocolType());
        writer.putInt(group.generationId());
        writer.putString(group.protocolName());
        writer.putString(group.leaderId());
        writer.putLong(group.stateTimestampMs());
        writer.putInt(group.members().size());
        for (CoordinatorRecord.MemberSnapshot member : group.members()) {
            writer.putString(member.memberId());
            writer.putString(member.groupInstanceId());
            writer.putString(member.clientId());
            writer.putString(member.clientHost());
            writer.putInt(member.rebalanceTimeoutMs());
            writer.putInt(member.sessionTimeoutMs());
            writer.putBytes(member.metadata());
            writer.putBytes(member.assignment());
        }
        return writer.toBytes();
    }

    private static CoordinatorRecord.GroupSnapshot readGroup(ByteBuffer value) {
        checkVersion(value.getShort(), "group metadata");
        String protocolType = readString(value);
        int generation = value.getInt();
        String protocolName = readString(value);
        String leader = readString(value);
        long stateTimestamp = value.getLong();
        int count = value.getInt();
        List<CoordinatorRecord.MemberSnapshot> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            members.add(new CoordinatorRecord.MemberSnapshot(readString(value), readString(value), readString(value),
                readString(value), value.getInt(), value.getInt(), readBytes(value), readBytes(value)));
        }
        return new CoordinatorRecord.GroupSnapshot(protocolType, generation, protocolName, leader, stateTimestamp, members);
    }

    private static void checkVersion(short version, String what) {
        if (version != VALUE_VERSION) {
            throw new IllegalArgumentException("Unknown " + what + " value version " + version);
        }
    }

    private static String readString(ByteBuffer buffer) {
        short length = buffer.getShort();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.getInt()];
        buffer.get(bytes);
        return bytes;
    }

    /** A growable big-endian buffer; records are small, so simplicity beats pre-sizing. */
    private static final class Writer {
        private ByteBuffer buffer = ByteBuffer.allocate(128);

        void putShort(short v) {
            ensure(2).putShort(v);
        }

        void putInt(int v) {
            ensure(4).putInt(v);
        }

        void putLong(long v) {
            ensure(8).putLong(v);
        }

        void putString(String s) {
            if (s == null) {
                putShort((short) -1);
                return;
            }
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > Short.MAX_VALUE) {
                throw new IllegalArgumentException("String of " + bytes.length + " bytes is too long to store");
            }
            putShort((short) bytes.length);
            ensure(bytes.length).put(bytes);
        }

        void putBytes(byte[] bytes) {
            putInt(bytes.length);
            ensure(bytes.length).put(bytes);
        }

        private ByteBuffer ensure(int more) {
            if (buffer.remaining() < more) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more));
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
            return buffer;
        }

        byte[] toBytes() {
            byte[] bytes = new byte[buffer.position()];
            buffer.flip();
            buffer.get(bytes);
            return bytes;
        }
    }
}
