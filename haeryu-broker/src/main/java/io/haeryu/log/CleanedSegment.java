package io.haeryu.log;

import java.util.List;

/** A segment written by the log cleaner (files still {@code .cleaned}) and the consecutive segments it replaces. */
record CleanedSegment(LogSegment cleaned, List<LogSegment> originals) {
}
