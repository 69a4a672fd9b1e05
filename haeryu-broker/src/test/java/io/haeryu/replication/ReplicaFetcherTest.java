package io.haeryu.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.haeryu.cluster.PartitionState;
import io.haeryu.log.LogConfig;
import io.haeryu.log.LogManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The follower's handling of a leader's fetch answer: each partition on its own. */
class ReplicaFetcherTest {

    private static final int LEADER = 1;
    private static final int EPOCH = 3;

    @TempDir
    Path dir;
    private ScheduledExecutorService scheduler;
    private LogManager logManager;
    private ReplicaFetcher fetcher;

    @BeforeEach
    void setUp() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        logManager = new LogManager(List.of(dir), LogConfig.defaults(), Time.SYSTEM, scheduler);
        logManager.startup();
        fetcher = new ReplicaFetcher(2, LEADER, id -> Optional.empty(), new ReplicaFetcher.Settings(500, 1 << 20,
            10 << 20, 60_000, "PLAINTEXT"));
    }

    @AfterEach
    void tearDown() throws Exception {
        fetcher.close();
        logManager.close();
        scheduler.shutdownNow();
    }

    private Partition follower(String topic) {
        TopicPartition tp = new TopicPartition(topic, 0);
        Partition partition = new Partition(tp, logManager.getOrCreateLog(tp, Uuid.randomUuid(), LogConfig.defaults()),
            2, new Partition.Events() {
                @Override
                public void highWatermarkAdvanced(Partition p) {
                }

                @Override
                public void isrChangeWanted(Partition p, int leaderEpoch, List<Integer> newIsr) {
                }
            });
        partition.applyState(new PartitionState(0, List.of(1, 2), LEADER, EPOCH, List.of(1, 2)), 0);
        fetcher.add(partition);
        return partition;
    }

    /** {@code n} records at {@code baseOffset} as the leader wrote them in {@link #EPOCH}. */
    private static MemoryRecords leaderBatch(long baseOffset, int n) {
        SimpleRecord[] records = new SimpleRecord[n];
        for (int i = 0; i < n; i++) {
            records[i] = new SimpleRecord(("v" + (baseOffset + i)).getBytes(StandardCharsets.UTF_8));
        }
        MemoryRecords batch = MemoryRecords.withRecords(baseOffset, Compression.NONE, records);
        for (MutableRecordBatch b : batch.batches()) {
            b.setPartitionLeaderEpoch(EPOCH);
        }
        return batch;
    }

    private static FetchResponseData.FetchableTopicResponse answer(Partition partition, MemoryRecords records,
                                                                   long highWatermark) {
        return new FetchResponseData.FetchableTopicResponse().setTopic(partition.topicPartition().topic())
            .setPartitions(List.of(new FetchResponseData.PartitionData().setPartitionIndex(0)
                .setHighWatermark(highWatermark).setLastStableOffset(highWatermark).setLogStartOffset(0)
                .setRecords(records)));
    }

    @Test
    void aFailingPartitionHoldsBackOnlyItself() throws Exception {
        Partition broken = follower("broken");
        Partition healthy = follower("healthy");
        broken.appendAsFollower(EPOCH, leaderBatch(0, 5), 5, 0);
        // The leader's answer for "broken" repeats offsets it already has: appending it throws.
        FetchResponse response = FetchResponse.of(new FetchResponseData().setResponses(List.of(
            answer(broken, leaderBatch(0, 5), 10), answer(healthy, leaderBatch(0, 7), 7))));

        fetcher.handleResponse(response, Map.of(broken.topicPartition(), broken, healthy.topicPartition(), healthy),
            Map.of(broken.topicPartition(), EPOCH, healthy.topicPartition(), EPOCH));

        assertThat(healthy.log().logEndOffset()).isEqualTo(7);
        assertThat(healthy.highWatermark()).isEqualTo(7);
        assertThat(broken.log().logEndOffset()).isEqualTo(5);
        // The next rounds fetch the healthy partition; the broken one waits out replica.fetch.backoff.ms.
        assertThat(fetcher.roundPartitions(System.nanoTime()).keySet()).containsExactly(healthy.topicPartition());
        assertThat(fetcher.roundPartitions(System.nanoTime() + 61_000_000_000L).keySet())
            .containsExactlyInAnyOrder(healthy.topicPartition(), broken.topicPartition());
    }
}
