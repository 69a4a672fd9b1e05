package io.haeryu.log;

/**
 * An offset together with where it sits on disk, so reads bounded by it (the high watermark, the log end) need no
 * index lookup. relativePosition is the byte position of the offset's batch inside the segment based at
 * segmentBaseOffset.
 */
record LogOffsetMetadata(long offset, long segmentBaseOffset, int relativePosition) {
}
