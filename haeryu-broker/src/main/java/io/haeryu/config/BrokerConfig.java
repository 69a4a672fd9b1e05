package io.haeryu.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * The broker's static configuration, read from a {@code server.properties} file with Kafka's key names and
 * defaults. Start-up stops with a {@link ConfigException} naming the key on an unknown key or an illegal value:
 * a typo that silently falls back to a default is how production outages start.
 */
public final class BrokerConfig extends AbstractConfig {

    public static final String BROKER_ID = "broker.id";
    public static final String BROKER_RACK = "broker.rack";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String LISTENER_SECURITY_PROTOCOL_MAP = "listener.security.protocol.map";
    public static final String INTER_BROKER_LISTENER_NAME = "inter.broker.listener.name";
    public static final String SECURITY_INTER_BROKER_PROTOCOL = "security.inter.broker.protocol";
    public static final String CONTROL_PLANE_LISTENER_NAME = "control.plane.listener.name";
    public static final String LOG_DIRS = "log.dirs";
    public static final String LOG_DIR = "log.dir";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String DELETE_TOPIC_ENABLE = "delete.topic.enable";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
    public static final String REPLICA_FETCH_WAIT_MAX_MS = "replica.fetch.wait.max.ms";
    public static final String REPLICA_FETCH_MAX_BYTES = "replica.fetch.max.bytes";
    public static final String REPLICA_FETCH_RESPONSE_MAX_BYTES = "replica.fetch.response.max.bytes";
    public static final String REPLICA_FETCH_BACKOFF_MS = "replica.fetch.backoff.ms";
    public static final String AUTO_LEADER_REBALANCE_ENABLE = "auto.leader.rebalance.enable";
    public static final String LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS = "leader.imbalance.check.interval.seconds";
    public static final String CONTROLLED_SHUTDOWN_ENABLE = "controlled.shutdown.enable";
    public static final String LOG_SEGMENT_BYTES = "log.segment.bytes";
    public static final String LOG_ROLL_MS = "log.roll.ms";
    public static final String LOG_ROLL_HOURS = "log.roll.hours";
    public static final String LOG_RETENTION_MS = "log.retention.ms";
    public static final String LOG_RETENTION_MINUTES = "log.retention.minutes";
    public static final String LOG_RETENTION_HOURS = "log.retention.hours";
    public static final String LOG_RETENTION_BYTES = "log.retention.bytes";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String LOG_INDEX_INTERVAL_BYTES = "log.index.interval.bytes";
    public static final String LOG_INDEX_SIZE_MAX_BYTES = "log.index.size.max.bytes";
    public static final String LOG_FLUSH_INTERVAL_MESSAGES = "log.flush.interval.messages";
    public static final String LOG_FLUSH_INTERVAL_MS = "log.flush.interval.ms";
    public static final String LOG_MESSAGE_TIMESTAMP_TYPE = "log.message.timestamp.type";
    public static final String LOG_SEGMENT_DELETE_DELAY_MS = "log.segment.delete.delay.ms";
    public static final String LOG_CLEANUP_POLICY = "log.cleanup.policy";
    public static final String LOG_CLEANER_ENABLE = "log.cleaner.enable";
    public static final String LOG_CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
    public static final String LOG_CLEANER_DEDUPE_BUFFER_SIZE = "log.cleaner.dedupe.buffer.size";
    public static final String LOG_CLEANER_IO_BUFFER_SIZE = "log.cleaner.io.buffer.size";
    public static final String LOG_CLEANER_DELETE_RETENTION_MS = "log.cleaner.delete.retention.ms";
    public static final String LOG_CLEANER_MIN_COMPACTION_LAG_MS = "log.cleaner.min.compaction.lag.ms";
    public static final String LOG_CLEANER_MAX_COMPACTION_LAG_MS = "log.cleaner.max.compaction.lag.ms";
    public static final String LOG_CLEANER_MIN_CLEANABLE_RATIO = "log.cleaner.min.cleanable.ratio";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String SOCKET_SEND_BUFFER_BYTES = "socket.send.buffer.bytes";
    public static final String SOCKET_RECEIVE_BUFFER_BYTES = "socket.receive.buffer.bytes";
    public static final String NUM_NETWORK_THREADS = "num.network.threads";
    public static final String NUM_IO_THREADS = "num.io.threads";
    public static final String ZOOKEEPER_CONNECT = "zookeeper.connect";
    public static final String ZOOKEEPER_SESSION_TIMEOUT_MS = "zookeeper.session.timeout.ms";
    public static final String ZOOKEEPER_CONNECTION_TIMEOUT_MS = "zookeeper.connection.timeout.ms";
    public static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
    public static final String OFFSETS_TOPIC_SEGMENT_BYTES = "offsets.topic.segment.bytes";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String OFFSET_METADATA_MAX_BYTES = "offset.metadata.max.bytes";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String GROUP_MAX_SIZE = "group.max.size";
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
    public static final String PRODUCER_ID_EXPIRATION_MS = "producer.id.expiration.ms";
    public static final String PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = "producer.id.expiration.check.interval.ms";
    public static final String TRANSACTION_STATE_LOG_REPLICATION_FACTOR = "transaction.state.log.replication.factor";
    public static final String TRANSACTION_STATE_LOG_MIN_ISR = "transaction.state.log.min.isr";

