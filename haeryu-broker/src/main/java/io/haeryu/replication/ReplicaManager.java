package io.haeryu.replication;

import io.haeryu.cluster.BrokerRegistration;
import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.PartitionState;
import io.haeryu.cluster.PartitionStateZk;
import io.haeryu.cluster.TopicInfo;
import io.haeryu.config.BrokerConfig;
import io.haeryu.config.TopicConfigs;
import io.haeryu.log.LeaderEpochFileCache;
import io.haeryu.log.LogAppendInfo;
import io.haeryu.log.LogConfig;
import io.haeryu.log.LogManager;
import io.haeryu.log.LogReadInfo;
import io.haeryu.log.PartitionLog;
import io.haeryu.log.RecordValidationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions hosted on this broker, leaders and followers, kept in line with cluster metadata: every image
 * change makes this broker leader or follower of each partition it is a replica of (a follower fetches from the
 * leader through a {@link ReplicaFetcher}), and when metadata says a topic is gone (or was recreated under a new
 * id) its local logs are deleted.
 *
 * <p>The one way to a partition's data, as Kafka's ReplicaManager: {@link #appendRecords} (producers, coordinators)
 * and {@link #fetch} (consumers, followers: a follower's fetch moves its replica state, which moves the high watermark
 * and the ISR). What cannot be answered at once (acks=all, fetch min.bytes, DeleteRecords) waits as a
 * {@link DelayedOperation} in one {@link DelayedOperationPurgatory} keyed by partition, checked whenever a partition
 * changes (append, high or low watermark move, leadership or hosting change).
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
    private final ScheduledExecutorService scheduler;
    private final Executor delayedReads;
    private final Supplier<MetadataImage> image;
    private final DelayedOperationPurgatory<TopicPartition> purgatory;
    private final IsrManager isrManager;
    private final ReplicaFetcherManager fetchers;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final List<LeadershipListener> leadershipListeners = new CopyOnWriteArrayList<>();
    private final Partition.Events events = new Partition.Events() {
        @Override
        public void highWatermarkAdvanced(Partition partition) {
            purgatory.checkAndComplete(partition.topicPartition());
        }

        @Override
        public void isrChangeWanted(Partition partition, int leaderEpoch, List<Integer> newIsr) {
            isrManager.submit(partition, leaderEpoch, newIsr);
        }

        @Override
        public void lowWatermarkAdvanced(Partition partition) {
            purgatory.checkAndComplete(partition.topicPartition());
        }
    };

    /**
     * @param scheduler runs the ISR checks and expires delayed operations
     * @param delayedReads reads the logs again for fetches woken in the purgatory (off the thread that woke them)
     * @param image the current cluster metadata, where appends and fetches find their topics
     */
    public ReplicaManager(int brokerId, BrokerConfig config, LogManager logManager, ScheduledExecutorService scheduler,
                          Executor delayedReads, Supplier<MetadataImage> image, PartitionStateZk partitionStates,
                          IntFunction<Optional<BrokerRegistration>> brokers) {
        this.brokerId = brokerId;
        this.config = config;
        this.logManager = logManager;
        this.delayedReads = delayedReads;
        this.image = image;
        this.purgatory = new DelayedOperationPurgatory<>(scheduler);
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

    /**
     * Completes once the partition's low watermark (see {@link Partition#lowWatermark}) reaches {@code offset}, as
     * Kafka's DeleteRecords waits for the replicas; with NotLeaderOrFollowerException if this broker stops leading,
     * with KafkaStorageException if its log dir fails, with a TimeoutException after {@code timeoutMs}.
     */
    public CompletableFuture<Long> awaitLowWatermark(Partition partition, long offset, long timeoutMs) {
        CompletableFuture<Long> reached = new CompletableFuture<>();
        purgatory.tryCompleteElseWatch(new DelayedDeleteRecords(timeoutMs, partition, offset, this, reached),
            List.of(partition.topicPartition()));
        return reached;
    }

    /**
     * Appends each partition's records on its leader (Kafka's ReplicaManager.appendRecords): each partition succeeds
     * or fails on its own, a batch refused for some of its records names them (KIP-467), and only a coordinator may
     * write to an internal topic (INVALID_TOPIC_EXCEPTION for a client). With {@code requiredAcks} -1 the future
     * completes once the ISR has every partition's records, or after {@code timeoutMs} (see {@link DelayedProduce});
     * otherwise at once.
     */
    public CompletableFuture<Map<TopicPartition, PartitionAppendResult>> appendRecords(
            Map<TopicPartition, MemoryRecords> records, AppendOrigin origin, short requiredAcks, long timeoutMs) {
        if (origin == AppendOrigin.REPLICATION) {
            throw new IllegalArgumentException("Followers append through their fetcher, not appendRecords");
        }
        MetadataImage current = image.get();
        Map<TopicPartition, PartitionAppendResult> results = new LinkedHashMap<>();
        List<DelayedProduce.PartitionWait> waits = new ArrayList<>();
        for (Map.Entry<TopicPartition, MemoryRecords> entry : records.entrySet()) {
            TopicPartition tp = entry.getKey();
            try {
                if (origin == AppendOrigin.CLIENT && Topic.isInternal(tp.topic())) {
                    throw new InvalidTopicException("Cannot append to internal topic " + tp.topic());
                }
                TopicInfo topic = topic(current, tp);
                Partition partition = leaderPartition(topic, tp.partition());
                int minInsyncReplicas = minInsyncReplicas(topic);
                LogAppendInfo info = partition.appendAsLeader(entry.getValue(), requiredAcks, minInsyncReplicas);
                results.put(tp, new PartitionAppendResult(info.firstOffset(), info.logAppendTime(),
                    info.logStartOffset(), Errors.NONE, null, List.of()));
                if (!info.duplicate()) {
                    purgatory.checkAndComplete(tp); // parked fetches see the new records
                }
                if (requiredAcks == -1) {
                    // A retried duplicate waits too: its original may not have reached the ISR yet.
                    waits.add(new DelayedProduce.PartitionWait(partition, info.lastOffset() + 1, minInsyncReplicas));
                }
            } catch (RuntimeException e) {
                Errors error = Errors.forException(e);
                if (error == Errors.UNKNOWN_SERVER_ERROR) {
                    log.error("Append to {} failed", tp, e);
                }
                List<PartitionAppendResult.RecordError> recordErrors = e instanceof RecordValidationException invalid
                    ? invalid.recordErrors().stream()
                        .map(r -> new PartitionAppendResult.RecordError(r.batchIndex(), r.message())).toList()
                    : List.of();
                results.put(tp, PartitionAppendResult.failed(error, e.getMessage(), recordErrors));
            }
        }
        CompletableFuture<Map<TopicPartition, PartitionAppendResult>> response = new CompletableFuture<>();
        if (waits.isEmpty()) {
            response.complete(results);
        } else {
            DelayedProduce produce = new DelayedProduce(timeoutMs, waits, results, logManager::isOfflineLog, response);
            purgatory.tryCompleteElseWatch(produce, produce.keys());
        }
        return response;
    }

    /**
     * Reads each partition on its leader (Kafka's ReplicaManager.fetchMessages): a consumer up to the high watermark,
     * a follower up to the log end after recording its fetch offset (which moves the high watermark and the ISR),
     * or, if its last fetched epoch ended earlier here, the epoch to truncate to; always at least one whole batch so
     * fetchers make progress. With less than {@code minBytes} read, no error and {@code maxWaitMs} > 0 the future
     * completes when enough has arrived or the wait is over (see {@link DelayedFetch}). Results are in the order of
     * {@code params.partitions()}.
     */
    public CompletableFuture<List<FetchPartitionResult>> fetch(FetchParams params) {
        ReadPass first = readFromLocalLogs(params);
        if (first.bytes() >= params.minBytes() || params.maxWaitMs() <= 0 || first.anyError()
            || first.bounds().isEmpty()) {
            return CompletableFuture.completedFuture(first.results());
        }
        CompletableFuture<List<FetchPartitionResult>> response = new CompletableFuture<>();
        park(params, first, System.nanoTime() + params.maxWaitMs() * 1_000_000L, response);
        return response;
    }

    /** One read over the requested partitions. */
    private record ReadPass(List<FetchPartitionResult> results, long bytes, boolean anyError,
                            List<DelayedFetch.ReadBound> bounds) {

        List<TopicPartition> keys() {
            return bounds.stream().map(b -> b.partition().topicPartition()).toList();
        }
    }

    private void park(FetchParams params, ReadPass previous, long deadlineNanos,
                      CompletableFuture<List<FetchPartitionResult>> response) {
        long waitMs = Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000L);
        DelayedFetch fetch = new DelayedFetch(waitMs, previous.bounds(), params.fromFollower(), this,
            expired -> delayedReads.execute(() -> {
                try {
                    ReadPass pass = readFromLocalLogs(params);
                    if (expired || System.nanoTime() >= deadlineNanos || pass.bytes() >= params.minBytes()
                        || pass.anyError()) {
                        response.complete(pass.results());
                    } else {
                        park(params, pass, deadlineNanos, response);
                    }
                } catch (RuntimeException e) {
                    response.completeExceptionally(e);
                }
            }));
        purgatory.tryCompleteElseWatch(fetch, previous.keys());
    }

    private ReadPass readFromLocalLogs(FetchParams params) {
        boolean fromFollower = params.fromFollower();
        MetadataImage current = image.get();
        List<FetchPartitionResult> results = new ArrayList<>();
        List<DelayedFetch.ReadBound> bounds = new ArrayList<>();
        long remaining = params.maxBytes();
        long bytes = 0;
        boolean anyError = false;
        for (FetchParams.PartitionFetch p : params.partitions()) {
            try {
                Partition partition = leaderPartition(topic(current, p.topicPartition()), p.topicPartition().partition());
                partition.checkLeaderEpoch(p.currentLeaderEpoch());
                if (fromFollower) {
                    // Before anything is read or recorded: only this partition's followers fetch as replicas.
                    partition.ensureFollower(params.replicaId(), p.currentLeaderEpoch() >= 0);
                }
                int epochAtRead = partition.leaderEpoch();
                long limitAtRead = DelayedFetch.readLimit(partition, fromFollower);
                int limit = (int) Math.min(p.maxBytes(), Math.max(0, remaining));
                LogReadInfo info;
                if (fromFollower) {
                    Optional<LeaderEpochFileCache.EpochOffset> diverging = divergence(partition, p);
                    if (diverging.isPresent()) {
                        long highWatermark = partition.highWatermark();
                        results.add(new FetchPartitionResult(Errors.NONE, MemoryRecords.EMPTY, highWatermark,
                            highWatermark, partition.log().logStartOffset(), diverging));
                        anyError = true; // answer at once: the follower must truncate before fetching on
                        continue;
                    }
                    partition.updateFollowerFetchState(params.replicaId(), p.fetchOffset(), p.logStartOffset(),
                        System.currentTimeMillis());
                    info = partition.readForFollower(p.fetchOffset(), limit, bytes == 0);
                } else {
                    info = partition.read(p.fetchOffset(), limit, bytes == 0);
                }
                bounds.add(new DelayedFetch.ReadBound(partition, epochAtRead, limitAtRead));
                int size = info.records().sizeInBytes();
                bytes += size;
                remaining -= size;
                // No transactions yet: the last stable offset is the high watermark for either isolation level.
                results.add(new FetchPartitionResult(Errors.NONE, info.records(), info.highWatermark(),
                    info.highWatermark(), info.logStartOffset(), Optional.empty()));
            } catch (RuntimeException e) {
                anyError = true;
                results.add(FetchPartitionResult.failed(Errors.forException(e)));
            }
        }
        return new ReadPass(results, bytes, anyError, bounds);
    }

    /**
     * Kafka's check of a follower's {@code lastFetchedEpoch}: if our log ended that epoch (or the largest one below
     * it) before the fetch offset, the follower's tail is not ours. An epoch newer than all of ours cannot come
     * from a follower (a leader records its epoch on taking over); it is answered out of range, and the follower
     * falls back to its high watermark.
     */
    private static Optional<LeaderEpochFileCache.EpochOffset> divergence(Partition partition,
                                                                        FetchParams.PartitionFetch p) {
        if (p.lastFetchedEpoch() < 0) {
            return Optional.empty();
        }
        LeaderEpochFileCache.EpochOffset end = partition.log().endOffsetForEpoch(p.lastFetchedEpoch());
        if (end.epoch() == LeaderEpochFileCache.UNDEFINED_EPOCH) {
            throw new OffsetOutOfRangeException("Epoch " + p.lastFetchedEpoch() + " is older than every epoch of "
                + partition.topicPartition());
        }
        if (end.epoch() < p.lastFetchedEpoch() || end.offset() < p.fetchOffset()) {
            return Optional.of(end);
        }
        return Optional.empty();
    }

    private static TopicInfo topic(MetadataImage image, TopicPartition tp) {
        TopicInfo topic = image.topicsByName().get(tp.topic());
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("Topic " + tp.topic() + " does not exist");
        }
        return topic;
    }

    /** True if {@code partition} is still the one this broker hosts for its topic partition. */
    boolean hosts(Partition partition) {
        return partitions.get(partition.topicPartition()) == partition;
    }

    boolean isOffline(TopicPartition tp) {
        return logManager.isOfflineLog(tp);
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
                if (state.replicas().contains(brokerId)
                    && !logManager.isOfflineLog(new TopicPartition(topic.name(), state.partition()))) {
                    try {
                        hostPartition(topic, state);
                    } catch (KafkaStorageException e) {
                        // Its log dir failed meanwhile: offline here, the rest of the image still applies.
                        log.warn("Not hosting {}-{}: {}", topic.name(), state.partition(), e.getMessage());
                    }
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

    /**
     * Takes the partitions of a failed log directory offline on this broker (Kafka's handleLogDirFailure): their
     * logs are dropped, fetching stops, waiting acks=all produces get KAFKA_STORAGE_ERROR and from now on every
     * request for them does too (see {@link LogManager#getOrCreateLog}). Returns every offline partition of this
     * broker, for the controller.
     */
    public Set<TopicPartition> handleLogDirFailure(Path dir) {
        for (TopicPartition tp : logManager.handleLogDirFailure(dir)) {
            fetchers.stopFollowing(tp);
            Partition partition = partitions.remove(tp);
            if (partition != null) {
                if (partition.isLeader()) {
                    leadershipListeners.forEach(l -> l.onResign(tp, partition.leaderEpoch()));
                }
            }
            purgatory.checkAndComplete(tp); // waiting operations get KAFKA_STORAGE_ERROR
        }
        return logManager.offlineLogs();
    }

    /** The log dirs that have not failed, for DescribeLogDirs. */
    public List<Path> onlineLogDirs() {
        return logManager.onlineLogDirs();
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
        boolean changed;
        synchronized (partition) {
            // One transition at a time per partition, so fetcher and listener calls follow the state order.
            Partition.Transition t = partition.applyState(state, System.currentTimeMillis());
            changed = t.changed();
            if (changed) {
                onTransition(partition, t);
            }
        }
        if (changed) {
            // Outside the partition's lock: an operation's check may lock the other partitions it waits on.
            purgatory.checkAndComplete(tp); // waiting operations re-check, and see the new role
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
                leadershipListeners.forEach(l -> l.onResign(tp, partition.leaderEpoch()));
            }
        }
    }

    /** This broker is no longer a replica of the partition: stop serving it and delete its log. */
    private void removeReplica(TopicPartition tp, PartitionState state) {
        Partition partition = partitions.get(tp);
        if (partition != null) {
            synchronized (partition) {
                Partition.Transition t = partition.applyState(state, System.currentTimeMillis());
                if (t.changed() && t.wasLeader() && !t.isLeader()) {
                    leadershipListeners.forEach(l -> l.onResign(tp, partition.leaderEpoch()));
                }
            }
        }
        fetchers.stopFollowing(tp);
        partitions.remove(tp);
        logManager.deleteLog(tp);
        purgatory.checkAndComplete(tp);
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
                purgatory.checkAndComplete(tp); // wake fetches parked on it; they will see the topic is gone
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
