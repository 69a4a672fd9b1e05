package io.haeryu.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.CloseableIterator;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts logs with cleanup.policy=compact: keeps the latest record of every key, as Kafka's LogCleaner.
 *
 * <p>One cleaning of a log: map every key of the dirty section (cleaner checkpoint up to the first uncleanable
 * offset, see {@link LogToClean}) to its latest offset in a bounded {@link CleanerOffsetMap}; if the map fills up,
 * this cleaning ends at the record where it did and the rest waits for the next one. Then rewrite all cleanable
 * segments below that end, merged into groups that stay within segment.bytes, keeping what the
 * {@link CompactionFilter} retains; swap the results in ({@link PartitionLog#replaceSegments}) and move the
 * cleaner checkpoint to the end. Offsets never change (compacted logs have gaps) and the active segment is never
 * touched; appends and reads go on meanwhile.
 *
 * <p>Cleanings are serialized (they share the offset map, allocated at the first cleaning and kept, as Kafka does).
 */
public final class LogCleaner {
    private static final Logger log = LoggerFactory.getLogger(LogCleaner.class);
    /** The smallest batch: an index entry can cover no fewer bytes. */
    private static final int MIN_BATCH_BYTES = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
    private static final int TIME_INDEX_ENTRY_BYTES = 12;

    /** What one cleaning did. */
    public record CleanResult(TopicPartition topicPartition, long firstDirtyOffset, long endOffset,
                              int segmentsBefore, int segmentsAfter, long recordsRead, long recordsRetained,
                              long bytesRead, long bytesWritten, int keysMapped, long offsetMapMemoryBytes,
                              long durationNanos) {
    }

    private final CleanerConfig config;
    private final Time time;
    /** Per log, the latest delete horizon its last cleaning stamped on a kept tombstone (Kafka keeps it in memory). */
    private final Map<TopicPartition, Long> latestDeleteHorizons = new ConcurrentHashMap<>();
    private CleanerOffsetMap offsetMap;
    /** Reused decompression buffers: allocating them per compressed batch would dominate the map building. */
    private final BufferSupplier decompressionBuffers = BufferSupplier.create();
    private volatile boolean stopped;

    public LogCleaner(CleanerConfig config, Time time) {
        this.config = config;
        this.time = time;
    }

    /** Cleans every compacted log among logs that is due (see {@link LogToClean#isDue}), dirtiest first. */
    public synchronized List<CleanResult> cleanDueLogs(Collection<PartitionLog> logs) {
        long now = time.milliseconds();
        List<LogToClean> due = new ArrayList<>();
        for (PartitionLog partitionLog : logs) {
            if (partitionLog.config().cleanupPolicyCompact()) {
                LogToClean candidate = LogToClean.of(partitionLog, now);
                long horizon = latestDeleteHorizons.getOrDefault(partitionLog.topicPartition(), RecordBatch.NO_TIMESTAMP);
                if (candidate.isDue(now, horizon)) {
                    due.add(candidate);
                }
            }
        }
        due.sort(Comparator.comparingDouble(LogToClean::dirtyRatio).reversed());
        List<CleanResult> results = new ArrayList<>();
        for (LogToClean candidate : due) {
            if (stopped) {
                break;
            }
            try {
                clean(candidate).ifPresent(results::add);
            } catch (RuntimeException e) {
                // One broken log must not stop the cleaning of the others.
                log.error("Cleaning {} failed", candidate.log().topicPartition(), e);
            }
        }
        return results;
    }

    /**
     * Cleans log now, whatever its dirty ratio; empty if it has no cleanable segment or retention removed a segment
     * while it was being cleaned.
     */
    public synchronized Optional<CleanResult> clean(PartitionLog partitionLog) {
        return clean(LogToClean.of(partitionLog, time.milliseconds()));
    }

    /** Aborts a cleaning in progress (its files are deleted) and refuses further ones; for shutdown. */
    void stop() {
        stopped = true;
    }

    /** Forgets a deleted log. */
    void forget(TopicPartition topicPartition) {
        latestDeleteHorizons.remove(topicPartition);
    }

    /** Bytes held by the offset map; 0 until the first cleaning allocates it. */
    public synchronized long offsetMapMemoryBytes() {
        return offsetMap == null ? 0 : offsetMap.memoryBytes();
    }

    private Optional<CleanResult> clean(LogToClean toClean) {
        PartitionLog partitionLog = toClean.log();
        if (toClean.cleanableSegments().isEmpty() || stopped) {
            return Optional.empty();
        }
        long startNanos = System.nanoTime();
        long now = time.milliseconds();
        LogConfig logConfig = partitionLog.config();
        CleanerOffsetMap map = offsetMap();
        map.clear();
        try {
            long end = buildOffsetMap(map, toClean);
            List<LogSegment> segments = toClean.cleanableSegments().stream()
                .filter(segment -> segment.baseOffset() < end)
                .toList();
            Map<Long, Long> producerLastBatchOffsets = partitionLog.producerLastBatchOffsets();
            SegmentCleaner segmentCleaner = new SegmentCleaner(partitionLog.dir(), logConfig, time,
                config.ioBufferBytes(), decompressionBuffers, () -> stopped);
            List<CleanedSegment> cleaned = new ArrayList<>();
            long latestDeleteHorizon = RecordBatch.NO_TIMESTAMP;
            try {
                for (List<LogSegment> group : groupBySize(segments, logConfig)) {
                    long groupLastOffset = group.get(group.size() - 1).readNextOffset() - 1;
                    CompactionFilter filter = new CompactionFilter(map, end, now, logConfig.deleteRetentionMs(),
                        producerLastBatchOffsets, groupLastOffset);
                    cleaned.add(new CleanedSegment(segmentCleaner.clean(group, filter), group));
                    latestDeleteHorizon = Math.max(latestDeleteHorizon, filter.latestDeleteHorizonMs());
                }
                if (!partitionLog.replaceSegments(cleaned, end)) {
                    log.info("Discarding the cleaning of {}: its segments changed meanwhile",
                        partitionLog.topicPartition());
                    discard(cleaned);
                    return Optional.empty();
                }
            } catch (IOException | RuntimeException e) {
                discard(cleaned);
                throw e;
            }
            latestDeleteHorizons.put(partitionLog.topicPartition(), latestDeleteHorizon);
            CleanResult result = new CleanResult(partitionLog.topicPartition(), toClean.firstDirtyOffset(), end,
                segments.size(), cleaned.size(), segmentCleaner.recordsRead(), segmentCleaner.recordsRetained(),
                segmentCleaner.bytesRead(), segmentCleaner.bytesWritten(), map.size(), map.memoryBytes(),
                System.nanoTime() - startNanos);
            log.info("Cleaned {} up to offset {}: {} segments into {}, {} of {} records and {} of {} bytes kept in {} ms",
                result.topicPartition(), end, result.segmentsBefore(), result.segmentsAfter(), result.recordsRetained(),
                result.recordsRead(), result.bytesWritten(), result.bytesRead(), result.durationNanos() / 1_000_000);
            return Optional.of(result);
        } catch (IOException e) {
            if (!partitionLog.segmentList().containsAll(toClean.cleanableSegments())) {
                // Retention deleted (and closed) a segment under the cleaner: not a disk problem.
                log.info("Abandoned the cleaning of {}: its segments were deleted meanwhile",
                    partitionLog.topicPartition());
                return Optional.empty();
            }
            throw partitionLog.storageError("clean", e); // a disk problem: the log dir goes offline
        }
    }

    private CleanerOffsetMap offsetMap() {
        if (offsetMap == null) {
            offsetMap = new CleanerOffsetMap(config.dedupeBufferBytes());
        }
        return offsetMap;
    }

    /**
     * Maps each key of the dirty section to its latest offset; returns the offset after the last record mapped (the
     * first uncleanable offset unless the map filled up first). Control batches carry no keys of the data.
     */
    private long buildOffsetMap(CleanerOffsetMap map, LogToClean toClean) {
        long firstDirty = toClean.firstDirtyOffset();
        for (LogSegment segment : toClean.dirtySegments()) {
            for (FileChannelRecordBatch batch : segment.batches()) {
                if (batch.lastOffset() < firstDirty || batch.isControlBatch()) {
                    continue;
                }
                try (CloseableIterator<Record> records = batch.streamingIterator(decompressionBuffers)) {
                    while (records.hasNext()) {
                        Record record = records.next();
                        if (record.offset() < firstDirty || !record.hasKey()) {
                            continue;
                        }
                        if (map.isFull()) {
                            log.info("The cleaner's offset map is full after {} keys; cleaning {} up to offset {} only",
                                map.size(), toClean.log().topicPartition(), record.offset());
                            return record.offset();
                        }
                        map.put(record.key(), record.offset());
                    }
                }
            }
        }
        return toClean.firstUncleanableOffset();
    }

    /**
     * Consecutive runs of segments to merge into one cleaned segment each: at most segment.bytes before cleaning, an
     * offset range a segment can index, and index files that cannot overflow even if nothing is removed.
     */
    static List<List<LogSegment>> groupBySize(List<LogSegment> segments, LogConfig config) {
        List<List<LogSegment>> groups = new ArrayList<>();
        int i = 0;
        while (i < segments.size()) {
            List<LogSegment> group = new ArrayList<>();
            group.add(segments.get(i));
            long bytes = segments.get(i).sizeInBytes();
            i++;
            while (i < segments.size()) {
                LogSegment next = segments.get(i);
                long groupBytes = bytes + next.sizeInBytes();
                long maxIndexEntries = groupBytes / Math.max(config.indexIntervalBytes() + 1L, MIN_BATCH_BYTES) + 2;
                if (groupBytes > config.segmentBytes()
                    || next.readNextOffset() - 1 - group.get(0).baseOffset() > Integer.MAX_VALUE
                    || maxIndexEntries * TIME_INDEX_ENTRY_BYTES > config.segmentIndexBytes()) {
                    break;
                }
                group.add(next);
                bytes = groupBytes;
                i++;
            }
            groups.add(group);
        }
        return groups;
    }

    private static void discard(List<CleanedSegment> cleaned) {
        for (CleanedSegment segment : cleaned) {
            try {
                segment.cleaned().deleteIfExists();
            } catch (IOException e) {
                log.warn("Failed to delete the cleaned segment {}; the next load removes it", segment.cleaned(), e);
            }
        }
    }
}
