package io.haeryu.log;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.FileRecords.LogOffsetPosition;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.haeryu.log.ProducerStateEntry.BatchMetadata;

/**
 * The log of one partition: an ordered set of {@link LogSegment}s, the last one active.
 *
 * <p>Thread safety: appends, rolls, retention, truncation, cleaning and every change of the high watermark are
 * serialized by one lock, so the log is the single owner of its high watermark (no read-compute-write elsewhere can
 * move it backwards); a leader's high watermark only grows, only truncation lowers it. Reads take
 * no lock; they work from volatile snapshots (log end, high watermark, log start offset) and the concurrent segment
 * map, and only ever see completely written batches. Segments removed by retention keep their files open until the
 * delayed deletion, so a read that picked one up just before can still send it.
 *
 * <p>Storage errors (Kafka's rule): any I/O error takes the log offline at once, under the lock, and reports its
 * log directory to the {@link LogDirFailureChannel}, which takes the whole directory offline. An append that failed
 * half-way is never acknowledged, nothing is appended after it, and the log end offset never covers it, so readers
 * never see the torn bytes; recovery at the next start-up validates the tail and cuts them.
 */
public final class PartitionLog {
    private static final Logger log = LoggerFactory.getLogger(PartitionLog.class);

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final File dir;
    private final Time time;
    private final ScheduledExecutorService scheduler;
    private final ReentrantLock lock = new ReentrantLock();
    private final Object flushLock = new Object();
    private final ConcurrentSkipListMap<Long, LogSegment> segments;
    private final ProducerStateManager producerState;
    private final LeaderEpochFileCache epochCache;
    private final LogDirFailureChannel failureChannel;
    private volatile LogConfig config;
    private volatile LogOffsetMetadata logEnd;
    private volatile LogOffsetMetadata highWatermark;
    private volatile long logStartOffset;
    /** Offsets below it are known to be fsynced; recovery after a crash starts at its segment. */
    private volatile long recoveryPoint;
    private volatile long lastFlushMs;
    /** Offsets below it were compacted by the last cleaning; the cleaner's dirty section starts here. */
    private volatile long cleanerCheckpoint;
    /** Written under the lock; volatile for {@link #storageError} on unlocked paths (flushes, reads). */
    private volatile boolean closed;
    /** Set on the first I/O error; from then on every operation fails with KAFKA_STORAGE_ERROR. */
    private volatile boolean offline;

    private PartitionLog(TopicPartition topicPartition, Uuid topicId, File dir, LogConfig config, Time time,
                         ScheduledExecutorService scheduler, LogLoader.LoadedLog loaded,
                         ProducerStateManager producerState, LeaderEpochFileCache epochCache, long highWatermark,
                         long cleanerCheckpoint, LogDirFailureChannel failureChannel) {
        this.topicPartition = topicPartition;
        this.failureChannel = failureChannel;
        this.epochCache = epochCache;
        this.topicId = topicId;
        this.dir = dir;
        this.config = config;
        this.time = time;
        this.scheduler = scheduler;
        this.segments = loaded.segments();
        this.producerState = producerState;
        this.logEnd = loaded.logEnd();
        this.logStartOffset = loaded.logStartOffset();
        this.recoveryPoint = loaded.logEnd().offset();
        this.lastFlushMs = time.milliseconds();
        this.highWatermark = offsetMetadata(Math.min(Math.max(highWatermark, logStartOffset), logEnd.offset()));
        this.cleanerCheckpoint = Math.min(cleanerCheckpoint, logEnd.offset());
    }

