package io.haeryu.log;

/** A record located by timestamp (ListOffsets); leaderEpoch is -1 when unknown. */
public record TimestampAndOffset(long timestamp, long offset, int leaderEpoch) {
}