    private static final long HOUR_MS = 60L * 60 * 1000;

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
        .define(BROKER_ID, Type.INT, 0, Range.atLeast(0), Importance.HIGH,
            "The broker's id, unique in the cluster.")
        .define(BROKER_RACK, Type.STRING, null, Importance.MEDIUM, "Rack of the broker, for rack-aware replica placement.")
        .define(LISTENERS, Type.LIST, "PLAINTEXT://:9092", Importance.HIGH,
            "Comma-separated listener URIs the broker binds, e.g. PLAINTEXT://localhost:9092. An empty host binds all interfaces.")
        .define(ADVERTISED_LISTENERS, Type.LIST, null, Importance.HIGH,
            "Listeners published to clients and other brokers, by listener name; a listener not named here is "
                + "published as bound. 0.0.0.0 cannot be advertised.")
        .define(LISTENER_SECURITY_PROTOCOL_MAP, Type.STRING,
            "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL", Importance.LOW,
            "Listener name to security protocol, NAME:PROTOCOL pairs. Only PLAINTEXT is implemented so far.")
        .define(INTER_BROKER_LISTENER_NAME, Type.STRING, null, Importance.MEDIUM,
            "Listener other brokers (followers) connect to; defaults to the one named after "
                + SECURITY_INTER_BROKER_PROTOCOL + ". Not together with " + SECURITY_INTER_BROKER_PROTOCOL + ".")
        .define(SECURITY_INTER_BROKER_PROTOCOL, Type.STRING, "PLAINTEXT", ValidString.in(
                SecurityProtocol.names().toArray(String[]::new)),
            Importance.MEDIUM, "Security protocol between brokers: picks the listener of that name.")
        .define(CONTROL_PLANE_LISTENER_NAME, Type.STRING, null, Importance.HIGH,
            "A separate listener for controller requests; not supported (must stay unset).")
        .define(LOG_DIRS, Type.LIST, null, Importance.HIGH, "Directories where partition logs are stored.")
        .define(LOG_DIR, Type.STRING, "/tmp/haeryu-logs", Importance.HIGH, "Log directory, used when log.dirs is not set.")
        .define(NUM_PARTITIONS, Type.INT, 3, Range.atLeast(1), Importance.MEDIUM,
            "Partitions of an auto-created topic, and of a created topic that does not say.")
        .define(DEFAULT_REPLICATION_FACTOR, Type.SHORT, (short) 1, Range.atLeast(1), Importance.MEDIUM,
            "Replication factor of topics that do not say.")
        .define(MIN_INSYNC_REPLICAS, Type.INT, 1, Range.atLeast(1), Importance.HIGH,
            "Fewest in-sync replicas for an acks=all write to succeed.")
        .define(AUTO_CREATE_TOPICS_ENABLE, Type.BOOLEAN, true, Importance.HIGH,
            "Create a topic on first use by a producer or consumer.")
        .define(DELETE_TOPIC_ENABLE, Type.BOOLEAN, true, Importance.HIGH, "Allow DeleteTopics.")
        .define(UNCLEAN_LEADER_ELECTION_ENABLE, Type.BOOLEAN, false, Importance.HIGH,
            "Allow an out-of-sync replica to become leader (risks data loss).")
        .define(REPLICA_LAG_TIME_MAX_MS, Type.LONG, 30_000L, Range.atLeast(1), Importance.HIGH,
            "A follower that has not caught up for this long leaves the ISR.")
        .define(REPLICA_FETCH_WAIT_MAX_MS, Type.INT, 500, Range.atLeast(0), Importance.MEDIUM,
            "How long a follower's fetch waits at the leader for new data.")
        .define(REPLICA_FETCH_MAX_BYTES, Type.INT, 1024 * 1024, Range.atLeast(0), Importance.MEDIUM,
            "Bytes a follower fetches per partition per request (at least one batch).")
        .define(REPLICA_FETCH_RESPONSE_MAX_BYTES, Type.INT, 10 * 1024 * 1024, Range.atLeast(0), Importance.MEDIUM,
            "Bytes a follower fetches per request.")
        .define(REPLICA_FETCH_BACKOFF_MS, Type.INT, 1000, Range.atLeast(0), Importance.MEDIUM,
            "Pause after a follower's fetch fails.")
        .define(AUTO_LEADER_REBALANCE_ENABLE, Type.BOOLEAN, true, Importance.HIGH,
            "Move leadership back to preferred replicas periodically.")
        .define(LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS, Type.LONG, 300L, Range.atLeast(1), Importance.HIGH,
            "How often the controller checks for preferred leaders.")
        .define(CONTROLLED_SHUTDOWN_ENABLE, Type.BOOLEAN, true, Importance.MEDIUM,
            "Move leadership away before stopping.")
        .define(LOG_SEGMENT_BYTES, Type.INT, 1024 * 1024 * 1024, Range.atLeast(14), Importance.HIGH,
            "Largest size of one segment file.")
        .define(LOG_ROLL_MS, Type.LONG, null, Importance.HIGH, "Roll a segment after this long, even if not full.")
        .define(LOG_ROLL_HOURS, Type.INT, 24 * 7, Range.atLeast(1), Importance.HIGH, "log.roll.ms, in hours.")
        .define(LOG_RETENTION_MS, Type.LONG, null, Importance.HIGH, "Delete segments older than this; -1 keeps forever.")
        .define(LOG_RETENTION_MINUTES, Type.INT, null, Importance.HIGH, "log.retention.ms, in minutes.")
        .define(LOG_RETENTION_HOURS, Type.INT, 24 * 7, Importance.HIGH, "log.retention.ms, in hours.")
        .define(LOG_RETENTION_BYTES, Type.LONG, -1L, Importance.HIGH,
            "Delete the oldest segments while a partition is larger than this; -1 for no limit.")
        .define(LOG_RETENTION_CHECK_INTERVAL_MS, Type.LONG, 5 * 60 * 1000L, Range.atLeast(1), Importance.MEDIUM,
            "How often retention runs.")
        .define(LOG_INDEX_INTERVAL_BYTES, Type.INT, 4096, Range.atLeast(0), Importance.MEDIUM,
            "Bytes between offset index entries.")
        .define(LOG_INDEX_SIZE_MAX_BYTES, Type.INT, 10 * 1024 * 1024, Range.atLeast(4), Importance.MEDIUM,
            "Largest size of an index file.")
        .define(LOG_FLUSH_INTERVAL_MESSAGES, Type.LONG, Long.MAX_VALUE, Range.atLeast(1), Importance.HIGH,
            "fsync after this many messages; by default left to the OS, as in Kafka.")
        .define(LOG_FLUSH_INTERVAL_MS, Type.LONG, null, Importance.HIGH, "fsync after this long.")
        .define(LOG_MESSAGE_TIMESTAMP_TYPE, Type.STRING, "CreateTime", ValidString.in("CreateTime", "LogAppendTime"),
            Importance.MEDIUM, "Whether record timestamps are the producer's or the broker's.")
        .define(LOG_SEGMENT_DELETE_DELAY_MS, Type.LONG, 60_000L, Range.atLeast(0), Importance.LOW,
            "Delay before a deleted segment's files are removed.")
        .define(LOG_CLEANUP_POLICY, Type.LIST, "delete", ValidList.in("delete", "compact"), Importance.MEDIUM,
            "Default cleanup policy of topics: delete (retention), compact, or both.")
        .define(LOG_CLEANER_ENABLE, Type.BOOLEAN, true, Importance.MEDIUM,
            "Run the log cleaner, which compacts topics with cleanup.policy=compact (__consumer_offsets among them).")
        .define(LOG_CLEANER_BACKOFF_MS, Type.LONG, 15_000L, Range.atLeast(1), Importance.MEDIUM,
            "Pause of the log cleaner when no log needs cleaning.")
        .define(LOG_CLEANER_DEDUPE_BUFFER_SIZE, Type.LONG, 128L * 1024 * 1024, Range.atLeast(1024), Importance.MEDIUM,
            "Memory of the cleaner's key-to-offset map; more memory cleans more records per pass.")
        .define(LOG_CLEANER_IO_BUFFER_SIZE, Type.INT, 512 * 1024, Range.atLeast(512), Importance.MEDIUM,
            "Buffer the cleaner reads and writes segments with.")
        .define(LOG_CLEANER_DELETE_RETENTION_MS, Type.LONG, 86_400_000L, Range.atLeast(0), Importance.MEDIUM,
            "How long tombstones stay in a compacted topic.")
        .define(LOG_CLEANER_MIN_COMPACTION_LAG_MS, Type.LONG, 0L, Range.atLeast(0), Importance.MEDIUM,
            "Records younger than this are not compacted.")
        .define(LOG_CLEANER_MAX_COMPACTION_LAG_MS, Type.LONG, Long.MAX_VALUE, Range.atLeast(1), Importance.MEDIUM,
            "Records older than this are compacted even if the log is not dirty enough.")
        .define(LOG_CLEANER_MIN_CLEANABLE_RATIO, Type.DOUBLE, 0.5, Range.between(0, 1), Importance.MEDIUM,
            "Dirty share of a log before it is compacted.")
        .define(COMPRESSION_TYPE, Type.STRING, "producer",
            ValidString.in("producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"), Importance.HIGH,
            "Compression of stored batches; 'producer' keeps what the producer sent.")
        .define(MESSAGE_MAX_BYTES, Type.INT, 1024 * 1024 + 12, Range.atLeast(0), Importance.HIGH,
            "Largest record batch the broker accepts.")
        .define(SOCKET_REQUEST_MAX_BYTES, Type.INT, 100 * 1024 * 1024, Range.atLeast(1), Importance.HIGH,
            "Largest request frame; a larger one closes the connection.")
        .define(SOCKET_SEND_BUFFER_BYTES, Type.INT, 100 * 1024, Importance.LOW, "SO_SNDBUF; -1 for the OS default.")
        .define(SOCKET_RECEIVE_BUFFER_BYTES, Type.INT, 100 * 1024, Importance.LOW, "SO_RCVBUF; -1 for the OS default.")
        .define(NUM_NETWORK_THREADS, Type.INT, 3, Range.atLeast(1), Importance.HIGH,
            "Event-loop threads that read requests, run handlers and write responses.")
        .define(NUM_IO_THREADS, Type.INT, 8, Range.atLeast(1), Importance.HIGH,
            "Threads for blocking work (metadata writes to ZooKeeper).")
        .define(ZOOKEEPER_CONNECT, Type.STRING, null, Importance.HIGH,
            "ZooKeeper connect string. Unset: the broker starts an embedded ZooKeeper beside its log dirs.")
        .define(ZOOKEEPER_SESSION_TIMEOUT_MS, Type.INT, 18_000, Range.atLeast(1), Importance.HIGH, "ZooKeeper session timeout.")
        .define(ZOOKEEPER_CONNECTION_TIMEOUT_MS, Type.INT, null, Importance.HIGH,
            "How long to wait for ZooKeeper at start-up; defaults to the session timeout.")
        .define(OFFSETS_TOPIC_NUM_PARTITIONS, Type.INT, 50, Range.atLeast(1), Importance.HIGH,
            "Partitions of __consumer_offsets (cannot change once created).")
        .define(OFFSETS_TOPIC_REPLICATION_FACTOR, Type.SHORT, (short) 3, Range.atLeast(1), Importance.HIGH,
            "Replication factor of __consumer_offsets; it is created only once this many brokers are alive"
                + " (until then consumer groups get COORDINATOR_NOT_AVAILABLE).")
        .define(OFFSETS_TOPIC_SEGMENT_BYTES, Type.INT, 100 * 1024 * 1024, Range.atLeast(1), Importance.HIGH,
            "Segment size of __consumer_offsets.")
        .define(OFFSETS_RETENTION_MINUTES, Type.INT, 7 * 24 * 60, Range.atLeast(1), Importance.HIGH,
            "Committed offsets of an empty group are kept this long.")
        .define(OFFSET_METADATA_MAX_BYTES, Type.INT, 4096, Importance.HIGH, "Largest metadata string of a commit.")
        .define(GROUP_INITIAL_REBALANCE_DELAY_MS, Type.INT, 3000, Range.atLeast(0), Importance.MEDIUM,
            "How long the first rebalance of an empty group waits for more members.")
        .define(GROUP_MIN_SESSION_TIMEOUT_MS, Type.INT, 6000, Importance.MEDIUM, "Smallest session.timeout.ms allowed.")
        .define(GROUP_MAX_SESSION_TIMEOUT_MS, Type.INT, 1_800_000, Importance.MEDIUM, "Largest session.timeout.ms allowed.")
        .define(GROUP_MAX_SIZE, Type.INT, Integer.MAX_VALUE, Range.atLeast(1), Importance.MEDIUM,
            "Most members one group may have.")
        .define(OFFSETS_RETENTION_CHECK_INTERVAL_MS, Type.LONG, 600_000L, Range.atLeast(1), Importance.HIGH,
            "How often expired offsets are looked for.")
        .define(PRODUCER_ID_EXPIRATION_MS, Type.INT, 86_400_000, Range.atLeast(1), Importance.LOW,
            "An idempotent producer idle this long (since its last batch's timestamp) is forgotten by each partition.")
        .define(PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS, Type.INT, 600_000, Range.atLeast(1), Importance.LOW,
            "How often partitions look for expired producer ids.")
        .define(TRANSACTION_STATE_LOG_REPLICATION_FACTOR, Type.SHORT, (short) 3, Range.atLeast(1), Importance.HIGH,
            "Replication factor of __transaction_state (used once transactions land).")
        .define(TRANSACTION_STATE_LOG_MIN_ISR, Type.INT, 2, Range.atLeast(1), Importance.HIGH,
            "min.insync.replicas of __transaction_state (used once transactions land).");

