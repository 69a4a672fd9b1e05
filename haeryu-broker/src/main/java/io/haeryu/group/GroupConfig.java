package io.haeryu.group;

import java.time.Duration;

/**
 * The broker settings the group coordinator obeys, named after their Kafka broker configs.
 *
 * @param offsetsTopicPartitions       {@code offsets.topic.num.partitions}: how groups are spread over coordinator partitions
 * @param minSessionTimeoutMs          {@code group.min.session.timeout.ms}
 * @param maxSessionTimeoutMs          {@code group.max.session.timeout.ms}
 * @param initialRebalanceDelayMs      {@code group.initial.rebalance.delay.ms}: how long an empty group waits for more members
 * @param maxGroupSize                 {@code group.max.size}
 * @param offsetsRetentionMs           {@code offsets.retention.minutes}, in ms: how long an empty group keeps its offsets
 * @param offsetsRetentionCheckIntervalMs {@code offsets.retention.check.interval.ms}
 * @param offsetMetadataMaxBytes       {@code offset.metadata.max.bytes}
 */
public record GroupConfig(int offsetsTopicPartitions, int minSessionTimeoutMs, int maxSessionTimeoutMs,
                          int initialRebalanceDelayMs, int maxGroupSize, long offsetsRetentionMs,
                          long offsetsRetentionCheckIntervalMs, int offsetMetadataMaxBytes) {

    /** How long a member that has not yet received its member id may wait in JoinGroup before it is dropped. */
    static final int NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

    public GroupConfig {
        if (offsetsTopicPartitions <= 0) {
            throw new IllegalArgumentException("offsets.topic.num.partitions must be positive: " + offsetsTopicPartitions);
        }
        if (minSessionTimeoutMs > maxSessionTimeoutMs) {
            throw new IllegalArgumentException("group.min.session.timeout.ms exceeds group.max.session.timeout.ms");
        }
    }

    /** Kafka's defaults. */
    public static GroupConfig defaults() {
        return new GroupConfig(50, 6000, 1_800_000, 3000, Integer.MAX_VALUE, Duration.ofDays(7).toMillis(),
            Duration.ofMinutes(10).toMillis(), 4096);
    }

    public GroupConfig withInitialRebalanceDelayMs(int delayMs) {
        return new GroupConfig(offsetsTopicPartitions, minSessionTimeoutMs, maxSessionTimeoutMs, delayMs, maxGroupSize,
            offsetsRetentionMs, offsetsRetentionCheckIntervalMs, offsetMetadataMaxBytes);
    }
}
