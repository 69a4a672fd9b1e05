package io.haeryu.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Holds {@code .lock} in a log dir so two brokers can never write the same logs (as Kafka does). */
final class LogDirLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private LogDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static LogDirLock acquire(Path dir) throws IOException {
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("Log dir " + dir.toAbsolutePath() + " is in use by another broker process."
                + " Stop that broker, or give this one its own log.dirs.");
        }
        return new LogDirLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