    private final Listeners listeners;

    public BrokerConfig(Map<?, ?> props) {
        super(CONFIG_DEF, rejectUnknown(props), false);
        this.listeners = Listeners.validate(new Listeners.Settings(getList(LISTENERS),
            getString(LISTENER_SECURITY_PROTOCOL_MAP), getList(ADVERTISED_LISTENERS),
            getString(INTER_BROKER_LISTENER_NAME),
            originals().containsKey(SECURITY_INTER_BROKER_PROTOCOL) ? getString(SECURITY_INTER_BROKER_PROTOCOL) : null,
            getString(CONTROL_PLANE_LISTENER_NAME)));
        if (getInt(GROUP_MIN_SESSION_TIMEOUT_MS) > getInt(GROUP_MAX_SESSION_TIMEOUT_MS)) {
            throw new ConfigException(GROUP_MIN_SESSION_TIMEOUT_MS, getInt(GROUP_MIN_SESSION_TIMEOUT_MS),
                "must not exceed " + GROUP_MAX_SESSION_TIMEOUT_MS);
        }
        if (logDirs().isEmpty()) {
            throw new ConfigException(LOG_DIRS, getList(LOG_DIRS), "names no directory");
        }
    }

    public static BrokerConfig fromProperties(Properties props) {
        return new BrokerConfig(props);
    }

