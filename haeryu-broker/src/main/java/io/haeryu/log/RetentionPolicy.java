package io.haeryu.log;

import java.util.List;

/** Decides how many of the oldest segments retention.ms and retention.bytes allow to delete. */
final class RetentionPolicy {
    private RetentionPolicy() {
    }

    /**
     * The number of leading segments to delete. Only whole segments that are not active and lie entirely below the
     * high watermark are eligible; each limit deletes a prefix, and the longer prefix wins.
     *
     * @param segments all segments in offset order, the active one last
     */
    static int segmentsToDelete(List<LogSegment> segments, LogConfig config, long nowMs, long highWatermark) {
        int eligible = 0;
        while (eligible < segments.size() - 1 && segments.get(eligible + 1).baseOffset() <= highWatermark) {
            eligible++;
        }
        return Math.max(breachingTime(segments, eligible, config.retentionMs(), nowMs),
            breachingSize(segments, eligible, config.retentionBytes()));
    }

    private static int breachingTime(List<LogSegment> segments, int eligible, long retentionMs, long nowMs) {
        if (retentionMs < 0) {
            return 0;
        }
        int n = 0;
        while (n < eligible && nowMs - segments.get(n).largestTimestamp() > retentionMs) {
            n++;
        }
        return n;
    }

    private static int breachingSize(List<LogSegment> segments, int eligible, long retentionBytes) {
        if (retentionBytes < 0) {
            return 0;
        }
        long excess = -retentionBytes;
        for (LogSegment segment : segments) {
            excess += segment.sizeInBytes();
        }
        int n = 0;
        while (n < eligible && excess - segments.get(n).sizeInBytes() >= 0) {
            excess -= segments.get(n).sizeInBytes();
            n++;
        }
        return n;
    }
}
