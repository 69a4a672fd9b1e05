package io.haeryu.log;

import java.util.Objects;

import org.apache.kafka.common.record.TimestampType;

/** The effective, immutable storage configuration of one topic. Defaults are Kafka's. */
public final class LogConfig {
    private static final LogConfig DEFAULTS = new Builder().build();

    private final int segmentBytes;
    private final long segmentMs;
    private final long retentionMs;
    private final long retentionBytes;
    private final int maxMessageBytes;
    private final int indexIntervalBytes;
    private final int segmentIndexBytes;
    private final TimestampType messageTimestampType;
    private final long fileDeleteDelayMs;
    private final long flushIntervalMessages;
    private final long flushIntervalMs;
    private final boolean cleanupPolicyCompact;
    private final boolean cleanupPolicyDelete;
    private final long deleteRetentionMs;
    private final long minCompactionLagMs;
    private final long maxCompactionLagMs;
    private final double minCleanableDirtyRatio;

    private LogConfig(Builder b) {
        this.segmentBytes = b.segmentBytes;
        this.segmentMs = b.segmentMs;
        this.retentionMs = b.retentionMs;
        this.retentionBytes = b.retentionBytes;
        this.maxMessageBytes = b.maxMessageBytes;
        this.indexIntervalBytes = b.indexIntervalBytes;
        this.segmentIndexBytes = b.segmentIndexBytes;
        this.messageTimestampType = b.messageTimestampType;
        this.fileDeleteDelayMs = b.fileDeleteDelayMs;
        this.flushIntervalMessages = b.flushIntervalMessages;
        this.flushIntervalMs = b.flushIntervalMs;
        this.cleanupPolicyCompact = b.cleanupPolicyCompact;
        this.cleanupPolicyDelete = b.cleanupPolicyDelete;
        this.deleteRetentionMs = b.deleteRetentionMs;
        this.minCompactionLagMs = b.minCompactionLagMs;
        this.maxCompactionLagMs = b.maxCompactionLagMs;
        this.minCleanableDirtyRatio = b.minCleanableDirtyRatio;
    }

