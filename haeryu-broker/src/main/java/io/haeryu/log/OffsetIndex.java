package io.haeryu.log;

import java.io.File;
import java.io.IOException;

/**
 * Sparse map from offset to file position in one segment: entries of (relative offset int, position int), one every
 * index.interval.bytes of log, so a read scans at most that many bytes of batch headers.
 */
final class OffsetIndex extends AbstractIndex {
    private static final int ENTRY_SIZE = 8;
    private static final KeyReader BY_OFFSET = (buf, slot) -> buf.getInt(slot * ENTRY_SIZE);
    private static final KeyReader BY_POSITION = (buf, slot) -> buf.getInt(slot * ENTRY_SIZE + 4);

    OffsetIndex(File file, long baseOffset, int maxIndexSize) throws IOException {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE);
    }

    void append(long offset, int position) {
        int slot = entries();
        if (slot > 0 && offset <= offsetAt(slot - 1)) {
            throw new IllegalStateException("Offset index entries must increase: " + offset + " after " + offsetAt(slot - 1)
                + " in " + file());
        }
        int base = slot * ENTRY_SIZE;
        buffer().putInt(base, relativeOffset(offset));
        buffer().putInt(base + 4, position);
        publishAppend();
    }

    /** Position of the last indexed batch whose offset is at most target; 0 (segment start) if none. */
    int positionForOffset(long target) {
        int slot = largestSlotAtMost(target - baseOffset, BY_OFFSET);
        return slot < 0 ? 0 : positionAt(slot);
    }

    /** The last indexed batch start at or before position; 0 if none. */
    int batchStartAtOrBefore(int position) {
        int slot = largestSlotAtMost(position, BY_POSITION);
        return slot < 0 ? 0 : positionAt(slot);
    }

    /**
     * Cheap sanity check of a trimmed index found at load (like Kafka, only the ends, to keep startup fast): entries
     * lie above the base offset, in increasing order at the ends, and point inside the log.
     */
    boolean isConsistentWith(int logSizeInBytes) {
        int n = entries();
        if (n == 0) {
            return true;
        }
        int last = n - 1;
        return offsetAt(last) > baseOffset - 1 && positionAt(last) < logSizeInBytes
            && (n == 1 || (offsetAt(last) > offsetAt(0) && positionAt(last) > positionAt(0)));
    }

    private long offsetAt(int slot) {
        return baseOffset + buffer().getInt(slot * ENTRY_SIZE);
    }

    private int positionAt(int slot) {
        return buffer().getInt(slot * ENTRY_SIZE + 4);
    }
}
