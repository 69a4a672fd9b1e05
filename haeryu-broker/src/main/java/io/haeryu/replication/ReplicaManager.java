package io.haeryu.replication;

import io.haeryu.cluster.BrokerRegistration;
import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.PartitionState;
import io.haeryu.cluster.PartitionStateZk;
import io.haeryu.cluster.TopicInfo;
import io.haeryu.config.BrokerConfig;
import io.haeryu.config.TopicConfigs;
import io.haeryu.log.LogConfig;
import io.haeryu.log.LogManager;
import io.haeryu.log.PartitionLog;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.IntFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions hosted on this broker, leaders and followers, kept in line with cluster metadata: every image
 * change makes this broker leader or follower of each partition it is a replica of (a follower fetches from the
 * leader through a {@link ReplicaFetcher}), and when metadata says a topic is gone (or was recreated under a new
 * id) its local logs are deleted.
 */
public final class ReplicaManager implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

    /** Told when this broker starts or stops leading a partition (the group coordinator, for its offsets topic). */
    public interface LeadershipListener {
        void onBecomeLeader(TopicPartition tp, int leaderEpoch);

        void onResign(TopicPartition tp, int leaderEpoch);
    }

    private final int brokerId;
    private final BrokerConfig config;
    private final LogManager logManager;
    private final FetchPurgatory fetchPurgatory;
    private final ScheduledExecutorService scheduler;
    private final DelayedProduce delayedProduce;
    private final IsrManager isrManager;
    private final ReplicaFetcherManager fetchers;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final List<LeadershipListener> leadershipListeners = new CopyOnWriteArrayList<>();
    private final Partition.Events events = new Partition.Events() {
        @Override
        public void highWatermarkAdvanced(Partition partition) {
            delayedProduce.check(partition);
            fetchPurgatory.dataArrived(partition.topicPartition());
        }

        @Override
        public void isrChangeWanted(Partition partition, int leaderEpoch, List<Integer> newIsr) {
            isrManager.submit(partition, leaderEpoch, newIsr);
        }
    };

    public ReplicaManager(int brokerId, BrokerConfig config, LogManager logManager, FetchPurgatory fetchPurgatory,
                          ScheduledExecutorService scheduler, PartitionStateZk partitionStates,
                          IntFunction<Optional<BrokerRegistration>> brokers) {
        this.brokerId = brokerId;
        this.config = config;
        this.logManager = logManager;
        this.fetchPurgatory = fetchPurgatory;
        this.delayedProduce = new DelayedProduce(scheduler);
        this.isrManager = new IsrManager(brokerId, partitionStates, config.getLong(BrokerConfig.REPLICA_LAG_TIME_MAX_MS));
        this.fetchers = new ReplicaFetcherManager(brokerId, brokers, new ReplicaFetcher.Settings(
            config.getInt(BrokerConfig.REPLICA_FETCH_WAIT_MAX_MS), config.getInt(BrokerConfig.REPLICA_FETCH_MAX_BYTES),
            config.getInt(BrokerConfig.REPLICA_FETCH_RESPONSE_MAX_BYTES),
            config.getInt(BrokerConfig.REPLICA_FETCH_BACKOFF_MS), config.interBrokerListenerName()));
        this.scheduler = scheduler;
    }

    /** Starts the periodic ISR checks. */
    public void start() {
        isrManager.start(scheduler, partitions::values);
    }

    public FetchPurgatory fetchPurgatory() {
        return fetchPurgatory;
    }

    public DelayedProduce delayedProduce() {
        return delayedProduce;
    }

    public void addLeadershipListener(LeadershipListener listener) {
        leadershipListeners.add(listener);
    }

    /** The partition if this broker leads it; otherwise the error Kafka clients expect. */
    public Partition leaderPartition(TopicInfo topic, int partitionIndex) {
        if (partitionIndex < 0 || partitionIndex >= topic.partitionCount()) {
            throw new UnknownTopicOrPartitionException("Partition " + topic.name() + "-" + partitionIndex + " does not exist");
        }
        TopicPartition tp = new TopicPartition(topic.name(), partitionIndex);
        Partition partition = partitions.get(tp);
        if (partition == null || !partition.log().topicId().equals(topic.topicId())) {
            // A topic created through this broker can be used before the metadata listener has run.
            PartitionState state = topic.partitions().get(partitionIndex);
            if (!state.replicas().contains(brokerId)) {
                throw notLeader(tp, state.leader());
            }
            partition = hostPartition(topic, state);
        }
        if (!partition.isLeader()) {
            throw notLeader(tp, partition.leaderId());
        }
        return partition;
    }

    private NotLeaderOrFollowerException notLeader(TopicPartition tp, int leader) {
        return new NotLeaderOrFollowerException("Broker " + brokerId + " is not the leader of " + tp + " (leader: "
            + leader + ")");
    }

    public Optional<Partition> partition(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    public Collection<Partition> partitions() {
        return partitions.values();
    }

    /** Effective min.insync.replicas of a topic. */
    public int minInsyncReplicas(TopicInfo topic) {
        // On every produce: read the one override (validated when it was set) instead of resolving every config.
        String override = topic.configs().get(TopicConfigs.MIN_INSYNC_REPLICAS);
        return override != null ? Integer.parseInt(override.trim()) : config.minInsyncReplicas();
    }

    /** Applies a new metadata image: leadership changes, config changes, deleted topics. */
    public void onMetadataChange(MetadataImage previous, MetadataImage current) {
        for (TopicInfo old : previous.topicsByName().values()) {
            TopicInfo now = current.topicsByName().get(old.name());
            if (now == null || !now.topicId().equals(old.topicId())) {
                deleteTopicLogs(old.name(), old.topicId(), old.partitionCount());
            }
        }
        for (TopicInfo topic : current.topicsByName().values()) {
            for (PartitionState state : topic.partitions()) {
                if (state.replicas().contains(brokerId)) {
                    hostPartition(topic, state);
                }
            }
        }
        // Replicas moved away by a reassignment (also logs found at start-up that are no longer ours).
        for (PartitionLog plog : List.copyOf(logManager.allLogs())) {
            TopicPartition tp = plog.topicPartition();
            TopicInfo topic = current.topicsByName().get(tp.topic());
            if (topic != null && topic.topicId().equals(plog.topicId())) {
                topic.partition(tp.partition())
                    .filter(state -> !state.replicas().contains(brokerId))
                    .ifPresent(state -> removeReplica(tp, state));
            }
        }
        // Every local log, not only the partitions served so far: logs loaded at start-up run retention with the
        // default config until told otherwise, and a topic's overrides must apply to them before first use.
        for (PartitionLog plog : logManager.allLogs()) {
            TopicInfo topic = current.topicsByName().get(plog.topicPartition().topic());
            if (topic != null && topic.topicId().equals(plog.topicId())) {
                LogConfig wanted = logConfig(topic.configs());
                if (!wanted.equals(plog.config())) {
                    plog.updateConfig(wanted);
                }
            }
        }
    }

    /** The logs this broker holds, led or not, for DescribeLogDirs. */
    public Collection<PartitionLog> localLogs() {
        return logManager.allLogs();
    }

    /** Creates the partition's log if needed and applies the state's leadership, starting or stopping fetching. */
    private Partition hostPartition(TopicInfo topic, PartitionState state) {
        TopicPartition tp = new TopicPartition(topic.name(), state.partition());
        Partition partition = partitions.compute(tp, (k, existing) -> {
            if (existing != null && existing.log().topicId().equals(topic.topicId())) {
                return existing;
            }
            PartitionLog plog = logManager.getOrCreateLog(tp, topic.topicId(), logConfig(topic.configs()));
            return new Partition(tp, plog, brokerId, events);
        });
        synchronized (partition) {
            // One transition at a time per partition, so fetcher and listener calls follow the state order.
            Partition.Transition t = partition.applyState(state, System.currentTimeMillis());
            if (t.changed()) {
                onTransition(partition, t);
            }
        }
        return partition;
    }

    private void onTransition(Partition partition, Partition.Transition t) {
        TopicPartition tp = partition.topicPartition();
        if (t.isLeader()) {
            fetchers.stopFollowing(tp);
            log.info("Broker {} leads {} in epoch {} with ISR {}", brokerId, tp, partition.leaderEpoch(), partition.isr());
            if (!t.wasLeader()) {
                leadershipListeners.forEach(l -> l.onBecomeLeader(tp, partition.leaderEpoch()));
            }
        } else {
            if (partition.leaderId() >= 0) {
                fetchers.follow(partition, partition.leaderId());
            } else {
                fetchers.stopFollowing(tp);
            }
            log.info("Broker {} follows leader {} for {} in epoch {}", brokerId, partition.leaderId(), tp,
                partition.leaderEpoch());
            if (t.wasLeader()) {
                delayedProduce.check(partition);
                leadershipListeners.forEach(l -> l.onResign(tp, partition.leaderEpoch()));
            }
        }
        fetchPurgatory.dataArrived(tp); // parked fetches re-check, and see the new role
    }

    /** This broker is no longer a replica of the partition: stop serving it and delete its log. */
    private void removeReplica(TopicPartition tp, PartitionState state) {
        Partition partition = partitions.get(tp);
        if (partition != null) {
            synchronized (partition) {
                Partition.Transition t = partition.applyState(state, System.currentTimeMillis());
                if (t.changed() && t.wasLeader() && !t.isLeader()) {
                    delayedProduce.check(partition);
                    leadershipListeners.forEach(l -> l.onResign(tp, partition.leaderEpoch()));
                }
            }
        }
        fetchers.stopFollowing(tp);
        partitions.remove(tp);
        logManager.deleteLog(tp);
        fetchPurgatory.dataArrived(tp);
        log.info("Broker {} is no longer a replica of {} (replicas {}): deleted its local log", brokerId, tp,
            state.replicas());
    }

    private void deleteTopicLogs(String topic, Uuid topicId, int partitionCount) {
        for (int p = 0; p < partitionCount; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            fetchers.stopFollowing(tp);
            partitions.remove(tp);
            Optional<PartitionLog> existing = logManager.getLog(tp);
            if (existing.isPresent() && existing.get().topicId().equals(topicId)) {
                logManager.deleteLog(tp);
                fetchPurgatory.dataArrived(tp); // wake fetches parked on it; they will see the topic is gone
            }
        }
        log.info("Deleted the local logs of topic {} ({})", topic, topicId);
    }

    LogConfig logConfig(Map<String, String> overrides) {
        Map<String, Object> v = TopicConfigs.resolve(config, overrides);
        @SuppressWarnings("unchecked")
        List<String> cleanupPolicy = (List<String>) v.get(TopicConfigs.CLEANUP_POLICY);
        return LogConfig.builder()
            .segmentBytes((Integer) v.get(TopicConfigs.SEGMENT_BYTES))
            .segmentMs((Long) v.get(TopicConfigs.SEGMENT_MS))
            .retentionMs((Long) v.get(TopicConfigs.RETENTION_MS))
            .retentionBytes((Long) v.get(TopicConfigs.RETENTION_BYTES))
            .maxMessageBytes((Integer) v.get(TopicConfigs.MAX_MESSAGE_BYTES))
            .indexIntervalBytes((Integer) v.get(TopicConfigs.INDEX_INTERVAL_BYTES))
            .segmentIndexBytes((Integer) v.get(TopicConfigs.SEGMENT_INDEX_BYTES))
            .messageTimestampType("LogAppendTime".equals(v.get(TopicConfigs.MESSAGE_TIMESTAMP_TYPE))
                ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME)
            .fileDeleteDelayMs((Long) v.get(TopicConfigs.FILE_DELETE_DELAY_MS))
            .flushIntervalMessages((Long) v.get(TopicConfigs.FLUSH_MESSAGES))
            .flushIntervalMs((Long) v.get(TopicConfigs.FLUSH_MS))
            .cleanupPolicyCompact(cleanupPolicy.contains("compact"))
            .cleanupPolicyDelete(cleanupPolicy.contains("delete"))
            .deleteRetentionMs((Long) v.get(TopicConfigs.DELETE_RETENTION_MS))
            .minCompactionLagMs((Long) v.get(TopicConfigs.MIN_COMPACTION_LAG_MS))
            .maxCompactionLagMs((Long) v.get(TopicConfigs.MAX_COMPACTION_LAG_MS))
            .minCleanableDirtyRatio((Double) v.get(TopicConfigs.MIN_CLEANABLE_DIRTY_RATIO))
            .build();
    }

    /** Stops fetching and ISR writes; logs are closed by the LogManager. */
    @Override
    public void close() {
        fetchers.close();
        isrManager.close();
    }
}
