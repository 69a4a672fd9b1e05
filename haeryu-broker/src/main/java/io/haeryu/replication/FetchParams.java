package io.haeryu.replication;

import java.util.List;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * What a Fetch asks of {@link ReplicaManager#fetch} (Kafka's FetchParams): who fetches (a replica id of a follower,
 * or -1 for a consumer), how long to wait for at least {@code minBytes}, the response's byte limit, the isolation
 * level (read_committed will bound consumer reads at the last stable offset once transactions exist; today that is
 * the high watermark for both levels) and, per partition, where to read.
 */
public record FetchParams(int replicaId, int maxWaitMs, int minBytes, int maxBytes, IsolationLevel isolationLevel,
                          List<PartitionFetch> partitions) {

    /**
     * One partition's read: the fetcher's view of the leader epoch (-1: not checked), the offset to read from, a
     * follower's last fetched epoch (-1: none) and log start offset, and the partition's byte limit.
     */
    public record PartitionFetch(TopicPartition topicPartition, int currentLeaderEpoch, long fetchOffset,
                                 int lastFetchedEpoch, long logStartOffset, int maxBytes) {
    }

    public boolean fromFollower() {
        return replicaId >= 0;
    }
}
