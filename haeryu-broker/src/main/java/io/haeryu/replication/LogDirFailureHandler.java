package io.haeryu.replication;

import io.haeryu.log.LogDirFailureChannel;
import io.haeryu.log.LogManager;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's reaction to a failed log directory, on a thread of its own as Kafka's LogDirFailureHandler: takes
 * each directory reported to the {@link LogDirFailureChannel}, takes its partitions offline on this broker
 * ({@link ReplicaManager#handleLogDirFailure}) and tells the controller which replicas are offline, so it moves
 * their leadership to other in-sync replicas and drops them from ISRs. When the last log directory has failed the
 * broker cannot serve anything: it halts (Kafka's rule), after telling the controller, so leadership moves at once
 * instead of after the ZooKeeper session times out.
 */
public final class LogDirFailureHandler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LogDirFailureHandler.class);

    private final LogManager logManager;
    private final ReplicaManager replicas;
    private final Consumer<Set<TopicPartition>> offlineReplicasReporter;
    private final Runnable halt;
    private final Thread thread;

    /**
     * @param offlineReplicasReporter publishes this broker's offline replicas to the controller (may block)
     * @param halt stops the process without a clean shutdown
     */
    public LogDirFailureHandler(int brokerId, LogManager logManager, ReplicaManager replicas,
                                Consumer<Set<TopicPartition>> offlineReplicasReporter, Runnable halt) {
        this.logManager = logManager;
        this.replicas = replicas;
        this.offlineReplicasReporter = offlineReplicasReporter;
        this.halt = halt;
        this.thread = new Thread(this::run, "haeryu-log-dir-failure-handler-" + brokerId);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        LogDirFailureChannel channel = logManager.failureChannel();
        while (!Thread.currentThread().isInterrupted()) {
            Path dir;
            try {
                dir = channel.takeNextOfflineLogDir();
            } catch (InterruptedException e) {
                return;
            }
            handle(dir);
        }
    }

    private void handle(Path dir) {
        Set<TopicPartition> offline = replicas.handleLogDirFailure(dir);
        boolean lastDirFailed = logManager.onlineLogDirs().isEmpty();
        try {
            offlineReplicasReporter.accept(offline);
            log.info("Reported {} offline replicas to the controller after log directory {} failed", offline.size(), dir);
        } catch (RuntimeException e) {
            log.error("Could not report the offline replicas of failed log directory {}", dir, e);
        }
        if (lastDirFailed) {
            log.error("Shutting down the broker because all its log directories have failed");
            halt.run();
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
