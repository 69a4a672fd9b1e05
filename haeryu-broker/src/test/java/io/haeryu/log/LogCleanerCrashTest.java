package io.haeryu.log;

import static io.haeryu.log.LogTestSupport.TOPIC_ID;
import static io.haeryu.log.LogTestSupport.TP;
import static io.haeryu.log.LogTestSupport.append;
import static io.haeryu.log.LogTestSupport.keyed;
import static io.haeryu.log.LogTestSupport.readKeyed;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.haeryu.log.LogTestSupport.KeyedRecord;

/**
 * A crash at each stage of a cleaner's segment swap, recreated by leaving the files as the crash would: reopening
 * must lose no record, serve no offset twice, and accept appends.
 */
class LogCleanerCrashTest {
    /** Small segments to write; cleaning then merges about four into one (segment.bytes raised before cleaning). */
    private static final LogConfig WRITE_CONFIG = LogConfig.builder().cleanupPolicyCompact(true)
        .cleanupPolicyDelete(false).segmentBytes(1024).segmentIndexBytes(4096).fileDeleteDelayMs(3_600_000).build();
    private static final LogConfig CLEAN_CONFIG = WRITE_CONFIG.toBuilder().segmentBytes(4096).build();

    @RegisterExtension
    final LogTestSupport support = new LogTestSupport();
    @TempDir
    Path backup;
    private List<KeyedRecord> original;
    private List<KeyedRecord> cleaned;
    private List<Long> cleanedBases;

    @BeforeEach
    void setUp() throws IOException {
        LogManager manager = support.startManager(WRITE_CONFIG);
        PartitionLog log = manager.getOrCreateLog(TP, TOPIC_ID, WRITE_CONFIG);
        for (int i = 0; i < 300; i++) {
            append(log, keyed(Compression.NONE, support.time.milliseconds(), "key-" + i % 10, "value-" + i));
        }
        log.rollActiveSegment();
        log.flush();
        original = readKeyed(log);
        List<LogSegment> segments = log.segmentList();
        for (LogSegment segment : segments.subList(0, segments.size() - 1)) {
            String name = LogSegment.fileNames(segment.baseOffset(), "")[0];
            Files.copy(partitionDir().resolve(name), backup.resolve(name));
        }

        log.updateConfig(CLEAN_CONFIG);
        LogCleaner.CleanResult result = manager.cleaner().clean(log).orElseThrow();
        assertThat(result.segmentsAfter()).isGreaterThan(3).isLessThan(result.segmentsBefore());
        cleaned = readKeyed(log);
        List<LogSegment> after = log.segmentList();
        cleanedBases = after.subList(0, after.size() - 1).stream().map(LogSegment::baseOffset).toList();
        // The manager is abandoned without close(): a crash right after the cleaning.
    }

    private Path partitionDir() {
        return support.logDir.resolve(TP.topic() + "-" + TP.partition());
    }

    private void renameSegmentFiles(long base, String fromSuffix, String toSuffix, boolean includeLog)
        throws IOException {
        String[] from = LogSegment.fileNames(base, fromSuffix);
        String[] to = LogSegment.fileNames(base, toSuffix);
        for (int i = includeLog ? 0 : 1; i < from.length; i++) {
            Files.move(partitionDir().resolve(from[i]), partitionDir().resolve(to[i]));
        }
    }

    /** Puts the original segments back under their own names, as before they were renamed for deletion. */
    private void restoreOriginals() throws IOException {
        try (Stream<Path> files = Files.list(partitionDir())) {
            for (Path file : files.filter(f -> f.toString().endsWith(LogFileNames.DELETED_SUFFIX)).toList()) {
                Files.delete(file);
            }
        }
        try (Stream<Path> files = Files.list(backup)) {
            for (Path file : files.toList()) {
                Files.copy(file, partitionDir().resolve(file.getFileName()));
            }
        }
    }

    /** Loads the log again and, as a single-node leader would, raises the high watermark to the log end. */
    private PartitionLog reopen() {
        PartitionLog log = support.startManager(CLEAN_CONFIG).getOrCreateLog(TP, TOPIC_ID, CLEAN_CONFIG);
        log.updateHighWatermark(log.logEndOffset());
        return log;
    }

