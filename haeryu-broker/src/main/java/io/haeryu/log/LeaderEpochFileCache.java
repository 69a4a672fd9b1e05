package io.haeryu.log;

import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader epochs of one partition's log: for every epoch, the first offset written in it (Kafka's
 * {@code leader-epoch-checkpoint}). It answers "where did epoch E end?", which is how a follower finds the point
 * where its log and the leader's diverge (KIP-101/KIP-279), and how consumers validate positions after a leader
 * change (KIP-320).
 *
 * <p>The file is Kafka's text format: a version line ({@code 0}), an entry count, then {@code epoch startOffset}
 * lines. It is rewritten (atomically, fsynced) on every change; changes only happen on leader changes and
 * truncations, so the cost does not matter. Callers serialize changes (the log's lock).
 */
public final class LeaderEpochFileCache {

    private static final Logger log = LoggerFactory.getLogger(LeaderEpochFileCache.class);
    static final String FILE_NAME = "leader-epoch-checkpoint";
    private static final int VERSION = 0;
    public static final int UNDEFINED_EPOCH = -1;
    public static final long UNDEFINED_OFFSET = -1;

    /** An epoch and an offset: a start offset in the cache, an end offset (exclusive) in answers. */
    public record EpochOffset(int epoch, long offset) {
    }

    private final File file;
    /** epoch -> start offset; start offsets increase with epochs. */
    private final TreeMap<Integer, Long> epochs = new TreeMap<>();

    private LeaderEpochFileCache(File file) {
        this.file = file;
    }

    /** Loads {@code dir/leader-epoch-checkpoint}; a missing or unreadable file starts an empty cache. */
    static LeaderEpochFileCache load(File dir) {
        LeaderEpochFileCache cache = new LeaderEpochFileCache(new File(dir, FILE_NAME));
        if (cache.file.exists()) {
            try {
                List<String> lines = Files.readAllLines(cache.file.toPath(), StandardCharsets.UTF_8);
                int count = Integer.parseInt(lines.get(1).trim());
                for (int i = 0; i < count; i++) {
                    String[] parts = lines.get(2 + i).trim().split("\\s+");
                    cache.epochs.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
                }
            } catch (IOException | RuntimeException e) {
                // Losing the cache only costs precision: a follower then truncates to the high watermark instead.
                log.warn("Ignoring unreadable {}: {}", cache.file, e.toString());
                cache.epochs.clear();
            }
        }
        return cache;
    }

    /** Records that {@code epoch} starts at {@code startOffset}, if it is newer than the latest epoch. */
    public synchronized void assign(int epoch, long startOffset) {
        if (epoch < 0) {
            return;
        }
        Map.Entry<Integer, Long> latest = epochs.lastEntry();
        if (latest != null && latest.getKey() >= epoch) {
            return;
        }
        epochs.put(epoch, startOffset);
        write();
    }

    /** The latest epoch, or {@link #UNDEFINED_EPOCH}. */
    public synchronized int latestEpoch() {
        return epochs.isEmpty() ? UNDEFINED_EPOCH : epochs.lastKey();
    }

    /**
     * Kafka's {@code endOffsetFor}: for the latest epoch, (epoch, {@code logEndOffset}); for an older one, the
     * largest epoch at or below it (or the requested one, if it is older than every epoch we know) and the start of
     * the next epoch; (-1, -1) for an epoch newer than all we know, or an unknown one.
     */
    public synchronized EpochOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
        if (requestedEpoch < 0 || epochs.isEmpty()) {
            return new EpochOffset(UNDEFINED_EPOCH, UNDEFINED_OFFSET);
        }
        if (requestedEpoch == epochs.lastKey()) {
            return new EpochOffset(requestedEpoch, logEndOffset);
        }
        Map.Entry<Integer, Long> next = epochs.higherEntry(requestedEpoch);
        if (next == null) {
            return new EpochOffset(UNDEFINED_EPOCH, UNDEFINED_OFFSET);
        }
        Map.Entry<Integer, Long> floor = epochs.floorEntry(requestedEpoch);
        return new EpochOffset(floor == null ? requestedEpoch : floor.getKey(), next.getValue());
    }

    /** Drops the epochs starting at or after {@code endOffset}: the log was truncated there. */
    public synchronized void truncateFromEnd(long endOffset) {
        if (epochs.values().removeIf(start -> start >= endOffset)) {
            write();
        }
    }

    synchronized List<EpochOffset> entries() {
        List<EpochOffset> result = new ArrayList<>();
        epochs.forEach((e, o) -> result.add(new EpochOffset(e, o)));
        return result;
    }

    private void write() {
        File tmp = new File(file.getPath() + LogFileNames.TMP_SUFFIX);
        try {
            try (BufferedWriter w = Files.newBufferedWriter(tmp.toPath(), StandardCharsets.UTF_8)) {
                w.write(VERSION + "\n" + epochs.size() + "\n");
                for (Map.Entry<Integer, Long> e : epochs.entrySet()) {
                    w.write(e.getKey() + " " + e.getValue() + "\n");
                }
            }
            try (FileChannel channel = FileChannel.open(tmp.toPath(), StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            DirectoryFsync.fsync(file.toPath().toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
