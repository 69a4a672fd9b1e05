package io.haeryu.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Fsyncs a directory, so that files created, renamed or deleted in it survive a machine crash (as Kafka's
 * {@code Utils.flushDir}): after new segments are flushed, after the cleaner's {@code .swap} renames, after a
 * checkpoint file's atomic replacement and after a partition directory is created.
 */
final class DirectoryFsync {

    private static final boolean SUPPORTED = !System.getProperty("os.name", "").toLowerCase().startsWith("windows");

    private DirectoryFsync() {
    }

    static void fsync(Path dir) throws IOException {
        if (!SUPPORTED) {
            return; // Windows cannot open a directory as a channel; Kafka skips it there too
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
