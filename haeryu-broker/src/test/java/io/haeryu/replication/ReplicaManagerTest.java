package io.haeryu.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.haeryu.cluster.MetadataImage;
import io.haeryu.cluster.PartitionState;
import io.haeryu.cluster.TopicInfo;
import io.haeryu.config.BrokerConfig;
import io.haeryu.log.LogConfig;
import io.haeryu.log.LogManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The partition seam: appends and fetches through {@link ReplicaManager}, with acks=all, fetch min.bytes/max.wait
 * and DeleteRecords waiting in its purgatory and the follower's fetches moving the high watermark. Broker 0 leads
 * {@code orders-0} with follower 1 in the ISR; the follower's fetches are made by the test; delays expire on a
 * {@link ManualScheduler}.
 */
class ReplicaManagerTest {

    private static final int LEADER = 0;
    private static final int FOLLOWER = 1;
    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private static final long TIMEOUT_MS = 1_000;

    private final ScheduledExecutorService logScheduler = Executors.newSingleThreadScheduledExecutor();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final TopicInfo topic = topic("orders", new PartitionState(0, List.of(LEADER, FOLLOWER), LEADER, 1,
        List.of(LEADER, FOLLOWER)));
    private volatile MetadataImage image = image(topic);
    private Path root;
    private LogManager logManager;
    private ReplicaManager replicas;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createTempDirectory("haeryu-rm");
        logManager = new LogManager(List.of(root.resolve("d1")), LogConfig.defaults(), Time.SYSTEM, logScheduler);
        logManager.startup();
        replicas = new ReplicaManager(LEADER, new BrokerConfig(Map.of()), logManager, scheduler, Runnable::run,
            () -> image, null, id -> Optional.empty());
        replicas.onMetadataChange(MetadataImage.EMPTY, image);
    }

    @AfterEach
    void tearDown() throws Exception {
        replicas.close();
        logScheduler.shutdownNow();
        logManager.close();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void acksAllCompletesOnceTheFollowerHasFetchedTheRecordsAndWakesAParkedConsumer() {
        CompletableFuture<List<FetchPartitionResult>> consumer = replicas.fetch(consumerFetch(0));
        assertThat(consumer).isNotDone(); // nothing committed yet: waits for min.bytes

        CompletableFuture<Map<TopicPartition, PartitionAppendResult>> produce = append(AppendOrigin.CLIENT, -1, 3);
        assertThat(produce).isNotDone();
        assertThat(consumer).isNotDone(); // the records are not committed until the follower has them

        List<FetchPartitionResult> follower = replicas.fetch(followerFetch(3, 0)).join();
        assertThat(follower.get(0).error()).isEqualTo(Errors.NONE);

        PartitionAppendResult result = produce.join().get(TP);
        assertThat(result.error()).isEqualTo(Errors.NONE);
        assertThat(result.baseOffset()).isZero();
        FetchPartitionResult read = consumer.join().get(0);
        assertThat(read.error()).isEqualTo(Errors.NONE);
        assertThat(read.highWatermark()).isEqualTo(3);
        assertThat(read.records().batches()).singleElement().satisfies(b -> assertThat(b.nextOffset()).isEqualTo(3));
    }

    @Test
    void acksAllTimesOutWhenTheFollowerDoesNotFetch() {
        CompletableFuture<Map<TopicPartition, PartitionAppendResult>> produce = append(AppendOrigin.CLIENT, -1, 1);
        scheduler.advance(TIMEOUT_MS);
        PartitionAppendResult result = produce.join().get(TP);
        assertThat(result.error()).isEqualTo(Errors.REQUEST_TIMED_OUT);
        assertThat(result.baseOffset()).isEqualTo(-1);
    }

    @Test
    void acksOneAnswersAtOnce() {
        append(AppendOrigin.CLIENT, 1, 2);
        PartitionAppendResult result = append(AppendOrigin.CLIENT, 1, 1).join().get(TP);
        assertThat(result.error()).isEqualTo(Errors.NONE);
        assertThat(result.baseOffset()).isEqualTo(2);
        assertThat(result.logStartOffset()).isZero();
    }

    @Test
    void leadershipLossFailsAWaitingAcksAllAppend() {
        CompletableFuture<Map<TopicPartition, PartitionAppendResult>> produce = append(AppendOrigin.CLIENT, -1, 1);
        MetadataImage previous = image;
        image = image(new TopicInfo("orders", topic.topicId(), List.of(new PartitionState(0,
            List.of(LEADER, FOLLOWER), FOLLOWER, 2, List.of(LEADER, FOLLOWER))), Map.of()));
        replicas.onMetadataChange(previous, image);
        assertThat(produce.join().get(TP).error()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void aFailedLogDirFailsWaitingAppendsAndFetchesWithAStorageError() {
        CompletableFuture<Map<TopicPartition, PartitionAppendResult>> produce = append(AppendOrigin.CLIENT, -1, 1);
        CompletableFuture<List<FetchPartitionResult>> follower = replicas.fetch(new FetchParams(FOLLOWER, 5_000, 1 << 20,
            1 << 20, IsolationLevel.READ_UNCOMMITTED,
            List.of(new FetchParams.PartitionFetch(TP, 1, 0, -1, 0, 1 << 20))));
        assertThat(follower).isNotDone(); // less than min.bytes, and the high watermark does not move
        Path dir = root.resolve("d1");
        logManager.failureChannel().maybeAddOfflineLogDir(dir, "test: disk gone", new java.io.IOException("EIO"));
        replicas.handleLogDirFailure(dir);
        assertThat(produce.join().get(TP).error()).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(follower.join().get(0).error()).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
    }

    @Test
    void onlyACoordinatorAppendsToAnInternalTopic() {
        TopicInfo offsets = topic(Topic.GROUP_METADATA_TOPIC_NAME, new PartitionState(0, List.of(LEADER), LEADER, 1,
            List.of(LEADER)));
        MetadataImage previous = image;
        image = image(topic, offsets);
        replicas.onMetadataChange(previous, image);
        TopicPartition tp = new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, 0);
        assertThat(replicas.appendRecords(Map.of(tp, records(1)), AppendOrigin.CLIENT, (short) -1, TIMEOUT_MS)
            .join().get(tp).error()).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
        assertThat(replicas.appendRecords(Map.of(tp, records(1)), AppendOrigin.COORDINATOR, (short) -1, TIMEOUT_MS)
            .join().get(tp).error()).isEqualTo(Errors.NONE);
    }

    @Test
    void anUnknownTopicIsRefusedForItsPartitionOnly() {
        TopicPartition unknown = new TopicPartition("nope", 0);
        Map<TopicPartition, PartitionAppendResult> results = replicas.appendRecords(
            Map.of(unknown, records(1), TP, records(1)), AppendOrigin.CLIENT, (short) 1, TIMEOUT_MS).join();
        assertThat(results.get(unknown).error()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(results.get(TP).error()).isEqualTo(Errors.NONE);
    }

    @Test
    void aParkedFetchAnswersEmptyWhenMaxWaitPasses() {
        CompletableFuture<List<FetchPartitionResult>> consumer = replicas.fetch(consumerFetch(0));
        scheduler.advance(400);
        assertThat(consumer).isNotDone();
        scheduler.advance(100);
        FetchPartitionResult read = consumer.join().get(0);
        assertThat(read.error()).isEqualTo(Errors.NONE);
        assertThat(read.records().sizeInBytes()).isZero();
    }

    @Test
    void aFetchFromABrokerOutsideTheReplicaSetIsRefusedAndMovesNothing() {
        append(AppendOrigin.CLIENT, 1, 2);
        FetchPartitionResult read = replicas.fetch(new FetchParams(7, 0, 0, 1 << 20, IsolationLevel.READ_UNCOMMITTED,
            List.of(new FetchParams.PartitionFetch(TP, 1, 2, -1, 0, 1 << 20)))).join().get(0);
        assertThat(read.error()).isNotEqualTo(Errors.NONE);
        assertThat(replicas.partition(TP).orElseThrow().highWatermark()).isZero();
    }

    @Test
    void deleteRecordsWaitsForTheFollowersLogStart() {
        append(AppendOrigin.CLIENT, 1, 4);
        replicas.fetch(followerFetch(4, 0)).join();
        Partition partition = replicas.partition(TP).orElseThrow();
        partition.log().deleteRecordsBefore(2);
        CompletableFuture<Long> low = replicas.awaitLowWatermark(partition, 2, TIMEOUT_MS);
        assertThat(low).isNotDone();
        replicas.fetch(followerFetch(4, 2)).join();
        assertThat(low.join()).isEqualTo(2);

        CompletableFuture<Long> never = replicas.awaitLowWatermark(partition, 3, TIMEOUT_MS);
        scheduler.advance(TIMEOUT_MS);
        assertThat(never).isCompletedExceptionally();
    }

    private CompletableFuture<Map<TopicPartition, PartitionAppendResult>> append(AppendOrigin origin, int acks, int n) {
        return replicas.appendRecords(Map.of(TP, records(n)), origin, (short) acks, TIMEOUT_MS);
    }

    private static FetchParams consumerFetch(long offset) {
        return new FetchParams(-1, 500, 1, 1 << 20, IsolationLevel.READ_UNCOMMITTED,
            List.of(new FetchParams.PartitionFetch(TP, -1, offset, -1, -1, 1 << 20)));
    }

    private static FetchParams followerFetch(long offset, long logStartOffset) {
        return new FetchParams(FOLLOWER, 0, 0, 1 << 20, IsolationLevel.READ_UNCOMMITTED,
            List.of(new FetchParams.PartitionFetch(TP, 1, offset, -1, logStartOffset, 1 << 20)));
    }

    private static MemoryRecords records(int n) {
        SimpleRecord[] records = new SimpleRecord[n];
        for (int i = 0; i < n; i++) {
            records[i] = new SimpleRecord(("v" + i).getBytes());
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    private static TopicInfo topic(String name, PartitionState state) {
        return new TopicInfo(name, Uuid.randomUuid(), List.of(state), Map.of());
    }

    private static MetadataImage image(TopicInfo... topics) {
        Map<String, TopicInfo> byName = new java.util.HashMap<>();
        Map<Uuid, TopicInfo> byId = new java.util.HashMap<>();
        for (TopicInfo t : topics) {
            byName.put(t.name(), t);
            byId.put(t.topicId(), t);
        }
        return new MetadataImage("cid", Map.of(), byName, byId, LEADER);
    }
}
