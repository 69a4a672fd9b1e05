/**
 * Partition storage: segmented append-only logs in Kafka's v2 record-batch format, indexes, recovery and retention.
 *
 * <p>{@link io.haeryu.log.LogManager} owns the log directories and every {@link io.haeryu.log.PartitionLog}. On disk
 * each partition is a directory {@code <topic>-<partition>/} holding {@code partition.metadata} (the topic id),
 * segments named by base offset ({@code %020d.log} batches as produced, with offsets and leader epoch assigned;
 * {@code .index} sparse offset-to-position; {@code .timeindex} sparse timestamp-to-offset) and
 * {@code %020d.snapshot} idempotent-producer state, and {@code leader-epoch-checkpoint}
 * ({@link io.haeryu.log.LeaderEpochFileCache}: the first offset of each leader epoch, for followers' truncation
 * and OffsetForLeaderEpoch). A follower appends the leader's batches unchanged and truncates a divergent tail. Each log directory also holds Kafka-format checkpoint files
 * (recovery point, log start offset, high watermark) and a clean-shutdown marker; without the marker, segments from
 * the recovery point on are validated and cut at the first torn batch. Deleted segments and partitions are renamed
 * ({@code .deleted}, {@code -delete}) and removed after {@code file.delete.delay.ms} so in-flight zero-copy reads
 * can finish.
 *
 * <p>Retention applies to logs whose {@code cleanup.policy} contains {@code delete}; logs whose policy contains
 * {@code compact} are compacted by the {@link io.haeryu.log.LogCleaner} (on its own thread, every
 * {@code log.cleaner.backoff.ms}): a bounded {@link io.haeryu.log.CleanerOffsetMap} maps each key of the dirty section
 * (from the {@code cleaner-offset-checkpoint} up to the active segment, the high watermark and
 * {@code min.compaction.lag.ms}) to its latest offset, a {@link io.haeryu.log.SegmentCleaner} rewrites the older
 * segments in size-bounded groups through a {@link io.haeryu.log.CompactionFilter} (latest record per key,
 * tombstones until {@code delete.retention.ms} past the cleaning that first kept them, control batches and each
 * producer's last batch), and {@link io.haeryu.log.PartitionLog} swaps the {@code .cleaned} files in via
 * {@code .swap}; {@link io.haeryu.log.LogLoader} rolls an interrupted swap back or forward. Offsets never change.
 */
package io.haeryu.log;
