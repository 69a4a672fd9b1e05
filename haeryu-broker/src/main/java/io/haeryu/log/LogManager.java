package io.haeryu.log;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentTopicIdException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns all partition logs of the broker's log directories: loads them at startup (recovering after a crash),
 * creates and deletes them, and runs the periodic retention, flush and checkpoint tasks, and the {@link LogCleaner}
 * for compacted logs on a thread of its own (cleaning can take long; it must not delay retention or flushes).
 *
 * <p>Per log dir it keeps Kafka's checkpoint files (recovery point, log start offset, high watermark, cleaner
 * offset) and a clean-shutdown marker; without the marker, loading recovers each log from its recovery point.
 *
 * <p>Log directory failure (Kafka's rule): an I/O error in a directory (a log's append, roll, flush, read, cleaning,
 * or a checkpoint write here) reports it to the {@link LogDirFailureChannel}; {@link #handleLogDirFailure} then
 * drops its logs, which stay offline (never re-created elsewhere) until the broker restarts and recovers them.
 * Offline directories get no checkpoints, no clean-shutdown marker and no new logs.
 */
public final class LogManager implements Closeable {
    /** Kafka's log.retention.check.interval.ms default. */
    public static final long DEFAULT_RETENTION_CHECK_INTERVAL_MS = 5 * 60 * 1000L;
    static final String CLEAN_SHUTDOWN_MARKER = ".kafka_cleanshutdown";
    private static final Logger log = LoggerFactory.getLogger(LogManager.class);
    /** How often logs with a flush.ms are checked (Kafka's log.flush.scheduler.interval.ms, made finite). */
    private static final long FLUSH_CHECK_INTERVAL_MS = 1000;
    /** Kafka's log.flush.offset.checkpoint.interval.ms. */
    private static final long CHECKPOINT_INTERVAL_MS = 60_000;

    private final List<Path> logDirs;
    private final LogConfig defaultConfig;
    private final Time time;
    private final ScheduledExecutorService scheduler;
    private final long retentionCheckIntervalMs;
    private final CleanerConfig cleanerConfig;
    private final ProducerIdExpiration producerIdExpiration;
    private final LogCleaner cleaner;
    private ScheduledExecutorService cleanerThread;
    private final Map<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();
    private final LogDirFailureChannel failureChannel = new LogDirFailureChannel();
    /** Partitions whose log was in a directory that failed. */
    private final Set<TopicPartition> offlineLogs = ConcurrentHashMap.newKeySet();
    private final List<ScheduledFuture<?>> periodicTasks = new ArrayList<>();
    private volatile boolean closed;

    public LogManager(List<Path> logDirs, LogConfig defaultConfig, Time time, ScheduledExecutorService scheduler) {
        this(logDirs, defaultConfig, time, scheduler, DEFAULT_RETENTION_CHECK_INTERVAL_MS);
    }

    public LogManager(List<Path> logDirs, LogConfig defaultConfig, Time time, ScheduledExecutorService scheduler,
                      long retentionCheckIntervalMs) {
        this(logDirs, defaultConfig, time, scheduler, retentionCheckIntervalMs, CleanerConfig.defaults());
    }

    public LogManager(List<Path> logDirs, LogConfig defaultConfig, Time time, ScheduledExecutorService scheduler,
                      long retentionCheckIntervalMs, CleanerConfig cleanerConfig) {
        this(logDirs, defaultConfig, time, scheduler, retentionCheckIntervalMs, cleanerConfig,
            ProducerIdExpiration.defaults());
    }

    public LogManager(List<Path> logDirs, LogConfig defaultConfig, Time time, ScheduledExecutorService scheduler,
                      long retentionCheckIntervalMs, CleanerConfig cleanerConfig,
                      ProducerIdExpiration producerIdExpiration) {
        if (logDirs.isEmpty()) {
            throw new IllegalArgumentException("At least one log directory is required");
        }
        this.logDirs = List.copyOf(logDirs);
        this.defaultConfig = defaultConfig;
        this.time = time;
        this.scheduler = scheduler;
        this.retentionCheckIntervalMs = retentionCheckIntervalMs;
        this.cleanerConfig = cleanerConfig;
        this.producerIdExpiration = producerIdExpiration;
        this.cleaner = new LogCleaner(cleanerConfig, time);
    }

    /**
     * Loads every partition directory with the default config (recovering after an unclean shutdown) and starts the
     * periodic tasks. A loaded log keeps its checkpointed high watermark; a single-node leader should then raise it
     * to the log end offset, as Kafka's leader election does.
     */
    public void startup() {
        Exception lastFailure = null;
        for (Path logDir : logDirs) {
            try {
                loadLogDir(logDir);
            } catch (IOException | RuntimeException e) {
                failureChannel.maybeAddOfflineLogDir(logDir, "Failed to load log directory " + logDir, e);
                lastFailure = e;
            }
        }
        if (onlineLogDirs().isEmpty()) {
            throw new KafkaStorageException("None of the log directories " + logDirs + " could be loaded", lastFailure);
        }
        removeExpiredProducers(); // as Kafka, which does not load expired producers from snapshots
        periodicTasks.add(scheduler.scheduleWithFixedDelay(this::runRetentionSafely, retentionCheckIntervalMs,
            retentionCheckIntervalMs, TimeUnit.MILLISECONDS));
        periodicTasks.add(scheduler.scheduleWithFixedDelay(this::flushDueLogs, FLUSH_CHECK_INTERVAL_MS,
            FLUSH_CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS));
        periodicTasks.add(scheduler.scheduleWithFixedDelay(this::checkpointSafely, CHECKPOINT_INTERVAL_MS,
            CHECKPOINT_INTERVAL_MS, TimeUnit.MILLISECONDS));
        periodicTasks.add(scheduler.scheduleWithFixedDelay(this::removeExpiredProducers,
            producerIdExpiration.checkIntervalMs(), producerIdExpiration.checkIntervalMs(), TimeUnit.MILLISECONDS));
        if (cleanerConfig.backoffMs() > 0) {
            cleanerThread = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "haeryu-log-cleaner");
                thread.setDaemon(true);
                return thread;
            });
            cleanerThread.scheduleWithFixedDelay(this::runCleanerSafely, cleanerConfig.backoffMs(),
                cleanerConfig.backoffMs(), TimeUnit.MILLISECONDS);
        }
    }

    private void loadLogDir(Path logDir) throws IOException {
        Files.createDirectories(logDir);
        Path marker = logDir.resolve(CLEAN_SHUTDOWN_MARKER);
        boolean hadCleanShutdown = Files.exists(marker);
        Map<TopicPartition, Long> recoveryPoints = readCheckpoint(logDir, OffsetCheckpointFile.RECOVERY_POINT);
        Map<TopicPartition, Long> logStartOffsets = readCheckpoint(logDir, OffsetCheckpointFile.LOG_START_OFFSET);
        Map<TopicPartition, Long> highWatermarks = readCheckpoint(logDir, OffsetCheckpointFile.HIGH_WATERMARK);
        Map<TopicPartition, Long> cleanerOffsets = readCheckpoint(logDir, OffsetCheckpointFile.CLEANER_OFFSET);
        List<Path> children;
        try (Stream<Path> stream = Files.list(logDir)) {
            children = stream.filter(Files::isDirectory).toList();
        }
        Map<TopicPartition, PartitionLog> loaded = new HashMap<>();
        for (Path partitionDir : children) {
            String name = partitionDir.getFileName().toString();
            if (name.endsWith(LogFileNames.DELETE_DIR_SUFFIX)) {
                deleteDirectory(partitionDir);
                continue;
            }
            TopicPartition tp = parsePartitionDirName(name);
            if (tp == null) {
                log.warn("Ignoring directory {} that is not named <topic>-<partition>", partitionDir);
                continue;
            }
            PartitionLog partitionLog = PartitionLog.open(partitionDir.toFile(), tp,
                PartitionMetadataFile.read(partitionDir), defaultConfig, time, scheduler, hadCleanShutdown,
                recoveryPoints.getOrDefault(tp, 0L), logStartOffsets.getOrDefault(tp, 0L),
                highWatermarks.getOrDefault(tp, 0L), cleanerOffsets.getOrDefault(tp, 0L), failureChannel);
            loaded.put(tp, partitionLog);
        }
        // Only a directory loaded completely is used.
        logs.putAll(loaded);
        if (!hadCleanShutdown && !children.isEmpty()) {
            log.warn("Log directory {} was not shut down cleanly; logs were recovered", logDir);
        }
        // From now on a crash must be detectable again.
        Files.deleteIfExists(marker);
    }

    private static Map<TopicPartition, Long> readCheckpoint(Path logDir, String name) {
        try {
            return OffsetCheckpointFile.read(logDir.resolve(name));
        } catch (IOException | RuntimeException e) {
            log.warn("Ignoring unreadable checkpoint {} in {}: {}", name, logDir, e.toString());
            return Map.of();
        }
    }

    static TopicPartition parsePartitionDirName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return null;
        }
        try {
            int partition = Integer.parseInt(name.substring(dash + 1));
            return partition < 0 ? null : new TopicPartition(name.substring(0, dash), partition);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The log of tp, created empty in the least loaded log dir if absent. An existing log (e.g. loaded at startup
     * with the default config) takes the given config, so calling this again with the topic's config is how topic
     * overrides reach logs after a restart.
     *
     * @throws InconsistentTopicIdException if the partition exists with another topic id
     */
    public PartitionLog getOrCreateLog(TopicPartition tp, Uuid topicId, LogConfig config) {
        ensureOpen();
        if (offlineLogs.contains(tp)) {
            throw new KafkaStorageException("The log of " + tp + " is in a failed log directory");
        }
        PartitionLog partitionLog = logs.computeIfAbsent(tp, key -> createLog(key, topicId, config));
        if (!partitionLog.topicId().equals(topicId) && !Uuid.ZERO_UUID.equals(partitionLog.topicId())) {
            throw new InconsistentTopicIdException("Partition " + tp + " has topic id " + partitionLog.topicId()
                + ", not " + topicId);
        }
        if (!partitionLog.config().equals(config)) {
            partitionLog.updateConfig(config);
        }
        return partitionLog;
    }

    private PartitionLog createLog(TopicPartition tp, Uuid topicId, LogConfig config) {
        Path logDir = leastLoadedLogDir();
        Path partitionDir = logDir.resolve(tp.topic() + "-" + tp.partition());
        try {
            Files.createDirectories(partitionDir);
            DirectoryFsync.fsync(logDir);
            PartitionMetadataFile.write(partitionDir, topicId);
            log.info("Created log for {} in {}", tp, partitionDir);
            return PartitionLog.open(partitionDir.toFile(), tp, topicId, config, time, scheduler, true, 0, 0, 0, 0,
                failureChannel);
        } catch (IOException | UncheckedIOException e) {
            String what = "Failed to create log for " + tp + " in " + logDir;
            failureChannel.maybeAddOfflineLogDir(logDir, what, e);
            throw new KafkaStorageException(what, e);
        }
    }

    private Path leastLoadedLogDir() {
        List<Path> online = onlineLogDirs();
        Map<Path, Integer> counts = new HashMap<>();
        for (Path dir : online) {
            counts.put(dir, 0);
        }
        for (PartitionLog partitionLog : logs.values()) {
            counts.computeIfPresent(partitionLog.dir().getParentFile().toPath(), (dir, n) -> n + 1);
        }
        return online.stream().min(Comparator.comparingInt(counts::get))
            .orElseThrow(() -> new KafkaStorageException("All log directories " + logDirs + " have failed"));
    }

    /** Where storage errors are reported; the broker's failure handler takes directories from it. */
    public LogDirFailureChannel failureChannel() {
        return failureChannel;
    }

    /** The configured log directories that have not failed, in configuration order. */
    public List<Path> onlineLogDirs() {
        return logDirs.stream().filter(dir -> !failureChannel.hasOfflineLogDir(dir)).toList();
    }

    /** The partitions whose log was in a log directory that failed. */
    public Set<TopicPartition> offlineLogs() {
        return Set.copyOf(offlineLogs);
    }

    /** Whether the log of tp was in a log directory that failed (it is not served until a restart). */
    public boolean isOfflineLog(TopicPartition tp) {
        return offlineLogs.contains(tp);
    }

    /**
     * Drops every log of a failed directory (Kafka's LogManager.handleLogDirFailure): they are closed without
     * flushing and remembered as offline. Returns their partitions.
     */
    public Set<TopicPartition> handleLogDirFailure(Path dir) {
        Set<TopicPartition> removed = new HashSet<>();
        for (PartitionLog partitionLog : List.copyOf(logs.values())) {
            Path parent = partitionLog.dir().getParentFile().toPath();
            if (parent.toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize())) {
                TopicPartition tp = partitionLog.topicPartition();
                offlineLogs.add(tp);
                logs.remove(tp, partitionLog);
                cleaner.forget(tp);
                for (LogSegment segment : partitionLog.closeForDeletion()) {
                    try {
                        segment.closeHandles();
                    } catch (IOException e) {
                        log.debug("Failed to close {} of a failed log directory", segment, e);
                    }
                }
                removed.add(tp);
            }
        }
        log.error("Log directory {} is offline: {} partitions taken offline", dir, removed.size());
        return removed;
    }

    public Optional<PartitionLog> getLog(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    public Collection<PartitionLog> allLogs() {
        return Collections.unmodifiableCollection(logs.values());
    }

    /**
     * Removes the log: stops appends, renames its directory to "&lt;topic&gt;-&lt;p&gt;.&lt;id&gt;-delete" and
     * deletes it after file.delete.delay.ms, so zero-copy reads in flight can still finish on the open files.
     */
    public void deleteLog(TopicPartition tp) {
        PartitionLog partitionLog = logs.remove(tp);
        if (partitionLog == null) {
            return;
        }
        cleaner.forget(tp);
        List<LogSegment> segments = partitionLog.closeForDeletion();
        Path dir = partitionLog.dir().toPath();
        Path renamed = dir.resolveSibling(dir.getFileName() + "." + UUID.randomUUID().toString().replace("-", "")
            + LogFileNames.DELETE_DIR_SUFFIX);
        try {
            Files.move(dir, renamed);
        } catch (IOException e) {
            throw new KafkaStorageException("Failed to rename " + dir + " for deletion", e);
        }
        log.info("Scheduled deletion of log {} ({})", tp, renamed);
        Runnable delete = () -> {
            for (LogSegment segment : segments) {
                try {
                    segment.closeHandles();
                } catch (IOException e) {
                    log.warn("Failed to close {}", segment, e);
                }
            }
            deleteDirectory(renamed);
        };
        if (scheduler.isShutdown()) {
            delete.run();
        } else {
            scheduler.schedule(delete, partitionLog.config().fileDeleteDelayMs(), TimeUnit.MILLISECONDS);
        }
    }

    /** Applies retention to every log now; returns the number of segments deleted. */
    public int runRetention() {
        int deleted = 0;
        for (PartitionLog partitionLog : logs.values()) {
            try {
                deleted += partitionLog.deleteRetentionBreachedSegments();
            } catch (KafkaStorageException e) {
                // Its log dir is offline now; the other logs go on.
                log.warn("Retention of {} failed: {}", partitionLog.topicPartition(), e.getMessage());
            }
        }
        return deleted;
    }

    private void runRetentionSafely() {
        try {
            runRetention();
        } catch (RuntimeException e) {
            log.error("Retention run failed", e);
        }
    }

    /**
     * Cleans every compacted log that is due now (see {@link LogCleaner#cleanDueLogs}) and checkpoints how far each
     * got; the background cleaner calls this every log.cleaner.backoff.ms.
     */
    public List<LogCleaner.CleanResult> runCleaner() {
        List<LogCleaner.CleanResult> results = cleaner.cleanDueLogs(logs.values());
        if (!results.isEmpty()) {
            writeCleanerCheckpoints();
        }
        return results;
    }

    /** The cleaner, for cleaning one log on demand (see {@link LogCleaner#clean}). */
    public LogCleaner cleaner() {
        return cleaner;
    }

    private void runCleanerSafely() {
        try {
            runCleaner();
        } catch (RuntimeException e) {
            log.error("Log cleaner run failed", e);
        }
    }

    /** Kafka's periodic producer expiration check: forgets idle producers in every log. */
    void removeExpiredProducers() {
        for (PartitionLog partitionLog : logs.values()) {
            try {
                int removed = partitionLog.removeExpiredProducers(producerIdExpiration.expirationMs());
                if (removed > 0) {
                    log.debug("Expired {} idle producers of {}", removed, partitionLog.topicPartition());
                }
            } catch (RuntimeException e) {
                log.error("Producer expiration in {} failed", partitionLog.topicPartition(), e);
            }
        }
    }

    private void flushDueLogs() {
        for (PartitionLog partitionLog : logs.values()) {
            try {
                partitionLog.flushIfDue();
            } catch (RuntimeException e) {
                log.error("Scheduled flush of {} failed", partitionLog.topicPartition(), e);
            }
        }
    }

    /**
     * Writes the recovery point, log start offset and high watermark checkpoints of every online log dir; a dir
     * whose checkpoint cannot be written goes offline.
     */
    void checkpoint() {
        for (Path logDir : onlineLogDirs()) {
            try {
                writeCheckpoint(logDir, OffsetCheckpointFile.RECOVERY_POINT, PartitionLog::recoveryPoint);
                writeCheckpoint(logDir, OffsetCheckpointFile.LOG_START_OFFSET, PartitionLog::logStartOffset);
                writeCheckpoint(logDir, OffsetCheckpointFile.HIGH_WATERMARK, PartitionLog::highWatermark);
            } catch (IOException e) {
                failureChannel.maybeAddOfflineLogDir(logDir, "Failed to write offset checkpoints in " + logDir, e);
            }
        }
        writeCleanerCheckpoints();
    }

    private void writeCleanerCheckpoints() {
        for (Path logDir : onlineLogDirs()) {
            try {
                writeCheckpoint(logDir, OffsetCheckpointFile.CLEANER_OFFSET, PartitionLog::cleanerCheckpoint);
            } catch (IOException e) {
                failureChannel.maybeAddOfflineLogDir(logDir, "Failed to write the cleaner checkpoint in " + logDir, e);
            }
        }
    }

    private void writeCheckpoint(Path logDir, String name, ToLongFunction<PartitionLog> value) throws IOException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (PartitionLog partitionLog : logs.values()) {
            if (partitionLog.dir().getParentFile().toPath().equals(logDir)) {
                offsets.put(partitionLog.topicPartition(), value.applyAsLong(partitionLog));
            }
        }
        OffsetCheckpointFile.write(logDir.resolve(name), offsets);
    }

    private void checkpointSafely() {
        try {
            checkpoint();
        } catch (RuntimeException e) {
            log.error("Writing offset checkpoints failed", e);
        }
    }

    /** Flushes and closes every log, writes the checkpoints and marks each log dir as cleanly shut down. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        periodicTasks.forEach(task -> task.cancel(false));
        stopCleaner();
        for (PartitionLog partitionLog : logs.values()) {
            try {
                partitionLog.close();
            } catch (IOException | RuntimeException e) {
                failureChannel.maybeAddOfflineLogDir(partitionLog.dir().getParentFile().toPath(),
                    "Failed to close " + partitionLog.topicPartition(), e);
            }
        }
        checkpoint();
        // A directory that failed is not marked clean: the next start-up recovers its logs.
        for (Path logDir : onlineLogDirs()) {
            try {
                Files.write(logDir.resolve(CLEAN_SHUTDOWN_MARKER), new byte[0]);
            } catch (IOException e) {
                log.error("Could not mark {} as cleanly shut down; its logs will be recovered at start-up", logDir, e);
            }
        }
        log.info("Log manager shut down with {} logs ({} of {} log dirs online)", logs.size(), onlineLogDirs().size(),
            logDirs.size());
    }

    /** Aborts a cleaning in progress and waits for the cleaner thread, so no cleaning races the closing logs. */
    private void stopCleaner() {
        cleaner.stop();
        if (cleanerThread != null) {
            cleanerThread.shutdownNow();
            try {
                if (!cleanerThread.awaitTermination(30, TimeUnit.SECONDS)) {
                    log.warn("The log cleaner did not stop within 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("LogManager is closed");
        }
    }

    private static void deleteDirectory(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            log.warn("Failed to delete {}", dir, e);
        }
    }
}
