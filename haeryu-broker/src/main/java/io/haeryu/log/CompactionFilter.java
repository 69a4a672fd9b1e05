package io.haeryu.log;

import java.util.Map;
import java.util.OptionalLong;

import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Decides, for {@link MemoryRecords#filterTo}, which records of one group of segments survive a cleaning:
 * <ul>
 *   <li>a record survives if no later record of its key is in the offset map; keyless records (possible only in data
 *       written before the topic became compacted) are dropped, as Kafka does;</li>
 *   <li>a tombstone (null value) survives until its batch's delete horizon has passed. The first cleaning that keeps
 *       a tombstone stamps its batch with the horizon "clean time + delete.retention.ms" (filterTo does this, as in
 *       Kafka 3+), so consumers reading from the start have delete.retention.ms to see it once older values are
 *       gone. It is only dropped below the offset map's end, where every older value of its key is already gone;</li>
 *   <li>control batches are kept whole; the last batch of each idempotent producer and the last batch of the group
 *       are kept at least as an empty header. The first lets producer state be rebuilt from the log with the right
 *       last sequence; the second keeps the cleaned segment's offset range equal to its originals', which crash
 *       recovery of an interrupted swap relies on ({@link LogLoader}).</li>
 * </ul>
 */
final class CompactionFilter extends MemoryRecords.RecordFilter {
    private final CleanerOffsetMap offsetMap;
    private final long offsetMapEnd;
    private final Map<Long, Long> producerLastBatchOffsets;
    private final long groupLastOffset;
    private long latestDeleteHorizonMs = RecordBatch.NO_TIMESTAMP;

    /**
     * @param offsetMapEnd            the offset after the last record the offset map has seen
     * @param producerLastBatchOffsets per producer id, the last offset of its last batch
     * @param groupLastOffset         the last offset of the group of segments being cleaned
     */
    CompactionFilter(CleanerOffsetMap offsetMap, long offsetMapEnd, long nowMs, long deleteRetentionMs,
                     Map<Long, Long> producerLastBatchOffsets, long groupLastOffset) {
        super(nowMs, deleteRetentionMs);
        this.offsetMap = offsetMap;
        this.offsetMapEnd = offsetMapEnd;
        this.producerLastBatchOffsets = producerLastBatchOffsets;
        this.groupLastOffset = groupLastOffset;
    }

    @Override
    protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
        boolean keepHeader = batch.isControlBatch() || batch.lastOffset() == groupLastOffset
            || (batch.hasProducerId()
                && producerLastBatchOffsets.getOrDefault(batch.producerId(), -1L) == batch.lastOffset());
        return new BatchRetentionResult(keepHeader ? BatchRetention.RETAIN_EMPTY : BatchRetention.DELETE_EMPTY, false);
    }

    @Override
    protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
        if (batch.isControlBatch()) {
            return true;
        }
        if (!record.hasKey() || record.offset() < offsetMap.get(record.key())) {
            return false;
        }
        if (record.hasValue()) {
            return true;
        }
        OptionalLong horizon = batch.deleteHorizonMs();
        if (horizon.isPresent() && currentTime >= horizon.getAsLong() && record.offset() < offsetMapEnd) {
            return false;
        }
        latestDeleteHorizonMs = Math.max(latestDeleteHorizonMs, horizon.orElse(currentTime + deleteRetentionMs));
        return true;
    }

    /** The latest delete horizon of the tombstones kept so far, or NO_TIMESTAMP if none was kept. */
    long latestDeleteHorizonMs() {
        return latestDeleteHorizonMs;
    }
}
