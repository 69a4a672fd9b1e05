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
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        try {
            for (Path logDir : logDirs) {
                loadLogDir(logDir);
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Failed to load log directories " + logDirs, e);
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
                highWatermarks.getOrDefault(tp, 0L), cleanerOffsets.getOrDefault(tp, 0L));
            logs.put(tp, partitionLog);
        }
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
            PartitionMetadataFile.write(partitionDir, topicId);
            log.info("Created log for {} in {}", tp, partitionDir);
            return PartitionLog.open(partitionDir.toFile(), tp, topicId, config, time, scheduler, true, 0, 0, 0, 0);
        } catch (IOException e) {
            throw new KafkaStorageException("Failed to create log for " + tp + " in " + logDir, e);
        }
    }

    private Path leastLoadedLogDir() {
        Map<Path, Integer> counts = new HashMap<>();
        for (Path dir : logDirs) {
            counts.put(dir, 0);
        }
        for (PartitionLog partitionLog : logs.values()) {
            counts.merge(partitionLog.dir().getParentFile().toPath(), 1, Integer::sum);
        }
        return logDirs.stream().min(Comparator.comparingInt(counts::get)).orElseThrow();
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
            deleted += partitionLog.deleteRetentionBreachedSegments();
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
            try {
                writeCleanerCheckpoints();
            } catch (IOException e) {
                throw new KafkaStorageException("Failed to write the cleaner offset checkpoints", e);
            }
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

    /** Writes the recovery point, log start offset and high watermark checkpoints of every log dir. */
    void checkpoint() throws IOException {
        for (Path logDir : logDirs) {
            writeCheckpoint(logDir, OffsetCheckpointFile.RECOVERY_POINT, PartitionLog::recoveryPoint);
            writeCheckpoint(logDir, OffsetCheckpointFile.LOG_START_OFFSET, PartitionLog::logStartOffset);
            writeCheckpoint(logDir, OffsetCheckpointFile.HIGH_WATERMARK, PartitionLog::highWatermark);
        }
        writeCleanerCheckpoints();
    }

    private void writeCleanerCheckpoints() throws IOException {
        for (Path logDir : logDirs) {
            writeCheckpoint(logDir, OffsetCheckpointFile.CLEANER_OFFSET, PartitionLog::cleanerCheckpoint);
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
        } catch (IOException | RuntimeException e) {
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
        try {
            for (PartitionLog partitionLog : logs.values()) {
                partitionLog.close();
            }
            checkpoint();
            for (Path logDir : logDirs) {
                Files.write(logDir.resolve(CLEAN_SHUTDOWN_MARKER), new byte[0]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to shut down the log manager cleanly", e);
        }
        log.info("Log manager shut down cleanly with {} logs", logs.size());
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
