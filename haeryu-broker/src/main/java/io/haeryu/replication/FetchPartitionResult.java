package io.haeryu.replication;

import io.haeryu.log.LeaderEpochFileCache;
import java.util.Optional;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Records;

/**
 * One partition's outcome of {@link ReplicaManager#fetch}: the records read (a zero-copy slice, or none), the
 * partition's high watermark, last stable offset and log start offset, or an error; for a follower whose last
 * fetched epoch ended earlier in the leader's history, the epoch and end offset to truncate to instead of records.
 */
public record FetchPartitionResult(Errors error, Records records, long highWatermark, long lastStableOffset,
                                   long logStartOffset, Optional<LeaderEpochFileCache.EpochOffset> divergingEpoch) {

    /** Kafka's "unknown" value of the offsets in a failed partition's answer. */
    private static final long INVALID_OFFSET = -1;

    static FetchPartitionResult failed(Errors error) {
        return new FetchPartitionResult(error, MemoryRecords.EMPTY, INVALID_OFFSET, INVALID_OFFSET, INVALID_OFFSET,
            Optional.empty());
    }
}
