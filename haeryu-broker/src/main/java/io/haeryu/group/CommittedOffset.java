package io.haeryu.group;

/**
 * One committed offset as stored for a group and partition.
 *
 * @param expireTimestampMs when a commit with an explicit retention (OffsetCommit v2-4) expires, or -1 for the
 *                          broker-wide retention
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs,
                              long expireTimestampMs) {
}
