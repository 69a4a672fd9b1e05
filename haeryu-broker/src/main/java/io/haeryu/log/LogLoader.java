package io.haeryu.log;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the segments of a partition directory and makes them trustworthy: after an unclean shutdown every segment
 * from the recovery point on is validated batch by batch and cut at the first torn or corrupt batch (later segments
 * are dropped); missing or inconsistent indexes are rebuilt; producer state is restored from the newest snapshot plus
 * a replay of the batches after it. Leftovers of an interrupted log cleaning are rolled back ({@code .cleaned}) or
 * completed ({@code .swap}) first.
 */
final class LogLoader {
    private static final Logger log = LoggerFactory.getLogger(LogLoader.class);

    /** The loaded state a {@link PartitionLog} starts from. */
    record LoadedLog(ConcurrentSkipListMap<Long, LogSegment> segments, long logStartOffset, LogOffsetMetadata logEnd) {
    }

    private LogLoader() {
    }

    /**
     * @param recoveryPoint     offsets below it were flushed before the last shutdown (0 if unknown)
     * @param logStartOffset    the checkpointed log start offset (0 if unknown)
     */
    static LoadedLog load(File dir, LogConfig config, Time time, boolean hadCleanShutdown, long recoveryPoint,
                          long logStartOffset, ProducerStateManager producerState) throws IOException {
        ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
        try {
            openSegments(dir, config, time, segments, hadCleanShutdown, recoveryPoint);
            if (segments.isEmpty()) {
                long base = Math.max(logStartOffset, 0);
                segments.put(base, LogSegment.open(dir, base, config, time));
            }
            for (LogSegment segment : segments.headMap(segments.lastKey()).values()) {
                segment.onBecomeInactive();
            }
            LogSegment active = segments.lastEntry().getValue();
            active.resizeIndexes(config.segmentIndexBytes());
            long nextOffset = active.readNextOffset();
            LogOffsetMetadata logEnd = new LogOffsetMetadata(nextOffset, active.baseOffset(), active.sizeInBytes());
            long startOffset = Math.min(Math.max(logStartOffset, segments.firstKey()), nextOffset);
            restoreProducerState(segments, producerState, nextOffset);
            return new LoadedLog(segments, startOffset, logEnd);
        } catch (IOException | RuntimeException e) {
            for (LogSegment segment : segments.values()) {
                segment.closeHandles();
            }
            throw e;
        }
    }

    private static void openSegments(File dir, LogConfig config, Time time, Map<Long, LogSegment> segments,
                                     boolean hadCleanShutdown, long recoveryPoint) throws IOException {
        removeLeftovers(dir);
        completeInterruptedSwaps(dir);
        File[] files = listFiles(dir);
        TreeMap<Long, Boolean> baseOffsetsWithIndexes = new TreeMap<>();
        for (File file : files) {
            String name = file.getName();
            long base = LogFileNames.offsetFromName(name, LogFileNames.LOG_SUFFIX);
            if (base >= 0) {
                boolean indexesPresent = LogFileNames.file(dir, base, LogFileNames.INDEX_SUFFIX).exists()
                    && LogFileNames.file(dir, base, LogFileNames.TIME_INDEX_SUFFIX).exists();
                baseOffsetsWithIndexes.put(base, indexesPresent);
            }
        }
        deleteOrphanIndexes(files, baseOffsetsWithIndexes);

        // Unclean: everything from the segment holding the recovery point on may hold unflushed, torn data.
        Long floor = baseOffsetsWithIndexes.floorKey(recoveryPoint);
        long firstToRecover = hadCleanShutdown ? Long.MAX_VALUE : floor == null ? Long.MIN_VALUE : floor;
        boolean truncated = false;
        for (Map.Entry<Long, Boolean> e : baseOffsetsWithIndexes.entrySet()) {
            long base = e.getKey();
            if (truncated) {
                log.warn("Deleting segment {} of {} that follows a truncated segment", base, dir);
                deleteSegmentFiles(dir, base);
                continue;
            }
            LogSegment segment = LogSegment.open(dir, base, config, time);
            segments.put(base, segment);
            if (base >= firstToRecover) {
                truncated = segment.recover(config.segmentIndexBytes()) > 0;
                segment.flush();
            } else if (!e.getValue() || !segment.indexesLookConsistent()) {
                log.warn("Rebuilding missing or inconsistent indexes of segment {} in {}", base, dir);
                segment.recover(config.segmentIndexBytes());
            }
        }
    }

    private static File[] listFiles(File dir) throws IOException {
        File[] files = dir.listFiles();
        if (files == null) {
            throw new IOException("Cannot list partition directory " + dir);
        }
        return files;
    }

