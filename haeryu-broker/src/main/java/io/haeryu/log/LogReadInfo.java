package io.haeryu.log;

import org.apache.kafka.common.record.internal.Records;

/**
 * The outcome of one {@link PartitionLog#read}.
 *
 * @param records a zero-copy {@code FileRecords} slice of whole batches, or {@code MemoryRecords.EMPTY}
 */
public record LogReadInfo(Records records, long highWatermark, long logStartOffset, long logEndOffset) {
}
