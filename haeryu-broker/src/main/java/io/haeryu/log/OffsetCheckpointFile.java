package io.haeryu.log;

import java.io.IOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * A per-log-dir file of one offset per partition, in Kafka's text format ("0", count, then "topic partition offset"
 * lines). Written atomically (temp file, fsync, rename, directory fsync) so a crash leaves either the old or the new
 * content.
 */
final class OffsetCheckpointFile {
    static final String RECOVERY_POINT = "recovery-point-offset-checkpoint";
    static final String LOG_START_OFFSET = "log-start-offset-checkpoint";
    static final String HIGH_WATERMARK = "replication-offset-checkpoint";
    /** Where the log cleaner's dirty section of each log starts. */
    static final String CLEANER_OFFSET = "cleaner-offset-checkpoint";
    private static final int VERSION = 0;

    private OffsetCheckpointFile() {
    }

    static Map<TopicPartition, Long> read(Path file) throws IOException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (!Files.exists(file)) {
            return offsets;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.size() < 2 || Integer.parseInt(lines.get(0).trim()) != VERSION) {
            throw new IOException("Malformed checkpoint file " + file);
        }
        int count = Integer.parseInt(lines.get(1).trim());
        if (lines.size() < 2 + count) {
            throw new IOException("Checkpoint file " + file + " declares " + count + " entries but is shorter");
        }
        for (int i = 0; i < count; i++) {
            String[] parts = lines.get(2 + i).trim().split(" ");
            if (parts.length != 3) {
                throw new IOException("Malformed line '" + lines.get(2 + i) + "' in " + file);
            }
            offsets.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
        }
        return offsets;
    }

    static void write(Path file, Map<TopicPartition, Long> offsets) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + LogFileNames.TMP_SUFFIX);
        try (Writer writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            writer.write(VERSION + "\n" + offsets.size() + "\n");
            for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
                writer.write(e.getKey().topic() + " " + e.getKey().partition() + " " + e.getValue() + "\n");
            }
        }
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DirectoryFsync.fsync(file.toAbsolutePath().getParent());
    }
}