    /** Deletes files of deletions, writes and cleanings that the last shutdown interrupted. */
    private static void removeLeftovers(File dir) throws IOException {
        for (File file : listFiles(dir)) {
            String name = file.getName();
            if (name.endsWith(LogFileNames.DELETED_SUFFIX) || name.endsWith(LogFileNames.TMP_SUFFIX)
                || name.endsWith(LogFileNames.CLEANED_SUFFIX)) {
                Files.deleteIfExists(file.toPath());
            }
        }
    }

    /**
     * Finishes cleaner replacements cut short by a crash (see {@link PartitionLog#replaceSegments}): a
     * {@code <base>.log.swap} file was committed, so the original segments whose base offsets lie in its offset range
     * are deleted and the swap files take the plain names. A cleaned segment ends with the last batch of the segments
     * it replaces (the cleaner keeps that batch, if only as an empty header), so its range covers exactly those.
     * Index files renamed to .swap before their log file are dropped; indexes missing afterwards are rebuilt.
     */
    private static void completeInterruptedSwaps(File dir) throws IOException {
        String swapLogSuffix = LogFileNames.LOG_SUFFIX + LogFileNames.SWAP_SUFFIX;
        for (File file : listFiles(dir)) {
            long base = LogFileNames.offsetFromName(file.getName(), swapLogSuffix);
            if (base < 0) {
                continue;
            }
            long nextOffset = base;
            try (FileRecords records = FileRecords.open(file, false)) {
                for (FileChannelRecordBatch batch : records.batches()) {
                    nextOffset = batch.nextOffset();
                }
            }
            for (File candidate : listFiles(dir)) {
                long originalBase = LogFileNames.offsetFromName(candidate.getName(), LogFileNames.LOG_SUFFIX);
                if (originalBase >= base && originalBase < nextOffset) {
                    deleteSegmentFiles(dir, originalBase);
                }
            }
            deleteSegmentFiles(dir, base);
            String[] swapNames = LogSegment.fileNames(base, LogFileNames.SWAP_SUFFIX);
            String[] plainNames = LogSegment.fileNames(base, "");
            for (int i = 0; i < swapNames.length; i++) {
                File swapFile = new File(dir, swapNames[i]);
                if (swapFile.exists()) {
                    Files.move(swapFile.toPath(), new File(dir, plainNames[i]).toPath(),
                        StandardCopyOption.ATOMIC_MOVE);
                }
            }
            log.info("Completed the interrupted replacement of segments {} to {} of {} by a cleaned segment", base,
                nextOffset - 1, dir);
        }
        for (File file : listFiles(dir)) {
            if (file.getName().endsWith(LogFileNames.SWAP_SUFFIX)) {
                Files.deleteIfExists(file.toPath());
            }
        }
    }

    private static void deleteOrphanIndexes(File[] files, Map<Long, Boolean> baseOffsets) throws IOException {
        for (File file : files) {
            String name = file.getName();
            long indexBase = Math.max(LogFileNames.offsetFromName(name, LogFileNames.INDEX_SUFFIX),
                LogFileNames.offsetFromName(name, LogFileNames.TIME_INDEX_SUFFIX));
            if (indexBase >= 0 && !baseOffsets.containsKey(indexBase)) {
                Files.deleteIfExists(file.toPath());
            }
        }
    }

    private static void deleteSegmentFiles(File dir, long base) throws IOException {
        for (String suffix : new String[] {LogFileNames.LOG_SUFFIX, LogFileNames.INDEX_SUFFIX,
            LogFileNames.TIME_INDEX_SUFFIX}) {
            Files.deleteIfExists(LogFileNames.file(dir, base, suffix).toPath());
        }
    }

    /** Newest usable snapshot, then the batch headers after it (the whole log if there is no snapshot). */
    static void restoreProducerState(ConcurrentSkipListMap<Long, LogSegment> segments,
                                             ProducerStateManager producerState, long nextOffset) throws IOException {
        long snapshotOffset = producerState.loadLatestSnapshot(nextOffset);
        if (snapshotOffset == nextOffset) {
            return;
        }
        Long firstSegment = snapshotOffset < 0 ? segments.firstKey() : segments.floorKey(snapshotOffset);
        for (LogSegment segment : segments.tailMap(firstSegment == null ? segments.firstKey() : firstSegment).values()) {
            for (FileChannelRecordBatch batch : segment.batches()) {
                if (batch.baseOffset() >= snapshotOffset) {
                    producerState.replay(batch);
                }
            }
        }
        log.debug("Restored producer state from snapshot at {} and replay up to {}", snapshotOffset, nextOffset);
    }
}