    private static Map<?, ?> rejectUnknown(Map<?, ?> props) {
        Set<String> unknown = new TreeSet<>();
        for (Object key : props.keySet()) {
            if (!CONFIG_DEF.names().contains(String.valueOf(key))) {
                unknown.add(String.valueOf(key));
            }
        }
        if (!unknown.isEmpty()) {
            String name = unknown.iterator().next();
            throw new ConfigException("Unknown configuration '" + name + "'"
                + (unknown.size() > 1 ? " (and " + (unknown.size() - 1) + " more: " + unknown + ")" : "")
                + ". Check the spelling against Kafka's broker config names; Haeryu does not yet support this setting.");
        }
        return props;
    }

    public int brokerId() {
        return getInt(BROKER_ID);
    }

    public String rack() {
        return getString(BROKER_RACK);
    }

    /** The listeners to bind. */
    public List<Listener> listeners() {
        return listeners.bound();
    }

    /** What the broker registers for clients and other brokers: one endpoint per listener name. */
    public List<Listener> advertisedListeners() {
        return listeners.advertised();
    }

    /** The security protocol of each listener, from listener.security.protocol.map. */
    public Map<String, SecurityProtocol> listenerSecurityProtocols() {
        return listeners.protocols();
    }

    /** The listener followers use to reach a leader (inter.broker.listener.name or security.inter.broker.protocol). */
    public String interBrokerListenerName() {
        return listeners.interBrokerListenerName();
    }

