package io.haeryu.log;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;

/**
 * A memory-mapped file of fixed-size entries sorted by a key, searched with binary search.
 *
 * <p>Writers (appends, resize, truncation) are serialized by the owning log's append lock. Readers only use absolute
 * gets on the current mapping for slots below {@link #entries()}, so they never need that lock: a superseded mapping
 * stays valid until garbage collected and never covers file bytes that were cut away under a live slot.
 */
abstract class AbstractIndex {
    /** Reads the search key of one slot; implementations are stateless so lookups allocate nothing. */
    @FunctionalInterface
    protected interface KeyReader {
        long keyAt(MappedByteBuffer buffer, int slot);
    }

    protected final long baseOffset;
    private final int entrySize;
    private volatile File file;
    private volatile MappedByteBuffer mmap;
    private volatile int entries;
    private int maxEntries;

    /** Opens the index, creating it preallocated to maxIndexSize if absent; an existing file keeps its entries. */
    protected AbstractIndex(File file, long baseOffset, int maxIndexSize, int entrySize) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        boolean existed = file.exists() && file.length() > 0;
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            if (!existed) {
                raf.setLength(roundDownToEntry(maxIndexSize));
            }
            long length = raf.length();
            this.mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
            // A trimmed file holds exactly its entries; a preallocated one found after a crash is rebuilt by recovery.
            this.entries = existed ? (int) (length / entrySize) : 0;
            this.maxEntries = (int) (length / entrySize);
        }
    }

    int entries() {
        return entries;
    }

    boolean isFull() {
        return entries >= maxEntries;
    }

    File file() {
        return file;
    }

    protected MappedByteBuffer buffer() {
        return mmap;
    }

    /** Makes a newly written last slot visible to readers. */
    protected void publishAppend() {
        entries = entries + 1;
    }

    protected int relativeOffset(long offset) {
        long relative = offset - baseOffset;
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Offset " + offset + " does not fit an index based at " + baseOffset);
        }
        return (int) relative;
    }

    /** The largest slot whose key is at most target, or -1 if every key is larger (or the index is empty). */
    protected int largestSlotAtMost(long target, KeyReader reader) {
        MappedByteBuffer buf = mmap;
        int lo = 0;
        int hi = entries - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (reader.keyAt(buf, mid) <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Forgets every entry, so recovery can rebuild the index. */
    void truncateAll() {
        entries = 0;
    }

    /** Re-maps the file at newSize bytes (rounded down to whole entries), keeping existing entries. */
    void resize(int newSize) throws IOException {
        int length = roundDownToEntry(Math.max(newSize, entries * entrySize));
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            raf.setLength(length);
            mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
            maxEntries = length / entrySize;
        }
    }

    /** Shrinks the file to its entries, so that a reopen counts entries from the length (segment became inactive). */
    void trimToValidSize() throws IOException {
        resize(entries * entrySize);
    }

    void flush() {
        mmap.force();
    }

    void renameTo(File target) throws IOException {
        Files.move(file.toPath(), target.toPath(), StandardCopyOption.ATOMIC_MOVE);
        file = target;
    }

    void deleteIfExists() throws IOException {
        Files.deleteIfExists(file.toPath());
    }

    private int roundDownToEntry(long size) {
        return (int) (Math.min(size, Integer.MAX_VALUE) / entrySize * entrySize);
    }
}
