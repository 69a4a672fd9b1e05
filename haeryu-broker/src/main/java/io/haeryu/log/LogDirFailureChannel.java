package io.haeryu.log;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where storage code reports an I/O error on a log directory, as Kafka's {@code LogDirFailureChannel}: the first
 * report of a directory marks it offline and queues it for the broker's failure handler (which takes its
 * partitions offline and tells the controller); later reports of the same directory only log. Reporting never
 * blocks, so it is safe under a log's lock.
 */
public final class LogDirFailureChannel {
    private static final Logger log = LoggerFactory.getLogger(LogDirFailureChannel.class);

    private final Set<Path> offlineDirs = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<Path> pending = new LinkedBlockingQueue<>();

    /** Marks dir offline (once) after the error {@code cause} while doing {@code what}. */
    public void maybeAddOfflineLogDir(Path dir, String what, Throwable cause) {
        Path key = dir.toAbsolutePath().normalize();
        log.error("{} (log directory {})", what, key, cause);
        if (offlineDirs.add(key)) {
            pending.add(key);
        }
    }

    public boolean hasOfflineLogDir(Path dir) {
        return offlineDirs.contains(dir.toAbsolutePath().normalize());
    }

    /** Blocks until a directory goes offline that the handler has not been given yet. */
    public Path takeNextOfflineLogDir() throws InterruptedException {
        return pending.take();
    }
}
