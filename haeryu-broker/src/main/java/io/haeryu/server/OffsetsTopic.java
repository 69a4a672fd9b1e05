package io.haeryu.server;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.TopicInfo;
import io.haeryu.cluster.TopicService;
import io.haeryu.cluster.ZkMetadataStore;
import io.haeryu.config.BrokerConfig;
import io.haeryu.config.TopicConfigs;
import io.haeryu.group.CoordinatorLocator;
import io.haeryu.group.CoordinatorLog;
import io.haeryu.group.GroupCoordinator;
import io.haeryu.log.LogReadInfo;
import io.haeryu.replication.AppendOrigin;
import io.haeryu.replication.Partition;
import io.haeryu.replication.ReplicaManager;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator's view of {@code __consumer_offsets}: where each partition is led (creating the topic on
 * first use with {@code offsets.topic.replication.factor} replicas once that many brokers are alive, KIP-115), the
 * durable log its state changes go to and are replayed from, and which partitions this broker must load or unload
 * as leadership moves (told by the {@link ReplicaManager} once the partition has actually become leader or follower
 * here).
 *
 * <p>An append completes once the partition's ISR has it ({@code acks=all}, Kafka's
 * {@code offsets.commit.required.acks}), so a committed offset survives the loss of the coordinator's broker.
 */
final class OffsetsTopic implements CoordinatorLog, CoordinatorLocator, ReplicaManager.LeadershipListener {

    private static final Logger log = LoggerFactory.getLogger(OffsetsTopic.class);
    private static final String NAME = Topic.GROUP_METADATA_TOPIC_NAME;
    private static final int REPLAY_FETCH_BYTES = 1 << 20;
    /** Kafka's {@code offsets.commit.timeout.ms} default: how long an append waits for the ISR. */
    private static final long COMMIT_TIMEOUT_MS = 5_000;

    private final int brokerId;
    private final BrokerConfig config;
    private final ZkMetadataStore metadata;
    private final TopicService topics;
    private final ReplicaManager replicas;
    private final Executor blockingExecutor;
    private final AtomicBoolean creating = new AtomicBoolean();
    /** The live broker count last warned about, so a waiting cluster logs once per change, not per request. */
    private final AtomicInteger lastWarnedLiveBrokers = new AtomicInteger(-1);
    private volatile GroupCoordinator coordinator;

    OffsetsTopic(int brokerId, BrokerConfig config, ZkMetadataStore metadata, TopicService topics,
                 ReplicaManager replicas, Executor blockingExecutor) {
        this.brokerId = brokerId;
        this.config = config;
        this.metadata = metadata;
        this.topics = topics;
        this.replicas = replicas;
        this.blockingExecutor = blockingExecutor;
    }

    /**
     * Starts passing leadership changes to {@code coordinator}; call before the replica manager takes any up.
     * With {@code createAhead} false the topic is created only on the first FindCoordinator, as Kafka does.
     */
    void attach(GroupCoordinator coordinator, boolean createAhead) {
        this.coordinator = coordinator;
        replicas.addLeadershipListener(this);
        MetadataImage image = metadata.image();
        // Created ahead of the first consumer, which would otherwise wait for it, once the cluster is big enough
        // for the configured replication factor (else on a later FindCoordinator, once it is).
        if (createAhead && image.topic(NAME).isEmpty()) {
            createWhenEnoughBrokers(image);
        }
    }

    /**
     * KIP-115: the topic is created only with its configured replication factor, so only once that many brokers are
     * alive; until then there is no coordinator (COORDINATOR_NOT_AVAILABLE, which clients retry), as in Kafka.
     */
    private void createWhenEnoughBrokers(MetadataImage image) {
        int live = image.brokers().size();
        short wanted = configuredReplicationFactor();
        if (live >= wanted) {
            createInBackground();
        } else if (lastWarnedLiveBrokers.getAndSet(live) != live) {
            log.warn("Not creating {}: {} live broker(s) do not meet offsets.topic.replication.factor={}; consumer"
                + " groups have no coordinator until enough brokers are up", NAME, live, wanted);
        }
    }

    private short configuredReplicationFactor() {
        return config.getShort(BrokerConfig.OFFSETS_TOPIC_REPLICATION_FACTOR);
    }

    @Override
    public Optional<Node> leaderOf(int partition, String listenerName) {
        MetadataImage image = metadata.image();
        Optional<TopicInfo> topic = image.topic(NAME);
        if (topic.isEmpty()) {
            createWhenEnoughBrokers(image);
            return Optional.empty(); // COORDINATOR_NOT_AVAILABLE: the client retries shortly
        }
        return topic.get().partition(partition)
            .flatMap(p -> image.broker(p.leader()))
            .flatMap(b -> b.node(listenerName));
    }

    private void createInBackground() {
        if (!creating.compareAndSet(false, true)) {
            return;
        }
        blockingExecutor.execute(() -> {
            try {
                topics.create(NAME, config.getInt(BrokerConfig.OFFSETS_TOPIC_NUM_PARTITIONS),
                    configuredReplicationFactor(), null, Map.of(
                    TopicConfigs.CLEANUP_POLICY, "compact",
                    TopicConfigs.SEGMENT_BYTES, String.valueOf(config.getInt(BrokerConfig.OFFSETS_TOPIC_SEGMENT_BYTES))));
                log.info("Created {}", NAME);
            } catch (TopicExistsException e) {
                // Created by another broker meanwhile.
            } catch (RuntimeException e) {
                log.warn("Could not create {}: {}", NAME, e.getMessage());
            } finally {
                creating.set(false);
            }
        });
    }

    @Override
    public void onBecomeLeader(TopicPartition tp, int leaderEpoch) {
        if (tp.topic().equals(NAME)) {
            coordinator.onBecomeLeader(tp.partition());
        }
    }

    @Override
    public void onResign(TopicPartition tp, int leaderEpoch) {
        if (tp.topic().equals(NAME)) {
            coordinator.onResign(tp.partition());
        }
    }

    @Override
    public CompletableFuture<Void> append(int partition, List<SimpleRecord> records) {
        try {
            if (metadata.image().topic(NAME).isEmpty()) {
                throw new NotLeaderOrFollowerException(NAME + " does not exist yet");
            }
            TopicPartition tp = new TopicPartition(NAME, partition);
            MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, records.toArray(new SimpleRecord[0]));
            return replicas.appendRecords(Map.of(tp, batch), AppendOrigin.COORDINATOR, (short) -1, COMMIT_TIMEOUT_MS)
                .thenCompose(results -> {
                    Errors error = results.get(tp).error();
                    return error == Errors.NONE ? CompletableFuture.<Void>completedFuture(null)
                        : CompletableFuture.<Void>failedFuture(error.exception());
                });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void replay(int partition, Consumer<Record> consumer) {
        Partition p = ledPartition(partition);
        long offset = p.log().logStartOffset();
        long end = p.log().logEndOffset();
        while (offset < end) {
            LogReadInfo read = p.log().read(offset, REPLAY_FETCH_BYTES, end, true);
            long before = offset;
            for (RecordBatch batch : read.records().batches()) {
                for (Record record : batch) {
                    consumer.accept(record);
                }
                offset = batch.nextOffset();
            }
            if (offset == before) {
                break; // nothing readable below the end: compaction left a gap at the tail
            }
        }
    }

    private Partition ledPartition(int partition) {
        TopicInfo topic = metadata.image().topic(NAME)
            .orElseThrow(() -> new NotLeaderOrFollowerException(NAME + " does not exist yet"));
        return replicas.leaderPartition(topic, partition);
    }
}
