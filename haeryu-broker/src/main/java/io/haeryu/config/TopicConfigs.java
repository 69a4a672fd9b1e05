package io.haeryu.config;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;

/**
 * Per-topic configs with Kafka's names. A topic config not set falls back to the broker's {@code log.*}
 * setting, as in Kafka; this class validates overrides and resolves the effective values.
 */
public final class TopicConfigs {

    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
    public static final String FLUSH_MESSAGES = "flush.messages";
    public static final String FLUSH_MS = "flush.ms";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";

    private static final ConfigDef DEF = new ConfigDef()
        .define(SEGMENT_BYTES, Type.INT, null, unsetOr(Range.atLeast(14)), Importance.MEDIUM, "Segment size.")
        .define(SEGMENT_MS, Type.LONG, null, unsetOr(Range.atLeast(1)), Importance.MEDIUM, "Segment roll time.")
        .define(RETENTION_MS, Type.LONG, null, Importance.MEDIUM, "Time retention; -1 keeps forever.")
        .define(RETENTION_BYTES, Type.LONG, null, Importance.MEDIUM, "Size retention per partition; -1 for none.")
        .define(MAX_MESSAGE_BYTES, Type.INT, null, unsetOr(Range.atLeast(0)), Importance.MEDIUM, "Largest record batch.")
        .define(INDEX_INTERVAL_BYTES, Type.INT, null, unsetOr(Range.atLeast(0)), Importance.LOW, "Offset index density.")
        .define(SEGMENT_INDEX_BYTES, Type.INT, null, unsetOr(Range.atLeast(4)), Importance.LOW, "Index file size.")
        .define(MESSAGE_TIMESTAMP_TYPE, Type.STRING, null, unsetOr(ValidString.in("CreateTime", "LogAppendTime")),
            Importance.MEDIUM, "Producer or broker timestamps.")
        .define(FILE_DELETE_DELAY_MS, Type.LONG, null, unsetOr(Range.atLeast(0)), Importance.LOW, "Delay before deleted files are removed.")
        .define(FLUSH_MESSAGES, Type.LONG, null, unsetOr(Range.atLeast(1)), Importance.LOW, "fsync every N messages.")
        .define(FLUSH_MS, Type.LONG, null, unsetOr(Range.atLeast(0)), Importance.LOW, "fsync every N ms.")
        .define(MIN_INSYNC_REPLICAS, Type.INT, null, unsetOr(Range.atLeast(1)), Importance.HIGH, "Fewest in-sync replicas for acks=all.")
        .define(CLEANUP_POLICY, Type.LIST, "delete", ValidList.in("delete", "compact"), Importance.MEDIUM,
            "delete, compact, or both.")
        .define(COMPRESSION_TYPE, Type.STRING, "producer",
            ValidString.in("producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"), Importance.MEDIUM,
            "Compression of stored batches; 'producer' keeps what the producer sent.")
        .define(UNCLEAN_LEADER_ELECTION_ENABLE, Type.BOOLEAN, null, Importance.MEDIUM, "Allow unclean election.")
        .define(DELETE_RETENTION_MS, Type.LONG, 86_400_000L, Range.atLeast(0), Importance.MEDIUM,
            "How long tombstones stay in a compacted topic.")
        .define(MIN_COMPACTION_LAG_MS, Type.LONG, 0L, Range.atLeast(0), Importance.MEDIUM,
            "Records younger than this are not compacted.")
        .define(MIN_CLEANABLE_DIRTY_RATIO, Type.DOUBLE, 0.5, Range.between(0, 1), Importance.MEDIUM,
            "Dirty share of a log before it is compacted.");

    private TopicConfigs() {
    }

    /** Topic configs default to "unset" (inherit the broker's), so validators must let null through. */
    private static ConfigDef.Validator unsetOr(ConfigDef.Validator validator) {
        return (name, value) -> {
            if (value != null) {
                validator.ensureValid(name, value);
            }
        };
    }

    /**
     * Checks a topic's config overrides; throws {@link InvalidConfigurationException} (INVALID_CONFIG) naming the
     * key for an unknown key or an illegal value.
     */
    public static void validate(Map<String, String> overrides) {
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!DEF.names().contains(e.getKey())) {
                throw new InvalidConfigurationException("Unknown topic config name: " + e.getKey());
            }
            if (e.getValue() == null) {
                throw new InvalidConfigurationException("Null value not supported for topic config: " + e.getKey());
            }
        }
        try {
            DEF.parse(overrides);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }

    /** The effective value of every topic config: the override, else the broker's default. */
    public static Map<String, Object> resolve(BrokerConfig broker, Map<String, String> overrides) {
        Map<String, Object> parsed = new HashMap<>(DEF.parse(overrides));
        parsed.computeIfAbsent(SEGMENT_BYTES, k -> broker.segmentBytes());
        parsed.computeIfAbsent(SEGMENT_MS, k -> broker.segmentMs());
        parsed.computeIfAbsent(RETENTION_MS, k -> broker.retentionMs());
        parsed.computeIfAbsent(RETENTION_BYTES, k -> broker.retentionBytes());
        parsed.computeIfAbsent(MAX_MESSAGE_BYTES, k -> broker.messageMaxBytes());
        parsed.computeIfAbsent(INDEX_INTERVAL_BYTES, k -> broker.getInt(BrokerConfig.LOG_INDEX_INTERVAL_BYTES));
        parsed.computeIfAbsent(SEGMENT_INDEX_BYTES, k -> broker.getInt(BrokerConfig.LOG_INDEX_SIZE_MAX_BYTES));
        parsed.computeIfAbsent(MESSAGE_TIMESTAMP_TYPE, k -> broker.getString(BrokerConfig.LOG_MESSAGE_TIMESTAMP_TYPE));
        parsed.computeIfAbsent(FILE_DELETE_DELAY_MS, k -> broker.getLong(BrokerConfig.LOG_SEGMENT_DELETE_DELAY_MS));
        parsed.computeIfAbsent(FLUSH_MESSAGES, k -> broker.getLong(BrokerConfig.LOG_FLUSH_INTERVAL_MESSAGES));
        Long flushMs = broker.getLong(BrokerConfig.LOG_FLUSH_INTERVAL_MS);
        parsed.computeIfAbsent(FLUSH_MS, k -> flushMs != null ? flushMs : Long.MAX_VALUE);
        parsed.computeIfAbsent(MIN_INSYNC_REPLICAS, k -> broker.minInsyncReplicas());
        parsed.computeIfAbsent(UNCLEAN_LEADER_ELECTION_ENABLE,
            k -> broker.getBoolean(BrokerConfig.UNCLEAN_LEADER_ELECTION_ENABLE));
        return parsed;
    }
}
