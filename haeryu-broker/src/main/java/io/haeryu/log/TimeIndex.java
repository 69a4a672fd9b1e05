package io.haeryu.log;

import java.io.File;
import java.io.IOException;

import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Sparse map from timestamp to offset in one segment: entries of (timestamp long, relative offset int), added only
 * when the segment's largest timestamp grows, so timestamps and offsets both increase. The offset of an entry is the
 * base offset of the batch that carried that timestamp.
 */
final class TimeIndex extends AbstractIndex {
    private static final int ENTRY_SIZE = 12;
    private static final KeyReader BY_TIMESTAMP = (buf, slot) -> buf.getLong(slot * ENTRY_SIZE);

    TimeIndex(File file, long baseOffset, int maxIndexSize) throws IOException {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE);
    }

    /** Appends (timestamp, offset) if timestamp exceeds the last entry and there is room. */
    void maybeAppend(long timestamp, long offset) {
        if (!isFull()) {
            appendIfNewer(timestamp, offset);
        }
    }

    /**
     * Records the segment's final largest timestamp when it stops being active, growing the file by one entry if
     * needed: on a clean reopen the largest timestamp is then read from the last entry instead of a log scan.
     */
    void appendFinalEntry(long timestamp, long offset) throws IOException {
        if (timestamp > lastTimestamp()) {
            if (isFull()) {
                resize((entries() + 1) * ENTRY_SIZE);
            }
            appendIfNewer(timestamp, offset);
        }
    }

    private void appendIfNewer(long timestamp, long offset) {
        int slot = entries();
        if (timestamp == RecordBatch.NO_TIMESTAMP || (slot > 0 && timestamp <= timestampAt(slot - 1))) {
            return;
        }
        int base = slot * ENTRY_SIZE;
        buffer().putLong(base, timestamp);
        buffer().putInt(base + 8, relativeOffset(offset));
        publishAppend();
    }

    /** The largest indexed timestamp, or NO_TIMESTAMP if empty. */
    long lastTimestamp() {
        int n = entries();
        return n == 0 ? RecordBatch.NO_TIMESTAMP : timestampAt(n - 1);
    }

    /** The offset of the last indexed entry, or the base offset if empty. */
    long lastOffset() {
        int n = entries();
        return n == 0 ? baseOffset : offsetAt(n - 1);
    }

    /** An offset from which to scan for the first record with timestamp >= target: never past such a record. */
    long scanStartOffsetFor(long targetTimestamp) {
        int slot = largestSlotAtMost(targetTimestamp, BY_TIMESTAMP);
        return slot < 0 ? baseOffset : offsetAt(slot);
    }

    /** Cheap sanity check of a trimmed index found at load: its last entry must lie inside the segment. */
    boolean isConsistentWith(long segmentNextOffset) {
        int n = entries();
        return n == 0 || (offsetAt(n - 1) >= baseOffset && offsetAt(n - 1) < Math.max(segmentNextOffset, baseOffset + 1)
            && timestampAt(n - 1) >= timestampAt(0));
    }

    private long timestampAt(int slot) {
        return buffer().getLong(slot * ENTRY_SIZE);
    }

    private long offsetAt(int slot) {
        return baseOffset + buffer().getInt(slot * ENTRY_SIZE + 8);
    }
}
