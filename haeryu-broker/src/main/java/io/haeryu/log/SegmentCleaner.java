package io.haeryu.log;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecords.FilterResult;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.BufferSupplier;

/**
 * Rewrites a group of consecutive segments into one {@code .cleaned} segment, keeping what a
 * {@link CompactionFilter} retains. Batches go through kafka-clients' {@link MemoryRecords#filterTo}, which copies
 * fully retained batches byte for byte and rebuilds the others with their base and last offsets, producer id, epoch,
 * base sequence and compression codec preserved. One instance serves one cleaning of one log and counts its work.
 */
final class SegmentCleaner {
    private final File dir;
    private final LogConfig config;
    private final Time time;
    private final BooleanSupplier stopRequested;
    private final BufferSupplier decompressionBuffers;
    private ByteBuffer readBuffer;
    private ByteBuffer writeBuffer;
    private long recordsRead;
    private long recordsRetained;
    private long bytesRead;
    private long bytesWritten;

    SegmentCleaner(File dir, LogConfig config, Time time, int ioBufferBytes, BufferSupplier decompressionBuffers,
                   BooleanSupplier stopRequested) {
        this.dir = dir;
        this.decompressionBuffers = decompressionBuffers;
        this.config = config;
        this.time = time;
        this.stopRequested = stopRequested;
        this.readBuffer = ByteBuffer.allocate(ioBufferBytes / 2);
        this.writeBuffer = ByteBuffer.allocate(ioBufferBytes / 2);
    }

    /**
     * Writes the retained batches of group (in offset order) to a new segment at the group's base offset, flushed,
     * with indexes. On failure or when stopRequested turns true (CancellationException) the files are deleted.
     */
    LogSegment clean(List<LogSegment> group, CompactionFilter filter) throws IOException {
        LogSegment cleaned = LogSegment.createCleaned(dir, group.get(0).baseOffset(), config, time);
        try {
            for (LogSegment source : group) {
                cleanInto(source, cleaned, filter);
            }
            cleaned.onBecomeInactive();
            cleaned.flush();
            return cleaned;
        } catch (IOException | RuntimeException e) {
            cleaned.deleteIfExists();
            throw e;
        }
    }

    private void cleanInto(LogSegment source, LogSegment cleaned, CompactionFilter filter) throws IOException {
        int position = 0;
        int size = source.sizeInBytes();
        while (position < size) {
            if (stopRequested.getAsBoolean()) {
                throw new CancellationException("The log cleaner is shutting down");
            }
            readBuffer.clear();
            source.readInto(readBuffer, position);
            FilterResult result = MemoryRecords.readableRecords(readBuffer)
                .filterTo(filter, writeBuffer.clear(), decompressionBuffers, config.maxMessageBytes());
            if (result.bytesRead() == 0) {
                growReadBufferFor(source, position);
                continue;
            }
            position += result.bytesRead();
            recordsRead += result.messagesRead();
            bytesRead += result.bytesRead();
            recordsRetained += result.messagesRetained();
            // filterTo allocates a larger buffer when the retained batches do not fit; keep it for the next chunk.
            writeBuffer = result.outputBuffer();
            ByteBuffer retained = writeBuffer.duplicate().flip();
            if (retained.hasRemaining()) {
                bytesWritten += retained.remaining();
                cleaned.append(MemoryRecords.readableRecords(retained));
            }
        }
    }

    /** The batch at position is larger than the read buffer: make room for it (Kafka's cleaner does the same). */
    private void growReadBufferFor(LogSegment source, int position) {
        if (readBuffer.remaining() < Records.LOG_OVERHEAD) {
            throw new CorruptRecordException("Segment " + source + " ends with a truncated batch header at " + position);
        }
        int batchSize = readBuffer.getInt(Records.SIZE_OFFSET) + Records.LOG_OVERHEAD;
        if (batchSize <= readBuffer.capacity()) {
            throw new CorruptRecordException("Segment " + source + " has an invalid batch of " + batchSize
                + " bytes at " + position);
        }
        readBuffer = ByteBuffer.allocate(batchSize);
    }

    long recordsRead() {
        return recordsRead;
    }

    long recordsRetained() {
        return recordsRetained;
    }

    long bytesRead() {
        return bytesRead;
    }

    long bytesWritten() {
        return bytesWritten;
    }
}
