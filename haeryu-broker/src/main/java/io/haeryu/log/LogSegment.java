package io.haeryu.log;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Iterator;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.FileRecords.LogOffsetPosition;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment of a partition log: the {@code .log} file of record batches starting at baseOffset plus its offset and
 * time indexes. Appends are serialized by the owning {@link PartitionLog}; reads run concurrently and only see bytes
 * that were completely written (FileRecords publishes its size after the write).
 */
final class LogSegment implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(LogSegment.class);
    private static final long UNKNOWN = Long.MIN_VALUE;

    /** The largest batch timestamp in the segment and the base offset of the batch that carries it. */
    private record MaxTimestamp(long timestamp, long batchBaseOffset) {
        static final MaxTimestamp NONE = new MaxTimestamp(RecordBatch.NO_TIMESTAMP, -1);
    }

    private final long baseOffset;
    private final FileRecords records;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final int indexIntervalBytes;
    private final long createdMs;
    private int bytesSinceLastIndexEntry;
    private volatile MaxTimestamp maxTimestamp = MaxTimestamp.NONE;
    /** Max timestamp of the first batch, the reference for time-based rolling; loaded lazily after a reopen. */
    private long rollingBasedTimestamp = UNKNOWN;

    private LogSegment(long baseOffset, FileRecords records, OffsetIndex offsetIndex, TimeIndex timeIndex,
                       int indexIntervalBytes, long createdMs) {
        this.baseOffset = baseOffset;
        this.records = records;
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.indexIntervalBytes = indexIntervalBytes;
        this.createdMs = createdMs;
        if (timeIndex.entries() > 0) {
            this.maxTimestamp = new MaxTimestamp(timeIndex.lastTimestamp(), timeIndex.lastOffset());
        }
    }

    /** Opens the files of the segment at baseOffset in dir, creating any that are missing. */
    static LogSegment open(File dir, long baseOffset, LogConfig config, Time time) throws IOException {
        return open(dir, baseOffset, "", config, time);
    }

    /** Creates the {@code .cleaned} files of a segment the log cleaner writes to replace segments from baseOffset. */
    static LogSegment createCleaned(File dir, long baseOffset, LogConfig config, Time time) throws IOException {
        for (String name : fileNames(baseOffset, LogFileNames.CLEANED_SUFFIX)) {
            // Leftovers of an aborted clean must not be appended to.
            Files.deleteIfExists(new File(dir, name).toPath());
        }
        return open(dir, baseOffset, LogFileNames.CLEANED_SUFFIX, config, time);
    }

    private static LogSegment open(File dir, long baseOffset, String fileSuffix, LogConfig config, Time time)
        throws IOException {
        File logFile = new File(LogFileNames.file(dir, baseOffset, LogFileNames.LOG_SUFFIX).getPath() + fileSuffix);
        FileRecords records = FileRecords.open(logFile, true, logFile.exists(), 0, false);
        OffsetIndex offsetIndex = new OffsetIndex(
            new File(LogFileNames.file(dir, baseOffset, LogFileNames.INDEX_SUFFIX).getPath() + fileSuffix),
            baseOffset, config.segmentIndexBytes());
        TimeIndex timeIndex = new TimeIndex(
            new File(LogFileNames.file(dir, baseOffset, LogFileNames.TIME_INDEX_SUFFIX).getPath() + fileSuffix),
            baseOffset, config.segmentIndexBytes());
        return new LogSegment(baseOffset, records, offsetIndex, timeIndex, config.indexIntervalBytes(),
            time.milliseconds());
    }

    /** The names of the log, offset index and time index files of the segment at baseOffset, with fileSuffix. */
    static String[] fileNames(long baseOffset, String fileSuffix) {
        String base = String.format("%020d", baseOffset);
        return new String[] {base + LogFileNames.LOG_SUFFIX + fileSuffix, base + LogFileNames.INDEX_SUFFIX + fileSuffix,
            base + LogFileNames.TIME_INDEX_SUFFIX + fileSuffix};
    }

    long baseOffset() {
        return baseOffset;
    }

    int sizeInBytes() {
        return records.sizeInBytes();
    }

    /** The largest timestamp in the segment, or the file's modification time if no batch carries one. */
    long largestTimestamp() {
        long ts = maxTimestamp.timestamp;
        return ts != RecordBatch.NO_TIMESTAMP ? ts : records.file().lastModified();
    }

    /**
     * Whether an append of appendBytes whose first batch has firstBatchTimestamp and whose last offset is
     * lastOffset needs a new segment: size, age (by message time, as Kafka), full index or relative-offset overflow.
     */
    boolean shouldRoll(LogConfig config, int appendBytes, long firstBatchTimestamp, long lastOffset, long nowMs)
        throws IOException {
        if (records.sizeInBytes() == 0) {
            return false;
        }
        return records.sizeInBytes() > config.segmentBytes() - appendBytes
            || timeWaitedForRoll(firstBatchTimestamp, nowMs) > config.segmentMs()
            || offsetIndex.isFull() || timeIndex.isFull()
            || lastOffset - baseOffset > Integer.MAX_VALUE;
    }

    private long timeWaitedForRoll(long messageTimestamp, long nowMs) {
        long firstBatchTimestamp = firstBatchTimestamp();
        if (firstBatchTimestamp >= 0 && messageTimestamp >= 0) {
            return messageTimestamp - firstBatchTimestamp;
        }
        return nowMs - createdMs;
    }

    /** The max timestamp of the first batch (NO_TIMESTAMP if none): when the segment's data started. */
    long firstBatchTimestamp() {
        if (rollingBasedTimestamp == UNKNOWN) {
            Iterator<FileChannelRecordBatch> batches = records.batches().iterator();
            rollingBasedTimestamp = batches.hasNext() ? batches.next().maxTimestamp() : RecordBatch.NO_TIMESTAMP;
        }
        return rollingBasedTimestamp;
    }

    /** Appends batches whose offsets are already assigned; they must all belong above this segment's base. */
    void append(MemoryRecords batches) throws IOException {
        int position = records.sizeInBytes();
        records.append(batches);
        MaxTimestamp max = maxTimestamp;
        long maxTs = max.timestamp;
        long maxTsOffset = max.batchBaseOffset;
        boolean firstInSegment = position == 0;
        for (MutableRecordBatch batch : batches.batches()) {
            if (firstInSegment) {
                rollingBasedTimestamp = batch.maxTimestamp();
                firstInSegment = false;
            }
            if (batch.maxTimestamp() > maxTs) {
                maxTs = batch.maxTimestamp();
                maxTsOffset = batch.baseOffset();
            }
            maybeIndex(batch.lastOffset(), position, batch.sizeInBytes(), maxTs, maxTsOffset);
            position += batch.sizeInBytes();
        }
        publishMaxTimestamp(maxTs, maxTsOffset);
    }

    /** Adds index entries once index.interval.bytes of log has been written since the last one. */
    private void maybeIndex(long batchLastOffset, int position, int batchSize, long maxTs, long maxTsOffset) {
        if (bytesSinceLastIndexEntry > indexIntervalBytes) {
            offsetIndex.append(batchLastOffset, position);
            timeIndex.maybeAppend(maxTs, maxTsOffset);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batchSize;
    }

    private void publishMaxTimestamp(long maxTs, long maxTsOffset) {
        if (maxTs != maxTimestamp.timestamp) {
            maxTimestamp = new MaxTimestamp(maxTs, maxTsOffset);
        }
    }

    /** The first batch whose last offset is at least offset, or null if the segment holds no such batch. */
    LogOffsetPosition translateOffset(long offset) {
        return records.searchForOffsetFromPosition(offset, offsetIndex.positionForOffset(offset));
    }

    /**
     * Whole batches starting with the one containing startOffset, ending before maxPosition, at most maxSize bytes
     * (or the first batch alone if minOneMessage and it is larger). Null if startOffset is past this segment.
     */
    Records read(long startOffset, int maxSize, int maxPosition, boolean minOneMessage) {
        LogOffsetPosition start = translateOffset(startOffset);
        if (start == null) {
            return null;
        }
        int limit = Math.min(maxPosition, records.sizeInBytes());
        if (start.position + start.size > limit) {
            return MemoryRecords.EMPTY;
        }
        if (start.size > maxSize) {
            return minOneMessage ? records.slice(start.position, start.size) : MemoryRecords.EMPTY;
        }
        long budgetEnd = (long) start.position + maxSize;
        int end = budgetEnd >= limit ? limit : endOfWholeBatchesWithin(start.position, (int) budgetEnd);
        return records.slice(start.position, end - start.position);
    }

    /** End of the last whole batch at or before bound, scanning headers only from the nearest index entry. */
    private int endOfWholeBatchesWithin(int from, int bound) {
        int end = Math.max(from, offsetIndex.batchStartAtOrBefore(bound));
        for (FileChannelRecordBatch batch : records.batchesFrom(end)) {
            int batchEnd = batch.position() + batch.sizeInBytes();
            if (batchEnd > bound) {
                break;
            }
            end = batchEnd;
        }
        return end;
    }

    /** The first record at or after startingOffset whose timestamp is at least target, or null. */
    TimestampAndOffset findOffsetByTimestamp(long targetTimestamp, long startingOffset) {
        long scanFrom = Math.max(timeIndex.scanStartOffsetFor(targetTimestamp), startingOffset);
        FileRecords.TimestampAndOffset found = records.searchForTimestamp(targetTimestamp,
            offsetIndex.positionForOffset(scanFrom), scanFrom, Integer.MAX_VALUE /* our own, already validated data */);
        return found == null ? null
            : new TimestampAndOffset(found.timestamp, found.offset, found.leaderEpoch.orElse(-1));
    }

    /** The record with the segment's largest timestamp (first one if tied), or null if no batch has a timestamp. */
    TimestampAndOffset maxTimestampAndOffset() {
        MaxTimestamp max = maxTimestamp;
        if (max.timestamp == RecordBatch.NO_TIMESTAMP) {
            return null;
        }
        LogOffsetPosition position = translateOffset(max.batchBaseOffset);
        FileChannelRecordBatch batch = records.batchesFrom(position.position).iterator().next();
        for (Record record : batch) {
            if (record.timestamp() == batch.maxTimestamp()) {
                return new TimestampAndOffset(record.timestamp(), record.offset(), batch.partitionLeaderEpoch());
            }
        }
        return new TimestampAndOffset(batch.maxTimestamp(), batch.baseOffset(), batch.partitionLeaderEpoch());
    }

    /** Reads the segment's bytes from position into buffer, up to its remaining space or the end of the file. */
    void readInto(ByteBuffer buffer, int position) throws IOException {
        records.readInto(buffer, position);
    }

    /** All batches, for replaying producer state; headers are read lazily. */
    Iterable<FileChannelRecordBatch> batches() {
        return records.batches();
    }

    /** The largest batch timestamp, or NO_TIMESTAMP if no batch has one. */
    long maxTimestamp() {
        return maxTimestamp.timestamp;
    }

    /** The offset after the last batch, scanning headers from the last offset index entry. */
    long readNextOffset() {
        long next = baseOffset;
        for (FileChannelRecordBatch batch : records.batchesFrom(offsetIndex.batchStartAtOrBefore(Integer.MAX_VALUE))) {
            next = batch.nextOffset();
        }
        return next;
    }

    /** Whether the indexes found on disk pass a sanity check; if not the segment must be recovered. */
    boolean indexesLookConsistent() throws IOException {
        return offsetIndex.isConsistentWith(records.sizeInBytes()) && timeIndex.isConsistentWith(readNextOffset());
    }

    /**
     * Validates every batch (size, magic, CRC, increasing offsets), truncates the file at the first invalid one and
     * rebuilds both indexes. Returns the number of bytes cut off.
     */
    int recover(int maxIndexSize) throws IOException {
        offsetIndex.truncateAll();
        timeIndex.truncateAll();
        offsetIndex.resize(maxIndexSize);
        timeIndex.resize(maxIndexSize);
        bytesSinceLastIndexEntry = 0;
        rollingBasedTimestamp = UNKNOWN;
        long maxTs = RecordBatch.NO_TIMESTAMP;
        long maxTsOffset = -1;
        long nextExpectedOffset = baseOffset;
        int validBytes = 0;
        try {
            for (FileChannelRecordBatch batch : records.batches()) {
                if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
                    throw new CorruptRecordException("Unsupported magic " + batch.magic());
                }
                batch.ensureValid();
                if (batch.baseOffset() < nextExpectedOffset || batch.lastOffset() < batch.baseOffset()
                    || batch.lastOffset() - baseOffset > Integer.MAX_VALUE) {
                    throw new CorruptRecordException("Batch offsets " + batch.baseOffset() + ".." + batch.lastOffset()
                        + " out of order, expected at least " + nextExpectedOffset);
                }
                if (batch.maxTimestamp() > maxTs) {
                    maxTs = batch.maxTimestamp();
                    maxTsOffset = batch.baseOffset();
                }
                maybeIndex(batch.lastOffset(), batch.position(), batch.sizeInBytes(), maxTs, maxTsOffset);
                validBytes += batch.sizeInBytes();
                nextExpectedOffset = batch.nextOffset();
            }
        } catch (KafkaException e) {
            log.warn("Found invalid batch at position {} of {}: {}", validBytes, records.file(), e.getMessage());
        }
        int truncated = records.sizeInBytes() - validBytes;
        if (truncated > 0) {
            log.warn("Truncating {} from {} to {} bytes", records.file(), records.sizeInBytes(), validBytes);
            records.truncateTo(validBytes);
        }
        maxTimestamp = maxTs == RecordBatch.NO_TIMESTAMP ? MaxTimestamp.NONE : new MaxTimestamp(maxTs, maxTsOffset);
        return truncated;
    }

    /**
     * Cuts the segment before the first batch whose last offset is at least {@code offset} and rebuilds the
     * indexes; truncation is rare (a follower's divergent tail), so a rebuild is simpler than trimming them.
     */
    void truncateTo(long offset, int maxIndexSize) throws IOException {
        LogOffsetPosition position = translateOffset(offset);
        if (position != null) {
            records.truncateTo(position.position);
            recover(maxIndexSize);
        }
    }

    /** Called when a newer segment takes over appends: records the final max timestamp and trims the indexes. */
    void onBecomeInactive() throws IOException {
        MaxTimestamp max = maxTimestamp;
        timeIndex.appendFinalEntry(max.timestamp, max.batchBaseOffset);
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
    }

    /** Gives the (newly active) segment room to index appends again. */
    void resizeIndexes(int maxIndexSize) throws IOException {
        offsetIndex.resize(maxIndexSize);
        timeIndex.resize(maxIndexSize);
    }

    void flush() throws IOException {
        records.flush();
        offsetIndex.flush();
        timeIndex.flush();
    }

    /**
     * Renames all files from oldSuffix to newSuffix (e.g. "" to ".deleted"); open channels and mappings stay usable.
     * The log file goes last, so its name tells whether the index renames are done (the cleaner's swap relies on it).
     */
    void changeFileSuffixes(String oldSuffix, String newSuffix) throws IOException {
        offsetIndex.renameTo(withSuffix(offsetIndex.file(), oldSuffix, newSuffix));
        timeIndex.renameTo(withSuffix(timeIndex.file(), oldSuffix, newSuffix));
        records.renameTo(withSuffix(records.file(), oldSuffix, newSuffix));
    }

    private static File withSuffix(File file, String oldSuffix, String newSuffix) {
        String path = file.getPath();
        if (!path.endsWith(oldSuffix)) {
            throw new IllegalStateException("Expected " + path + " to end with '" + oldSuffix + "'");
        }
        return new File(path.substring(0, path.length() - oldSuffix.length()) + newSuffix);
    }

    /**
     * Releases the file handle without touching the files, for a segment whose directory was renamed for deletion
     * (trimming would recreate files under the old names).
     */
    void closeHandles() throws IOException {
        records.channel().close();
    }

    /** Closes and deletes the files, whatever their current names. */
    void deleteIfExists() throws IOException {
        records.deleteIfExists();
        offsetIndex.deleteIfExists();
        timeIndex.deleteIfExists();
    }

    @Override
    public void close() throws IOException {
        onBecomeInactive();
        records.close();
    }

    @Override
    public String toString() {
        return "LogSegment(baseOffset=" + baseOffset + ", size=" + records.sizeInBytes() + ", file=" + records.file() + ")";
    }
}
