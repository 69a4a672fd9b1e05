package io.haeryu.replication;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.PartitionState;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this broker leads, materialized from cluster metadata on first use. When metadata says a topic
 * is gone (or was recreated under a new id), its local logs are deleted.
 */
public final class ReplicaManager {

    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

    private final int brokerId;
    private final BrokerConfig config;
    private final LogManager logManager;
    private final FetchPurgatory fetchPurgatory;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();

    public ReplicaManager(int brokerId, BrokerConfig config, LogManager logManager, FetchPurgatory fetchPurgatory) {
        this.brokerId = brokerId;
        this.config = config;
        this.logManager = logManager;
        this.fetchPurgatory = fetchPurgatory;
    }

    public FetchPurgatory fetchPurgatory() {
        return fetchPurgatory;
    }

    /** The partition if this broker leads it; otherwise the error Kafka clients expect. */
    public Partition leaderPartition(TopicInfo topic, int partitionIndex) {
        if (partitionIndex < 0 || partitionIndex >= topic.partitionCount()) {
            throw new UnknownTopicOrPartitionException("Partition " + topic.name() + "-" + partitionIndex + " does not exist");
        }
        PartitionState state = topic.partitions().get(partitionIndex);
        if (state.leader() != brokerId) {
            throw new NotLeaderOrFollowerException("Broker " + brokerId + " is not the leader of "
                + topic.name() + "-" + partitionIndex + " (leader: " + state.leader() + ")");
        }
        TopicPartition tp = new TopicPartition(topic.name(), partitionIndex);
        Partition partition = partitions.get(tp);
        if (partition != null && partition.log().topicId().equals(topic.topicId())) {
            return partition;
        }
        return partitions.compute(tp, (k, existing) -> {
            if (existing != null && existing.log().topicId().equals(topic.topicId())) {
                return existing;
            }
            PartitionLog plog = logManager.getOrCreateLog(tp, topic.topicId(), logConfig(topic.configs()));
            return new Partition(tp, plog, state.leaderEpoch(), state.isr());
        });
    }

    public Optional<Partition> partition(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    /** Effective min.insync.replicas of a topic. */
    public int minInsyncReplicas(TopicInfo topic) {
        return (Integer) TopicConfigs.resolve(config, topic.configs()).get(TopicConfigs.MIN_INSYNC_REPLICAS);
    }

    /** Applies a new metadata image: leadership changes, config changes, deleted topics. */
    public void onMetadataChange(MetadataImage previous, MetadataImage current) {
        for (TopicInfo old : previous.topicsByName().values()) {
            TopicInfo now = current.topicsByName().get(old.name());
            if (now == null || !now.topicId().equals(old.topicId())) {
                deleteTopicLogs(old.name(), old.topicId(), old.partitionCount());
            }
        }
        for (Map.Entry<TopicPartition, Partition> e : partitions.entrySet()) {
            TopicInfo topic = current.topicsByName().get(e.getKey().topic());
            if (topic == null || e.getKey().partition() >= topic.partitionCount()) {
                continue;
            }
            PartitionState state = topic.partitions().get(e.getKey().partition());
            e.getValue().updateLeadership(state.leaderEpoch(), state.isr());
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

    private void deleteTopicLogs(String topic, Uuid topicId, int partitionCount) {
        for (int p = 0; p < partitionCount; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
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
}
