package io.haeryu.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.apache.kafka.common.Uuid;

/** The {@code partition.metadata} file that ties a partition directory to its topic id (Kafka's format). */
final class PartitionMetadataFile {
    static final String NAME = "partition.metadata";
    private static final String TOPIC_ID_PREFIX = "topic_id: ";

    private PartitionMetadataFile() {
    }

    static void write(Path partitionDir, Uuid topicId) throws IOException {
        Path file = partitionDir.resolve(NAME);
        Path tmp = partitionDir.resolve(NAME + LogFileNames.TMP_SUFFIX);
        Files.writeString(tmp, "version: 0\n" + TOPIC_ID_PREFIX + topicId + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DirectoryFsync.fsync(partitionDir);
    }

    /** The stored topic id, or ZERO_UUID if the file is absent. */
    static Uuid read(Path partitionDir) throws IOException {
        Path file = partitionDir.resolve(NAME);
        if (!Files.exists(file)) {
            return Uuid.ZERO_UUID;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith(TOPIC_ID_PREFIX)) {
                return Uuid.fromString(line.substring(TOPIC_ID_PREFIX.length()).trim());
            }
        }
        throw new IOException("No topic id in " + file);
    }
}