    private static Map<String, String> latestByKey(List<KeyedRecord> records) {
        Map<String, String> latest = new LinkedHashMap<>();
        records.forEach(record -> latest.put(record.key(), record.value()));
        return latest;
    }

    /** Readable with strictly increasing offsets, every record an original one, and appends continue at 300. */
    private void assertConsistent(PartitionLog log, List<KeyedRecord> records) {
        for (int i = 1; i < records.size(); i++) {
            assertThat(records.get(i).offset()).isGreaterThan(records.get(i - 1).offset());
        }
        assertThat(original).containsAll(records);
        assertThat(latestByKey(records)).isEqualTo(latestByKey(original));
        assertThat(append(log, keyed(Compression.NONE, support.time.milliseconds(), "key-0", "after")).firstOffset())
            .isEqualTo(300);
        assertThat(latestByKey(readKeyed(log))).containsEntry("key-0", "after");
    }

    @Test
    void crashWhileWritingCleanedFilesRollsBackToTheOriginals() throws IOException {
        long base = cleanedBases.get(1);
        renameSegmentFiles(base, "", LogFileNames.CLEANED_SUFFIX, true);
        for (long other : cleanedBases) {
            if (other != base) {
                for (String name : LogSegment.fileNames(other, "")) {
                    Files.delete(partitionDir().resolve(name));
                }
            }
        }
        Path partial = partitionDir().resolve(LogSegment.fileNames(base, LogFileNames.CLEANED_SUFFIX)[0]);
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 2);
        }
        restoreOriginals();

        PartitionLog log = reopen();

        List<KeyedRecord> records = readKeyed(log);
        assertThat(records).isEqualTo(original);
        assertConsistent(log, records);
        try (Stream<Path> files = Files.list(partitionDir())) {
            assertThat(files.map(Path::toString)).noneMatch(name -> name.endsWith(LogFileNames.CLEANED_SUFFIX));
        }
    }

    @Test
    void crashAfterTheSwapCommitCompletesTheReplacement() throws IOException {
        for (long base : cleanedBases) {
            renameSegmentFiles(base, "", LogFileNames.SWAP_SUFFIX, true);
        }
        restoreOriginals();

        PartitionLog log = reopen();

        List<KeyedRecord> records = readKeyed(log);
        assertThat(records).isEqualTo(cleaned);
        assertConsistent(log, records);
        try (Stream<Path> files = Files.list(partitionDir())) {
            assertThat(files.map(Path::toString)).noneMatch(name -> name.endsWith(LogFileNames.SWAP_SUFFIX));
        }
    }

    @Test
    void crashWhileDroppingTheSwapSuffixCompletesTheReplacement() throws IOException {
        // The originals are already ".deleted"; the indexes lost their ".swap" suffix, the log files not yet.
        for (long base : cleanedBases) {
            renameSegmentFiles(base, "", LogFileNames.SWAP_SUFFIX, true);
            renameSegmentFiles(base, LogFileNames.SWAP_SUFFIX, "", false);
        }

        PartitionLog log = reopen();

        List<KeyedRecord> records = readKeyed(log);
        assertThat(records).isEqualTo(cleaned);
        assertConsistent(log, records);
    }

    @Test
    void crashHalfwayThroughCommittingTheSwapKeepsCommittedGroupsAndRollsBackTheRest() throws IOException {
        int half = cleanedBases.size() / 2;
        for (int i = 0; i < cleanedBases.size(); i++) {
            renameSegmentFiles(cleanedBases.get(i), "", i < half ? LogFileNames.SWAP_SUFFIX
                : LogFileNames.CLEANED_SUFFIX, true);
        }
        // The cleaned segment being renamed at the crash: index already ".swap", log still ".cleaned".
        renameSegmentFiles(cleanedBases.get(half), LogFileNames.CLEANED_SUFFIX, LogFileNames.SWAP_SUFFIX, false);
        restoreOriginals();

        PartitionLog log = reopen();

        List<KeyedRecord> records = readKeyed(log);
        long firstRolledBack = cleanedBases.get(half);
        List<KeyedRecord> expected = new ArrayList<>();
        cleaned.stream().filter(r -> r.offset() < firstRolledBack).forEach(expected::add);
        original.stream().filter(r -> r.offset() >= firstRolledBack).forEach(expected::add);
        assertThat(records).isEqualTo(expected);
        assertConsistent(log, records);
    }
}