    public List<Path> logDirs() {
        List<String> dirs = getList(LOG_DIRS);
        if (dirs == null) {
            dirs = List.of(getString(LOG_DIR));
        }
        return dirs.stream().map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).toList();
    }

    public int numPartitions() {
        return getInt(NUM_PARTITIONS);
    }

    public short defaultReplicationFactor() {
        return getShort(DEFAULT_REPLICATION_FACTOR);
    }

    public int minInsyncReplicas() {
        return getInt(MIN_INSYNC_REPLICAS);
    }

    public boolean autoCreateTopicsEnable() {
        return getBoolean(AUTO_CREATE_TOPICS_ENABLE);
    }

    public boolean deleteTopicEnable() {
        return getBoolean(DELETE_TOPIC_ENABLE);
    }

    public int segmentBytes() {
        return getInt(LOG_SEGMENT_BYTES);
    }

    /** log.roll.ms, else log.roll.hours, as Kafka resolves it. */
    public long segmentMs() {
        Long ms = getLong(LOG_ROLL_MS);
        return ms != null ? ms : getInt(LOG_ROLL_HOURS) * HOUR_MS;
    }

    /** log.retention.ms, else minutes, else hours; a negative value means forever. */
    public long retentionMs() {
        Long ms = getLong(LOG_RETENTION_MS);
        if (ms != null) {
            return ms < 0 ? -1 : ms;
        }
        Integer minutes = getInt(LOG_RETENTION_MINUTES);
        if (minutes != null) {
            return minutes < 0 ? -1 : minutes * 60_000L;
        }
        int hours = getInt(LOG_RETENTION_HOURS);
        return hours < 0 ? -1 : hours * HOUR_MS;
    }

    public long retentionBytes() {
        return getLong(LOG_RETENTION_BYTES);
    }

    public long retentionCheckIntervalMs() {
        return getLong(LOG_RETENTION_CHECK_INTERVAL_MS);
    }

    public int messageMaxBytes() {
        return getInt(MESSAGE_MAX_BYTES);
    }

    public int socketRequestMaxBytes() {
        return getInt(SOCKET_REQUEST_MAX_BYTES);
    }

    public int numNetworkThreads() {
        return getInt(NUM_NETWORK_THREADS);
    }

    public int numIoThreads() {
        return getInt(NUM_IO_THREADS);
    }

    public String zookeeperConnect() {
        return getString(ZOOKEEPER_CONNECT);
    }

    public int zookeeperSessionTimeoutMs() {
        return getInt(ZOOKEEPER_SESSION_TIMEOUT_MS);
    }

    public int zookeeperConnectionTimeoutMs() {
        Integer t = getInt(ZOOKEEPER_CONNECTION_TIMEOUT_MS);
        return t != null ? t : zookeeperSessionTimeoutMs();
    }

    /** The parsed value of any broker key (for topic configs that inherit it). */
    public Object value(String name) {
        return get(name);
    }

    /**
     * Every broker config as DescribeConfigs reports it: set in the config file (STATIC_BROKER_CONFIG) or
     * Kafka's default (DEFAULT_CONFIG). All are read-only: the broker reads its config once, at start-up.
     */
    public List<DescribedConfig> describe() {
        List<DescribedConfig> out = new ArrayList<>();
        for (ConfigDef.ConfigKey key : CONFIG_DEF.configKeys().values()) {
            Optional<DescribedConfig.Synonym> source = synonym(key.name);
            out.add(new DescribedConfig(key.name, source.map(DescribedConfig.Synonym::value).orElse(null),
                source.map(DescribedConfig.Synonym::source).orElse(ConfigSource.DEFAULT_CONFIG), true, key.type,
                key.documentation, source.stream().toList()));
        }
        return out;
    }

    /** Where this broker gets {@code name} from: its config file, else Kafka's default; empty if neither says. */
    public Optional<DescribedConfig.Synonym> synonym(String name) {
        Object original = originals().get(name);
        if (original != null) {
            return Optional.of(new DescribedConfig.Synonym(name, String.valueOf(original), ConfigSource.STATIC_BROKER_CONFIG));
        }
        ConfigDef.ConfigKey key = CONFIG_DEF.configKeys().get(name);
        if (key == null || key.defaultValue == null || key.defaultValue == ConfigDef.NO_DEFAULT_VALUE) {
            return Optional.empty();
        }
        return Optional.of(new DescribedConfig.Synonym(name, DescribedConfig.asString(key.defaultValue, key.type),
            ConfigSource.DEFAULT_CONFIG));
    }
}