    /**
     * Opens (recovering if needed) or creates the log in dir.
     *
     * @param scheduler runs background flushes of rolled segments and delayed file deletions
     * @param highWatermark checkpointed high watermark; clamped to the recovered log
     * @param cleanerCheckpoint checkpointed end of the last cleaning (0 if never cleaned)
     * @param failureChannel where an I/O error on this log reports its log directory
     */
    static PartitionLog open(File dir, TopicPartition topicPartition, Uuid topicId, LogConfig config, Time time,
                             ScheduledExecutorService scheduler, boolean hadCleanShutdown, long recoveryPoint,
                             long logStartOffset, long highWatermark, long cleanerCheckpoint,
                             LogDirFailureChannel failureChannel) throws IOException {
        ProducerStateManager producerState = new ProducerStateManager(dir);
        LogLoader.LoadedLog loaded = LogLoader.load(dir, config, time, hadCleanShutdown, recoveryPoint, logStartOffset,
            producerState);
        LeaderEpochFileCache epochCache = LeaderEpochFileCache.load(dir);
        epochCache.truncateFromEnd(loaded.logEnd().offset());
        if (epochCache.latestEpoch() == LeaderEpochFileCache.UNDEFINED_EPOCH) {
            // A log written before epochs were cached (or whose checkpoint was lost): the batches carry them.
            for (LogSegment segment : loaded.segments().values()) {
                for (RecordBatch batch : segment.batches()) {
                    epochCache.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
                }
            }
        }
        PartitionLog partitionLog = new PartitionLog(topicPartition, topicId, dir, config, time, scheduler, loaded,
            producerState, epochCache, highWatermark, cleanerCheckpoint, failureChannel);
        log.info("Loaded {} with {} segments, log start offset {}, log end offset {}", topicPartition,
            loaded.segments().size(), loaded.logStartOffset(), loaded.logEnd().offset());
        return partitionLog;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    public LogConfig config() {
        return config;
    }

    /** Takes effect for the next append, roll and retention run. */
    public void updateConfig(LogConfig newConfig) {
        this.config = newConfig;
    }

    File dir() {
        return dir;
    }

    /**
     * Validates, assigns offsets to and appends the batches, all or nothing. Retried batches of an idempotent
     * producer are not written again: the result then carries the original offsets and duplicate=true.
     */
    public LogAppendInfo appendAsLeader(MemoryRecords records, int leaderEpoch) {
        LogConfig cfg = config;
        int numRecords = AppendValidator.validate(records, cfg, topicPartition);
        lock.lock();
        try {
            ensureOpen();
            long now = time.milliseconds();
            boolean logAppendTime = cfg.messageTimestampType() == TimestampType.LOG_APPEND_TIME;
            long firstOffset = logEnd.offset();
            long nextOffset = firstOffset;
            long firstBatchTimestamp = RecordBatch.NO_TIMESTAMP;
            for (MutableRecordBatch batch : records.batches()) {
                long lastOffset = nextOffset + (batch.lastOffset() - batch.baseOffset());
                // Base offset and leader epoch are outside the CRC; only the timestamp rewrite recomputes it.
                batch.setLastOffset(lastOffset);
                batch.setPartitionLeaderEpoch(leaderEpoch);
                if (logAppendTime) {
                    batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, now);
                }
                if (nextOffset == firstOffset) {
                    firstBatchTimestamp = batch.maxTimestamp();
                }
                nextOffset = lastOffset + 1;
            }
            ProducerStateManager.AppendCheck check = producerState.check(records);
            if (check.duplicateOf() != null) {
                BatchMetadata original = check.duplicateOf();
                return new LogAppendInfo(original.firstOffset(), original.lastOffset(),
                    logAppendTime ? original.timestamp() : RecordBatch.NO_TIMESTAMP, logStartOffset,
                    (int) (original.lastOffset() - original.firstOffset() + 1), true);
            }
            LogSegment segment = activeSegment();
            if (segment.shouldRoll(cfg, records.sizeInBytes(), firstBatchTimestamp, nextOffset - 1, now)) {
                segment = roll();
            }
            segment.append(records);
            producerState.commit(check);
            epochCache.assign(leaderEpoch, firstOffset);
            logEnd = new LogOffsetMetadata(nextOffset, segment.baseOffset(), segment.sizeInBytes());
            if (nextOffset - recoveryPoint >= cfg.flushIntervalMessages()) {
                flush();
            }
            return new LogAppendInfo(firstOffset, nextOffset - 1, logAppendTime ? now : RecordBatch.NO_TIMESTAMP,
                logStartOffset, numRecords, false);
        } catch (IOException | UncheckedIOException | InternalError e) {
            // UncheckedIOException: the epoch checkpoint; InternalError: the JVM's report of a fault writing a
            // memory-mapped index page the file system cannot back (a full tmpfs raises SIGBUS).
            throw storageError("append to", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends batches copied from the leader: offsets, leader epochs and timestamps stay as the leader wrote them.
     * The leader only sends whole batches; they must lie past the log end offset (with gaps where the leader's log
     * was compacted); producer state and the epoch cache follow the batches, without the duplicate and sequence
     * checks a leader makes.
     */
    public LogAppendInfo appendAsFollower(MemoryRecords records) {
        lock.lock();
        try {
            ensureOpen();
            long firstOffset = logEnd.offset();
            long nextOffset = firstOffset;
            int numRecords = 0;
            for (MutableRecordBatch batch : records.batches()) {
                // Only integrity is checked: the leader already applied its policies (sizes, control batches).
                batch.ensureValid();
                numRecords += batch.countOrNull() == null ? 0 : batch.countOrNull();
                // Gaps are fine (the leader's log may be compacted); going backwards is not.
                if (batch.baseOffset() < nextOffset) {
                    throw new CorruptRecordException("Replicated batch at offset " + batch.baseOffset() + " of "
                        + topicPartition + " is below the log end offset " + nextOffset);
                }
                nextOffset = batch.nextOffset();
            }
            if (nextOffset == firstOffset) {
                return new LogAppendInfo(firstOffset, firstOffset - 1, RecordBatch.NO_TIMESTAMP, logStartOffset, 0, false);
            }
            MutableRecordBatch first = records.batches().iterator().next();
            LogSegment segment = activeSegment();
            if (segment.shouldRoll(config, records.sizeInBytes(), first.maxTimestamp(), nextOffset - 1,
                time.milliseconds())) {
                segment = roll();
            }
            segment.append(records);
            for (MutableRecordBatch batch : records.batches()) {
                producerState.replay(batch);
                epochCache.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
            }
            logEnd = new LogOffsetMetadata(nextOffset, segment.baseOffset(), segment.sizeInBytes());
            if (nextOffset - recoveryPoint >= config.flushIntervalMessages()) {
                flush();
            }
            return new LogAppendInfo(firstOffset, nextOffset - 1, RecordBatch.NO_TIMESTAMP, logStartOffset,
                numRecords, false);
        } catch (IOException | UncheckedIOException | InternalError e) {
            throw storageError("append to", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes everything from {@code offset} on (a follower cutting a tail the leader does not have). A batch
     * straddling the offset goes entirely. Producer state is rebuilt from the newest snapshot below the new end.
     */
    public void truncateTo(long offset) {
        lock.lock();
        try {
            ensureOpen();
            if (offset >= logEnd.offset()) {
                // No record to cut, but an epoch this broker assigned itself as leader without appending to it must
                // go (Kafka truncates the epoch cache here too), or the leader keeps answering "diverging".
                epochCache.truncateFromEnd(logEnd.offset());
                return;
            }
            long target = Math.max(offset, logStartOffset);
            log.info("Truncating {} from log end offset {} to {}", topicPartition, logEnd.offset(), target);
            while (segments.size() > 1 && segments.lastKey() >= target) {
                LogSegment dropped = segments.pollLastEntry().getValue();
                dropped.changeFileSuffixes("", LogFileNames.DELETED_SUFFIX);
                scheduleDeletion(dropped);
            }
            LogSegment active = activeSegment();
            active.truncateTo(target, config.segmentIndexBytes());
            long newEnd = active.readNextOffset();
            logEnd = new LogOffsetMetadata(newEnd, active.baseOffset(), active.sizeInBytes());
            recoveryPoint = Math.min(recoveryPoint, newEnd);
            cleanerCheckpoint = Math.min(cleanerCheckpoint, newEnd);
            if (highWatermark.offset() > newEnd) {
                highWatermark = logEnd;
            }
            epochCache.truncateFromEnd(newEnd);
            LogLoader.restoreProducerState(segments, producerState, newEnd);
        } catch (IOException | UncheckedIOException e) {
            throw storageError("truncate", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes every segment and starts the log empty at {@code offset}, which becomes log start, log end and high
     * watermark (Kafka's {@code truncateFullyAndStartAt}): a follower whose log ends below the leader's log start
     * starts over from there. Producer state and leader epochs go too; the copied batches bring them back.
     */
    public void truncateFullyAndStartAt(long offset) {
        lock.lock();
        try {
            ensureOpen();
            log.info("Truncating {} fully (log start {}, log end {}) and starting at {}", topicPartition,
                logStartOffset, logEnd.offset(), offset);
            List<LogSegment> old = new ArrayList<>(segments.values());
            for (LogSegment segment : old) {
                segment.changeFileSuffixes("", LogFileNames.DELETED_SUFFIX);
            }
            LogSegment fresh = LogSegment.open(dir, offset, config, time);
            segments.put(offset, fresh); // first, so concurrent reads always find a segment
            for (LogSegment segment : old) {
                segments.remove(segment.baseOffset(), segment);
                scheduleDeletion(segment);
            }
            logStartOffset = offset;
            logEnd = new LogOffsetMetadata(offset, offset, 0);
            highWatermark = logEnd;
            recoveryPoint = offset;
            cleanerCheckpoint = offset;
            epochCache.truncateFromEnd(Long.MIN_VALUE);
            producerState.truncateFully();
        } catch (IOException e) {
            throw storageError("truncate fully", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records that {@code epoch} starts at the log end, as a new leader does before its first append (Kafka's
     * {@code maybeAssignEpochStartOffset}), so followers of an older epoch find where it ended.
     */
    public void assignEpochStartOffset(int epoch) {
        lock.lock();
        try {
            ensureOnline();
            epochCache.assign(epoch, logEnd.offset());
        } catch (UncheckedIOException e) {
            throw storageError("write the leader epoch checkpoint of", e);
        } finally {
            lock.unlock();
        }
    }

    /** The leader epochs of this log. */
    public LeaderEpochFileCache epochCache() {
        return epochCache;
    }

    /** Kafka's endOffsetForEpoch against this log's end. */
    public LeaderEpochFileCache.EpochOffset endOffsetForEpoch(int epoch) {
        return epochCache.endOffsetFor(epoch, logEnd.offset());
    }

    /**
     * Whole batches from the one containing startOffset, at most maxBytes (or the first batch alone when
     * minOneMessage and it is larger), none reaching maxOffsetExclusive.
     *
     * @throws OffsetOutOfRangeException if startOffset is below the log start or above the log end offset
     */
    public LogReadInfo read(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneMessage) {
        ensureOnline();
        LogOffsetMetadata end = logEnd;
        LogOffsetMetadata hw = highWatermark;
        long start = logStartOffset;
        if (startOffset < start || startOffset > end.offset()) {
            throw new OffsetOutOfRangeException("Offset " + startOffset + " is out of range for " + topicPartition
                + ": log start offset " + start + ", log end offset " + end.offset());
        }
        Records result = MemoryRecords.EMPTY;
        if (startOffset < end.offset() && startOffset < maxOffsetExclusive) {
            try {
                LogOffsetMetadata bound = maxOffsetExclusive >= end.offset() ? end
                    : maxOffsetExclusive == hw.offset() ? hw : offsetMetadata(maxOffsetExclusive);
                result = readBounded(startOffset, maxBytes, bound, minOneMessage);
            } catch (KafkaException e) {
                // Batch header reads wrap the channel's IOException. A closed channel is a segment deleted under
                // the read (retention, topic deletion), not a disk problem.
                if (e.getCause() instanceof IOException io && !(io instanceof ClosedChannelException)) {
                    throw storageError("read from", io);
                }
                throw e;
            }
        }
        return new LogReadInfo(result, hw.offset(), start, end.offset());
    }

    private Records readBounded(long startOffset, int maxBytes, LogOffsetMetadata bound, boolean minOneMessage) {
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(startOffset);
        while (entry != null && entry.getKey() <= bound.segmentBaseOffset()) {
            LogSegment segment = entry.getValue();
            int maxPosition = segment.baseOffset() == bound.segmentBaseOffset() ? bound.relativePosition()
                : Integer.MAX_VALUE;
            Records records = segment.read(startOffset, maxBytes, maxPosition, minOneMessage);
            if (records != null) {
                return records;
            }
            // startOffset lies past this segment's last batch (e.g. a gap): continue with the next segment.
            entry = segments.higherEntry(entry.getKey());
        }
        return MemoryRecords.EMPTY;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return logEnd.offset();
    }

    public long highWatermark() {
        return highWatermark.offset();
    }

    /**
     * Leader: moves the high watermark up to {@code candidate}, clamped to [log start offset, log end offset]; never
     * down (Kafka's {@code maybeIncrementHighWatermark}). True if it moved.
     */
    public boolean maybeIncrementHighWatermark(long candidate) {
        lock.lock();
        try {
            long clamped = clampToLog(candidate);
            if (clamped <= highWatermark.offset()) {
                return false;
            }
            setHighWatermark(clamped);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Follower: takes the leader's high watermark, clamped to [log start offset, log end offset] (Kafka's
     * {@code maybeUpdateHighWatermark}: a new leader's may be lower than the one it follows).
     */
    public void updateHighWatermark(long leaderHighWatermark) {
        lock.lock();
        try {
            setHighWatermark(clampToLog(leaderHighWatermark));
        } finally {
            lock.unlock();
        }
    }

    private long clampToLog(long offset) {
        return Math.min(Math.max(offset, logStartOffset), logEnd.offset());
    }

    /** The one place the high watermark is written (besides truncation and rolls); lock held. */
    private void setHighWatermark(long offset) {
        highWatermark = offset == logEnd.offset() ? logEnd : offsetMetadata(offset);
    }

    long recoveryPoint() {
        return recoveryPoint;
    }

    /** Where offset sits on disk: the start of its batch, or the end of the segment before it if not present. */
    private LogOffsetMetadata offsetMetadata(long offset) {
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
        if (entry == null) {
            entry = segments.firstEntry();
        }
        LogSegment segment = entry.getValue();
        LogOffsetPosition position = segment.translateOffset(offset);
        return new LogOffsetMetadata(offset, segment.baseOffset(),
            position == null ? segment.sizeInBytes() : position.position);
    }

    /** The first record at or above the log start offset whose timestamp is at least targetTimestamp. */
    public Optional<TimestampAndOffset> offsetForTimestamp(long targetTimestamp) {
        long start = logStartOffset;
        for (Map.Entry<Long, LogSegment> entry : segments.entrySet()) {
            Long nextBase = segments.higherKey(entry.getKey());
            LogSegment segment = entry.getValue();
            if ((nextBase != null && nextBase <= start) || segment.maxTimestamp() < targetTimestamp) {
                continue;
            }
            TimestampAndOffset found = segment.findOffsetByTimestamp(targetTimestamp, start);
            if (found != null) {
                return Optional.of(found);
            }
        }
        return Optional.empty();
    }

    /** The record with the largest timestamp (the first such if tied), or (-1, -1, -1) for a log without any. */
    public TimestampAndOffset maxTimestampAndOffset() {
        LogSegment best = null;
        for (LogSegment segment : segments.values()) {
            if (segment.maxTimestamp() != RecordBatch.NO_TIMESTAMP
                && (best == null || segment.maxTimestamp() > best.maxTimestamp())) {
                best = segment;
            }
        }
        TimestampAndOffset found = best == null ? null : best.maxTimestampAndOffset();
        return found != null ? found : new TimestampAndOffset(RecordBatch.NO_TIMESTAMP, -1, -1);
    }

    public long sizeInBytes() {
        long size = 0;
        for (LogSegment segment : segments.values()) {
            size += segment.sizeInBytes();
        }
        return size;
    }

    public int numberOfSegments() {
        return segments.size();
    }

    public List<ActiveProducer> activeProducers() {
        return producerState.activeProducers();
    }

    /** Forgets producers idle for expirationMs (see {@link ProducerIdExpiration}); returns how many. */
    int removeExpiredProducers(long expirationMs) {
        lock.lock();
        try {
            return closed ? 0 : producerState.removeExpiredProducers(time.milliseconds(), expirationMs);
        } finally {
            lock.unlock();
        }
    }

    /** Fsyncs everything appended so far. */
    public void flush() {
        flushUpTo(logEnd.offset());
    }

    /** Flushes if flush.ms has passed since the last flush; called periodically by the {@link LogManager}. */
    void flushIfDue() {
        if (time.milliseconds() - lastFlushMs >= config.flushIntervalMs()) {
            flush();
        }
    }

    private void flushUpTo(long offset) {
        synchronized (flushLock) {
            if (offset <= recoveryPoint) {
                return;
            }
            Long from = segments.floorKey(recoveryPoint);
            boolean newSegments = false;
            for (LogSegment segment : segments.subMap(from == null ? segments.firstKey() : from, offset).values()) {
                newSegments |= segment.baseOffset() >= recoveryPoint;
                try {
                    segment.flush();
                } catch (IOException | UncheckedIOException e) {
                    // Retention may have deleted (and closed) the segment meanwhile; then there is nothing to flush.
                    if (segments.get(segment.baseOffset()) == segment) {
                        throw storageError("flush", e);
                    }
                }
            }
            try {
                // As Kafka: segments created since the last flush must also survive in the directory itself.
                if (newSegments && dir.exists()) {
                    DirectoryFsync.fsync(dir.toPath());
                }
            } catch (NoSuchFileException e) {
                // renamed for deletion meanwhile
            } catch (ClosedByInterruptException e) {
                Thread.currentThread().interrupt(); // shutting down: not a disk problem
                return;
            } catch (IOException e) {
                throw storageError("flush the directory of", e);
            }
            recoveryPoint = offset;
            lastFlushMs = time.milliseconds();
        }
    }

    /**
     * Moves the log start offset up to offset (DeleteRecords) and deletes the segments entirely below it.
     *
     * @throws OffsetOutOfRangeException if offset is above the high watermark
     */
    public void deleteRecordsBefore(long offset) {
        lock.lock();
        try {
            ensureOpen();
            if (offset > highWatermark.offset()) {
                throw new OffsetOutOfRangeException("Cannot delete records before " + offset + " of " + topicPartition
                    + ": above the high watermark " + highWatermark.offset());
            }
            if (offset <= logStartOffset) {
                return;
            }
            logStartOffset = offset;
            if (offset == logEnd.offset() && activeSegment().sizeInBytes() > 0) {
                roll();
            }
            int count = segments.headMap(segments.floorKey(offset)).size();
            deleteOldestSegments(count, "log start offset moved to " + offset);
        } catch (IOException e) {
            throw storageError("delete records of", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes the oldest segments that retention.ms / retention.bytes no longer allow; returns how many. Only logs
     * whose cleanup.policy includes "delete" have retention.
     */
    public int deleteRetentionBreachedSegments() {
        lock.lock();
        try {
            if (closed || !config.cleanupPolicyDelete()) {
                return 0;
            }
            List<LogSegment> all = new ArrayList<>(segments.values());
            int count = RetentionPolicy.segmentsToDelete(all, config, time.milliseconds(), highWatermark.offset());
            deleteOldestSegments(count, "retention");
            return count;
        } catch (IOException e) {
            throw storageError("apply retention to", e);
        } finally {
            lock.unlock();
        }
    }

    /** Removes the oldest count (non-active) segments and schedules their files for deletion. Lock held. */
    private void deleteOldestSegments(int count, String reason) throws IOException {
        for (int i = 0; i < count && segments.size() > 1; i++) {
            LogSegment segment = segments.pollFirstEntry().getValue();
            log.info("Deleting segment {} of {} ({})", segment.baseOffset(), topicPartition, reason);
            segment.changeFileSuffixes("", LogFileNames.DELETED_SUFFIX);
            scheduleDeletion(segment);
        }
        logStartOffset = Math.max(logStartOffset, segments.firstKey());
        if (highWatermark.offset() < logStartOffset) {
            setHighWatermark(clampToLog(logStartOffset));
        }
    }

    /** The offset below which the log is compacted, at least the log start offset. */
    long cleanerCheckpoint() {
        return Math.max(cleanerCheckpoint, logStartOffset);
    }

    /** The current segments in offset order, the active one last. */
    List<LogSegment> segmentList() {
        return new ArrayList<>(segments.values());
    }

    /** Per idempotent producer, the last offset of its last batch, which cleaning must keep (see LogCleaner). */
    Map<Long, Long> producerLastBatchOffsets() {
        return producerState.lastBatchOffsets();
    }

    /**
     * Puts cleaned segments in place of the segments they were cleaned from and moves the cleaner checkpoint to
     * newCleanerCheckpoint. Returns false, changing nothing, if retention or DeleteRecords removed one of the
     * originals meanwhile (the caller then discards the cleaned files).
     *
     * <p>Crash safety: first every cleaned segment goes from {@code .cleaned} to {@code .swap}, which commits the
     * replacement ({@link LogLoader} completes it after a crash by deleting the originals the swap segment covers);
     * then the originals become {@code .deleted} and are deleted after file.delete.delay.ms, so reads in flight on
     * them finish; last the {@code .swap} suffix is dropped.
     */
    boolean replaceSegments(List<CleanedSegment> replacements, long newCleanerCheckpoint) {
        lock.lock();
        try {
            if (closed || newCleanerCheckpoint > logEnd.offset()) {
                return false; // closed, or a follower truncation cut into what was cleaned meanwhile
            }
            for (CleanedSegment replacement : replacements) {
                for (LogSegment original : replacement.originals()) {
                    if (segments.get(original.baseOffset()) != original) {
                        return false;
                    }
                }
            }
            for (CleanedSegment replacement : replacements) {
                replacement.cleaned().flush();
                replacement.cleaned().changeFileSuffixes(LogFileNames.CLEANED_SUFFIX, LogFileNames.SWAP_SUFFIX);
            }
            for (CleanedSegment replacement : replacements) {
                // The cleaned segment shares the first original's base offset, so put() replaces that one.
                segments.put(replacement.cleaned().baseOffset(), replacement.cleaned());
                for (LogSegment original : replacement.originals()) {
                    if (original.baseOffset() != replacement.cleaned().baseOffset()) {
                        segments.remove(original.baseOffset());
                    }
                    original.changeFileSuffixes("", LogFileNames.DELETED_SUFFIX);
                    scheduleDeletion(original);
                }
            }
            DirectoryFsync.fsync(dir.toPath()); // the .swap names commit the replacement
            for (CleanedSegment replacement : replacements) {
                replacement.cleaned().changeFileSuffixes(LogFileNames.SWAP_SUFFIX, "");
            }
            DirectoryFsync.fsync(dir.toPath());
            cleanerCheckpoint = Math.max(cleanerCheckpoint, newCleanerCheckpoint);
            if (highWatermark.segmentBaseOffset() < activeSegment().baseOffset()) {
                // Its byte position referred to a replaced segment.
                highWatermark = offsetMetadata(highWatermark.offset());
            }
            return true;
        } catch (IOException | UncheckedIOException e) {
            throw storageError("replace cleaned segments of", e);
        } finally {
            lock.unlock();
        }
    }

    private void scheduleDeletion(LogSegment segment) {
        Runnable delete = () -> {
            try {
                segment.deleteIfExists();
            } catch (IOException e) {
                storageError("delete the segment files " + segment + " of", e); // as Kafka: the dir goes offline
            }
        };
        try {
            scheduler.schedule(delete, config.fileDeleteDelayMs(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down: the ".deleted" files are removed by the next load.
            log.debug("Scheduler is shut down; {} will be removed at next startup", segment);
        }
    }

    /**
     * Starts a new active segment now unless the active one is empty (Kafka's UnifiedLog.roll), which makes all
     * records appended so far cleanable.
     */
    void rollActiveSegment() {
        lock.lock();
        try {
            ensureOpen();
            if (activeSegment().sizeInBytes() > 0) {
                roll();
            }
        } catch (IOException e) {
            throw storageError("roll", e);
        } finally {
            lock.unlock();
        }
    }

    /** Starts a new active segment at the log end offset. Lock held. */
    private LogSegment roll() throws IOException {
        long newBaseOffset = logEnd.offset();
        LogSegment previous = activeSegment();
        LogSegment next = LogSegment.open(dir, newBaseOffset, config, time);
        previous.onBecomeInactive();
        segments.put(newBaseOffset, next);
        boolean highWatermarkAtEnd = highWatermark.offset() == newBaseOffset;
        logEnd = new LogOffsetMetadata(newBaseOffset, newBaseOffset, 0);
        if (highWatermarkAtEnd) {
            highWatermark = logEnd;
        }
        producerState.takeSnapshot(newBaseOffset);
        log.debug("Rolled {} to a new segment at offset {}", topicPartition, newBaseOffset);
        try {
            // Kafka flushes the finished segment in the background so appends do not wait for the fsync.
            scheduler.execute(() -> flushUpTo(newBaseOffset));
        } catch (RejectedExecutionException e) {
            flushUpTo(newBaseOffset);
        }
        return next;
    }

    private LogSegment activeSegment() {
        return segments.lastEntry().getValue();
    }

    private void ensureOpen() {
        ensureOnline();
        if (closed) {
            throw new KafkaStorageException("The log of " + topicPartition + " is closed");
        }
    }

    private void ensureOnline() {
        if (offline) {
            throw new KafkaStorageException("The log of " + topicPartition + " is offline: its log directory "
                + dir.getParent() + " failed");
        }
    }

    /** Whether an I/O error took this log offline. */
    public boolean isOffline() {
        return offline;
    }

    /** Takes the log offline and its log directory with it; returns the error to throw. */
    KafkaStorageException storageError(String action, Throwable e) {
        String what = "I/O error trying to " + action + " " + topicPartition;
        if (closed) {
            // Closed for deletion (or shut down): its handles are being released, which is not a disk problem.
            return new KafkaStorageException(what + ": the log is closed", e);
        }
        offline = true;
        failureChannel.maybeAddOfflineLogDir(dir.getParentFile().toPath(), what, e);
        return new KafkaStorageException(what, e);
    }

    /** Flushes, snapshots producer state at the log end and closes all segments. */
    void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            flush();
            producerState.takeSnapshot(logEnd.offset());
            for (LogSegment segment : segments.values()) {
                segment.close();
            }
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops all appends and returns the segments without touching their files, for a log whose directory is about to
     * be renamed and deleted; the caller releases the handles once in-flight reads are done.
     */
    List<LogSegment> closeForDeletion() {
        lock.lock();
        try {
            closed = true;
            return new ArrayList<>(segments.values());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "PartitionLog(" + topicPartition + ", dir=" + dir + ", logStartOffset=" + logStartOffset
            + ", logEndOffset=" + logEnd.offset() + ")";
    }
}
