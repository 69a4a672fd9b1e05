package io.haeryu.log;

/**
 * Broker-wide settings of the log cleaner, after Kafka's log.cleaner.* configs.
 *
 * @param dedupeBufferBytes memory of the key-to-offset map (log.cleaner.dedupe.buffer.size); one cleaning covers at
 *                          most 90% of dedupeBufferBytes / 24 distinct keys of the dirty section, the rest waits for
 *                          the next cleaning
 * @param ioBufferBytes     read plus write buffer for rewriting segments (log.cleaner.io.buffer.size); the read half
 *                          grows to fit a larger batch
 * @param backoffMs         pause between cleaner runs (log.cleaner.backoff.ms); 0 runs no background cleaner, so
 *                          only explicit {@link LogManager#runCleaner()} calls clean
 */
public record CleanerConfig(long dedupeBufferBytes, int ioBufferBytes, long backoffMs) {
    private static final CleanerConfig DEFAULTS = new CleanerConfig(128L * 1024 * 1024, 512 * 1024, 15_000);

    public CleanerConfig {
        if (dedupeBufferBytes < 2L * CleanerOffsetMap.BYTES_PER_ENTRY) {
            throw new IllegalArgumentException("log.cleaner.dedupe.buffer.size is too small: " + dedupeBufferBytes);
        }
        if (ioBufferBytes < 2) {
            throw new IllegalArgumentException("log.cleaner.io.buffer.size is too small: " + ioBufferBytes);
        }
        if (backoffMs < 0) {
            throw new IllegalArgumentException("log.cleaner.backoff.ms must not be negative: " + backoffMs);
        }
    }

    /** Kafka's defaults: 128 MiB map, 512 KiB buffers, a run every 15 s. */
    public static CleanerConfig defaults() {
        return DEFAULTS;
    }
}
