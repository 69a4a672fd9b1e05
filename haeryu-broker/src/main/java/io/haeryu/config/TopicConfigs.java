package io.haeryu.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

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
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";

    private static final ConfigDef DEF = new ConfigDef()
        .define(SEGMENT_BYTES, Type.INT, null, unsetOr(Range.atLeast(14)), Importance.MEDIUM,
            "Largest size of one segment file.")
        .define(SEGMENT_MS, Type.LONG, null, unsetOr(Range.atLeast(1)), Importance.MEDIUM,
            "Roll a segment after this long, even if not full, so retention can delete it.")
        .define(RETENTION_MS, Type.LONG, null, Importance.MEDIUM,
            "Delete segments older than this; -1 keeps them forever.")
        .define(RETENTION_BYTES, Type.LONG, null, Importance.MEDIUM,
            "Delete the oldest segments while the partition is larger than this; -1 for no limit.")
        .define(MAX_MESSAGE_BYTES, Type.INT, null, unsetOr(Range.atLeast(0)), Importance.MEDIUM,
            "Largest record batch accepted.")
        .define(INDEX_INTERVAL_BYTES, Type.INT, null, unsetOr(Range.atLeast(0)), Importance.LOW,
            "Bytes between offset index entries.")
        .define(SEGMENT_INDEX_BYTES, Type.INT, null, unsetOr(Range.atLeast(4)), Importance.LOW,
            "Largest size of an index file.")
        .define(MESSAGE_TIMESTAMP_TYPE, Type.STRING, null, unsetOr(ValidString.in("CreateTime", "LogAppendTime")),
            Importance.MEDIUM, "Whether record timestamps are the producer's (CreateTime) or the broker's (LogAppendTime).")
        .define(FILE_DELETE_DELAY_MS, Type.LONG, null, unsetOr(Range.atLeast(0)), Importance.LOW,
            "Delay before a deleted segment's files are removed.")
        .define(FLUSH_MESSAGES, Type.LONG, null, unsetOr(Range.atLeast(1)), Importance.LOW,
            "fsync after this many messages.")
        .define(FLUSH_MS, Type.LONG, null, unsetOr(Range.atLeast(0)), Importance.LOW, "fsync after this long.")
        .define(MIN_INSYNC_REPLICAS, Type.INT, null, unsetOr(Range.atLeast(1)), Importance.HIGH,
            "Fewest in-sync replicas for an acks=all write to succeed.")
        .define(CLEANUP_POLICY, Type.LIST, null, unsetOr(ValidList.in("delete", "compact")), Importance.MEDIUM,
            "delete (retention), compact (keep the latest record per key), or both.")
        .define(COMPRESSION_TYPE, Type.STRING, null,
            unsetOr(ValidString.in("producer", "uncompressed", "gzip", "snappy", "lz4", "zstd")), Importance.MEDIUM,
            "Compression of stored batches; 'producer' keeps what the producer sent.")
        .define(UNCLEAN_LEADER_ELECTION_ENABLE, Type.BOOLEAN, null, Importance.MEDIUM,
            "Allow an out-of-sync replica to become leader (risks data loss).")
        .define(DELETE_RETENTION_MS, Type.LONG, null, unsetOr(Range.atLeast(0)), Importance.MEDIUM,
            "How long tombstones stay in a compacted topic.")
        .define(MIN_COMPACTION_LAG_MS, Type.LONG, null, unsetOr(Range.atLeast(0)), Importance.MEDIUM,
            "Records younger than this are not compacted.")
        .define(MAX_COMPACTION_LAG_MS, Type.LONG, null, unsetOr(Range.atLeast(1)), Importance.MEDIUM,
            "Records older than this are compacted even if the log is not dirty enough.")
        .define(MIN_CLEANABLE_DIRTY_RATIO, Type.DOUBLE, null, unsetOr(Range.between(0, 1)), Importance.MEDIUM,
            "Dirty share of a log before it is compacted.");

    /**
     * The broker keys each topic config falls back to, most specific first: Kafka's synonyms, reported by
     * DescribeConfigs so an operator sees which broker setting a topic inherits.
     */
    private static final Map<String, List<String>> BROKER_SYNONYMS = Map.ofEntries(
        Map.entry(SEGMENT_BYTES, List.of(BrokerConfig.LOG_SEGMENT_BYTES)),
        Map.entry(SEGMENT_MS, List.of(BrokerConfig.LOG_ROLL_MS, BrokerConfig.LOG_ROLL_HOURS)),
        Map.entry(RETENTION_MS, List.of(BrokerConfig.LOG_RETENTION_MS, BrokerConfig.LOG_RETENTION_MINUTES,
            BrokerConfig.LOG_RETENTION_HOURS)),
        Map.entry(RETENTION_BYTES, List.of(BrokerConfig.LOG_RETENTION_BYTES)),
        Map.entry(MAX_MESSAGE_BYTES, List.of(BrokerConfig.MESSAGE_MAX_BYTES)),
        Map.entry(INDEX_INTERVAL_BYTES, List.of(BrokerConfig.LOG_INDEX_INTERVAL_BYTES)),
        Map.entry(SEGMENT_INDEX_BYTES, List.of(BrokerConfig.LOG_INDEX_SIZE_MAX_BYTES)),
        Map.entry(MESSAGE_TIMESTAMP_TYPE, List.of(BrokerConfig.LOG_MESSAGE_TIMESTAMP_TYPE)),
        Map.entry(FILE_DELETE_DELAY_MS, List.of(BrokerConfig.LOG_SEGMENT_DELETE_DELAY_MS)),
        Map.entry(FLUSH_MESSAGES, List.of(BrokerConfig.LOG_FLUSH_INTERVAL_MESSAGES)),
        Map.entry(FLUSH_MS, List.of(BrokerConfig.LOG_FLUSH_INTERVAL_MS)),
        Map.entry(MIN_INSYNC_REPLICAS, List.of(BrokerConfig.MIN_INSYNC_REPLICAS)),
        Map.entry(CLEANUP_POLICY, List.of(BrokerConfig.LOG_CLEANUP_POLICY)),
        Map.entry(COMPRESSION_TYPE, List.of(BrokerConfig.COMPRESSION_TYPE)),
        Map.entry(UNCLEAN_LEADER_ELECTION_ENABLE, List.of(BrokerConfig.UNCLEAN_LEADER_ELECTION_ENABLE)),
        Map.entry(DELETE_RETENTION_MS, List.of(BrokerConfig.LOG_CLEANER_DELETE_RETENTION_MS)),
        Map.entry(MIN_COMPACTION_LAG_MS, List.of(BrokerConfig.LOG_CLEANER_MIN_COMPACTION_LAG_MS)),
        Map.entry(MAX_COMPACTION_LAG_MS, List.of(BrokerConfig.LOG_CLEANER_MAX_COMPACTION_LAG_MS)),
        Map.entry(MIN_CLEANABLE_DIRTY_RATIO, List.of(BrokerConfig.LOG_CLEANER_MIN_CLEANABLE_RATIO)));

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

    /** The effective value of every topic config: the override, else the broker's setting. */
    public static Map<String, Object> resolve(BrokerConfig broker, Map<String, String> overrides) {
        Map<String, Object> parsed = new HashMap<>(DEF.parse(overrides));
        for (String name : DEF.names()) {
            parsed.computeIfAbsent(name, k -> brokerValue(broker, k));
        }
        return parsed;
    }

    /** A topic config's value inherited from the broker; the time-unit families resolve as Kafka does. */
    private static Object brokerValue(BrokerConfig broker, String name) {
        return switch (name) {
            case SEGMENT_MS -> broker.segmentMs();
            case RETENTION_MS -> broker.retentionMs();
            case FLUSH_MS -> {
                Long flushMs = broker.getLong(BrokerConfig.LOG_FLUSH_INTERVAL_MS);
                yield flushMs != null ? flushMs : Long.MAX_VALUE;
            }
            default -> broker.value(BROKER_SYNONYMS.get(name).get(0));
        };
    }

    public static boolean isKnown(String name) {
        return DEF.names().contains(name);
    }

    /** Whether the config is a comma-separated list (the only kind IncrementalAlterConfigs may append to). */
    public static boolean isList(String name) {
        ConfigDef.ConfigKey key = DEF.configKeys().get(name);
        return key != null && key.type == Type.LIST;
    }

    /**
     * The effective value of a list config, e.g. cleanup.policy as [delete]: the override, else the broker's.
     * Other overrides are not looked at, so an illegal one does not hide which key is wrong.
     */
    @SuppressWarnings("unchecked")
    public static List<String> effectiveList(BrokerConfig broker, Map<String, String> overrides, String name) {
        String override = overrides.get(name);
        try {
            return (List<String>) resolve(broker, override == null ? Map.of() : Map.of(name, override)).get(name);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }

    /**
     * Every topic config as DescribeConfigs reports it: the topic's override (TOPIC_CONFIG), else what the broker
     * says (its config file, else Kafka's default), with that chain as synonyms.
     */
    public static List<DescribedConfig> describe(BrokerConfig broker, Map<String, String> overrides) {
        Map<String, Object> effective = resolve(broker, overrides);
        List<DescribedConfig> out = new ArrayList<>();
        for (ConfigDef.ConfigKey key : DEF.configKeys().values()) {
            List<DescribedConfig.Synonym> synonyms = new ArrayList<>();
            String override = overrides.get(key.name);
            if (override != null) {
                synonyms.add(new DescribedConfig.Synonym(key.name, override, ConfigSource.TOPIC_CONFIG));
            }
            for (String brokerKey : BROKER_SYNONYMS.get(key.name)) {
                broker.synonym(brokerKey).ifPresent(synonyms::add);
            }
            String value = override != null ? override : DescribedConfig.asString(effective.get(key.name), key.type);
            ConfigSource source = synonyms.isEmpty() ? ConfigSource.DEFAULT_CONFIG : synonyms.get(0).source();
            out.add(new DescribedConfig(key.name, value, source, false, key.type, key.documentation, synonyms));
        }
        return out;
    }
}
