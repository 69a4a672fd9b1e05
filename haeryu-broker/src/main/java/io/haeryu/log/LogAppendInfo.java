package io.haeryu.log;

/**
 * The outcome of one {@link PartitionLog#appendAsLeader} call.
 *
 * @param logAppendTime the broker timestamp stamped on the batches, or -1 unless the topic uses LogAppendTime
 * @param duplicate     true when an idempotent producer retried batches that are already in the log; the offsets
 *                      are then those of the original append and nothing was written
 */
public record LogAppendInfo(long firstOffset, long lastOffset, long logAppendTime, long logStartOffset, int numRecords,
                            boolean duplicate) {
}