    public static LogConfig defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
            .segmentBytes(segmentBytes)
            .segmentMs(segmentMs)
            .retentionMs(retentionMs)
            .retentionBytes(retentionBytes)
            .maxMessageBytes(maxMessageBytes)
            .indexIntervalBytes(indexIntervalBytes)
            .segmentIndexBytes(segmentIndexBytes)
            .messageTimestampType(messageTimestampType)
            .fileDeleteDelayMs(fileDeleteDelayMs)
            .flushIntervalMessages(flushIntervalMessages)
            .flushIntervalMs(flushIntervalMs)
            .cleanupPolicyCompact(cleanupPolicyCompact)
            .cleanupPolicyDelete(cleanupPolicyDelete)
            .deleteRetentionMs(deleteRetentionMs)
            .minCompactionLagMs(minCompactionLagMs)
            .maxCompactionLagMs(maxCompactionLagMs)
            .minCleanableDirtyRatio(minCleanableDirtyRatio);
    }

    public int segmentBytes() { return segmentBytes; }
    public long segmentMs() { return segmentMs; }
    /** -1 means unlimited. */
    public long retentionMs() { return retentionMs; }
    /** -1 means unlimited. */
    public long retentionBytes() { return retentionBytes; }
    public int maxMessageBytes() { return maxMessageBytes; }
    public int indexIntervalBytes() { return indexIntervalBytes; }
    public int segmentIndexBytes() { return segmentIndexBytes; }
    public TimestampType messageTimestampType() { return messageTimestampType; }
    public long fileDeleteDelayMs() { return fileDeleteDelayMs; }
    public long flushIntervalMessages() { return flushIntervalMessages; }
    public long flushIntervalMs() { return flushIntervalMs; }
    /** cleanup.policy contains "compact": the log cleaner keeps only the latest record per key. */
    public boolean cleanupPolicyCompact() { return cleanupPolicyCompact; }
    /** cleanup.policy contains "delete": retention.ms and retention.bytes delete old segments. */
    public boolean cleanupPolicyDelete() { return cleanupPolicyDelete; }
    /** delete.retention.ms: how long a tombstone stays readable after the cleaning that first kept it. */
    public long deleteRetentionMs() { return deleteRetentionMs; }
    public long minCompactionLagMs() { return minCompactionLagMs; }
    public long maxCompactionLagMs() { return maxCompactionLagMs; }
    public double minCleanableDirtyRatio() { return minCleanableDirtyRatio; }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogConfig other && segmentBytes == other.segmentBytes && segmentMs == other.segmentMs
            && retentionMs == other.retentionMs && retentionBytes == other.retentionBytes
            && maxMessageBytes == other.maxMessageBytes && indexIntervalBytes == other.indexIntervalBytes
            && segmentIndexBytes == other.segmentIndexBytes && messageTimestampType == other.messageTimestampType
            && fileDeleteDelayMs == other.fileDeleteDelayMs && flushIntervalMessages == other.flushIntervalMessages
            && flushIntervalMs == other.flushIntervalMs && cleanupPolicyCompact == other.cleanupPolicyCompact
            && cleanupPolicyDelete == other.cleanupPolicyDelete && deleteRetentionMs == other.deleteRetentionMs
            && minCompactionLagMs == other.minCompactionLagMs && maxCompactionLagMs == other.maxCompactionLagMs
            && Double.compare(minCleanableDirtyRatio, other.minCleanableDirtyRatio) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(segmentBytes, segmentMs, retentionMs, retentionBytes, maxMessageBytes, indexIntervalBytes,
            segmentIndexBytes, messageTimestampType, fileDeleteDelayMs, flushIntervalMessages, flushIntervalMs,
            cleanupPolicyCompact, cleanupPolicyDelete, deleteRetentionMs, minCompactionLagMs, maxCompactionLagMs,
            minCleanableDirtyRatio);
    }

    @Override
    public String toString() {
        return "LogConfig(segmentBytes=" + segmentBytes + ", segmentMs=" + segmentMs + ", retentionMs=" + retentionMs
            + ", retentionBytes=" + retentionBytes + ", maxMessageBytes=" + maxMessageBytes
            + ", indexIntervalBytes=" + indexIntervalBytes + ", segmentIndexBytes=" + segmentIndexBytes
            + ", messageTimestampType=" + messageTimestampType + ", fileDeleteDelayMs=" + fileDeleteDelayMs
            + ", flushIntervalMessages=" + flushIntervalMessages + ", flushIntervalMs=" + flushIntervalMs
            + ", cleanupPolicyCompact=" + cleanupPolicyCompact + ", cleanupPolicyDelete=" + cleanupPolicyDelete
            + ", deleteRetentionMs=" + deleteRetentionMs + ", minCompactionLagMs=" + minCompactionLagMs
            + ", maxCompactionLagMs=" + maxCompactionLagMs + ", minCleanableDirtyRatio=" + minCleanableDirtyRatio + ")";
    }

    public static final class Builder {
        private static final long SEVEN_DAYS_MS = 7L * 24 * 60 * 60 * 1000;

        private int segmentBytes = 1024 * 1024 * 1024;
        private long segmentMs = SEVEN_DAYS_MS;
        private long retentionMs = SEVEN_DAYS_MS;
        private long retentionBytes = -1;
        private int maxMessageBytes = 1048588;
        private int indexIntervalBytes = 4096;
        private int segmentIndexBytes = 10 * 1024 * 1024;
        private TimestampType messageTimestampType = TimestampType.CREATE_TIME;
        private long fileDeleteDelayMs = 60_000;
        private long flushIntervalMessages = Long.MAX_VALUE;
        private long flushIntervalMs = Long.MAX_VALUE;
        private boolean cleanupPolicyCompact = false;
        private boolean cleanupPolicyDelete = true;
        private long deleteRetentionMs = 24 * 60 * 60 * 1000L;
        private long minCompactionLagMs = 0;
        private long maxCompactionLagMs = Long.MAX_VALUE;
        private double minCleanableDirtyRatio = 0.5;

        private Builder() {
        }

        public Builder segmentBytes(int v) { segmentBytes = requireAtLeast("segment.bytes", v, 14); return this; }
        public Builder segmentMs(long v) { segmentMs = requireAtLeast("segment.ms", v, 1); return this; }
        public Builder retentionMs(long v) { retentionMs = requireAtLeast("retention.ms", v, -1); return this; }
        public Builder retentionBytes(long v) { retentionBytes = requireAtLeast("retention.bytes", v, -1); return this; }
        public Builder maxMessageBytes(int v) { maxMessageBytes = requireAtLeast("max.message.bytes", v, 0); return this; }
        public Builder indexIntervalBytes(int v) { indexIntervalBytes = requireAtLeast("index.interval.bytes", v, 0); return this; }
        public Builder segmentIndexBytes(int v) { segmentIndexBytes = requireAtLeast("segment.index.bytes", v, 4); return this; }
        public Builder fileDeleteDelayMs(long v) { fileDeleteDelayMs = requireAtLeast("file.delete.delay.ms", v, 0); return this; }
        public Builder flushIntervalMessages(long v) { flushIntervalMessages = requireAtLeast("flush.messages", v, 1); return this; }
        public Builder flushIntervalMs(long v) { flushIntervalMs = requireAtLeast("flush.ms", v, 0); return this; }
        public Builder cleanupPolicyCompact(boolean v) { cleanupPolicyCompact = v; return this; }
        public Builder cleanupPolicyDelete(boolean v) { cleanupPolicyDelete = v; return this; }
        public Builder deleteRetentionMs(long v) { deleteRetentionMs = requireAtLeast("delete.retention.ms", v, 0); return this; }
        public Builder minCompactionLagMs(long v) { minCompactionLagMs = requireAtLeast("min.compaction.lag.ms", v, 0); return this; }
        public Builder maxCompactionLagMs(long v) { maxCompactionLagMs = requireAtLeast("max.compaction.lag.ms", v, 1); return this; }

        public Builder minCleanableDirtyRatio(double v) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("min.cleanable.dirty.ratio must be between 0 and 1, got " + v);
            }
            minCleanableDirtyRatio = v;
            return this;
        }

        public Builder messageTimestampType(TimestampType v) {
            if (v != TimestampType.CREATE_TIME && v != TimestampType.LOG_APPEND_TIME) {
                throw new IllegalArgumentException("message.timestamp.type must be CreateTime or LogAppendTime, got " + v);
            }
            messageTimestampType = v;
            return this;
        }

        public LogConfig build() {
            return new LogConfig(this);
        }

        private static int requireAtLeast(String name, int value, int min) {
            return (int) requireAtLeast(name, (long) value, min);
        }

        private static long requireAtLeast(String name, long value, long min) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
            }
            return value;
        }
    }
}
