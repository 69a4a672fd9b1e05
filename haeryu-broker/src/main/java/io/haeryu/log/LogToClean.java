package io.haeryu.log;

import java.util.ArrayList;
import java.util.List;

/**
 * The cleanable part of one compacted log at one moment. Cleanable segments are the leading non-active segments that
 * lie wholly below the high watermark and, with min.compaction.lag.ms, stop before the first segment holding a record
 * younger than the lag (Kafka's rule, per segment). Among them the dirty ones hold offsets at or above the cleaner
 * checkpoint; the others were compacted before.
 */
record LogToClean(PartitionLog log, List<LogSegment> cleanableSegments, int firstDirtyIndex, long firstDirtyOffset,
                  long firstUncleanableOffset, long cleanBytes, long dirtyBytes, boolean maxCompactionLagExceeded) {

    static LogToClean of(PartitionLog log, long nowMs) {
        LogConfig config = log.config();
        List<LogSegment> all = log.segmentList();
        long highWatermark = log.highWatermark();
        int cleanable = 0;
        while (cleanable < all.size() - 1 && all.get(cleanable + 1).baseOffset() <= highWatermark
            && (config.minCompactionLagMs() == 0
                || nowMs - all.get(cleanable).largestTimestamp() >= config.minCompactionLagMs())) {
            cleanable++;
        }
        long firstUncleanable = all.get(cleanable).baseOffset();
        long firstDirty = Math.min(log.cleanerCheckpoint(), firstUncleanable);
        long cleanBytes = 0;
        long dirtyBytes = 0;
        int firstDirtyIndex = cleanable;
        for (int i = 0; i < cleanable; i++) {
            // Segment i holds offsets up to the next base offset; a checkpoint inside it makes it dirty.
            if (all.get(i + 1).baseOffset() > firstDirty) {
                firstDirtyIndex = Math.min(firstDirtyIndex, i);
                dirtyBytes += all.get(i).sizeInBytes();
            } else {
                cleanBytes += all.get(i).sizeInBytes();
            }
        }
        boolean lagExceeded = false;
        if (dirtyBytes > 0 && config.maxCompactionLagMs() != Long.MAX_VALUE) {
            long firstDirtyTimestamp = all.get(firstDirtyIndex).firstBatchTimestamp();
            lagExceeded = firstDirtyTimestamp >= 0 && nowMs - firstDirtyTimestamp > config.maxCompactionLagMs();
        }
        return new LogToClean(log, new ArrayList<>(all.subList(0, cleanable)), firstDirtyIndex, firstDirty,
            firstUncleanable, cleanBytes, dirtyBytes, lagExceeded);
    }

    /** Dirty bytes over all cleanable bytes (Kafka's cleanable ratio). */
    double dirtyRatio() {
        long total = cleanBytes + dirtyBytes;
        return total == 0 ? 0 : (double) dirtyBytes / total;
    }

    /** The cleanable segments from the one holding the first dirty offset on. */
    List<LogSegment> dirtySegments() {
        return cleanableSegments.subList(firstDirtyIndex, cleanableSegments.size());
    }

    /**
     * Whether the log is due: dirty enough (min.cleanable.dirty.ratio), dirty for longer than max.compaction.lag.ms,
     * or holding tombstones whose delete horizon (from the previous cleaning) has passed.
     */
    boolean isDue(long nowMs, long latestDeleteHorizonMs) {
        boolean dirtyEnough = dirtyBytes > 0
            && (dirtyRatio() >= log.config().minCleanableDirtyRatio() || maxCompactionLagExceeded);
        boolean tombstonesExpired = latestDeleteHorizonMs >= 0 && latestDeleteHorizonMs <= nowMs
            && !cleanableSegments.isEmpty();
        return dirtyEnough || tombstonesExpired;
    }
}
