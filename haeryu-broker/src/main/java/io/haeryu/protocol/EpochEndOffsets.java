package io.haeryu.protocol;

import io.haeryu.log.PartitionLog;
import java.util.Iterator;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;

/**
 * Where a leader epoch ends in a log, as OffsetForLeaderEpoch answers it.
 *
 * <p>Kafka keeps a leader-epoch cache for this; Haeryu has none yet and derives the answer from the epochs stamped
 * in the batch headers, which never decrease along the log: for the current epoch the log end offset; for an older
 * epoch the base offset of the first batch of a newer epoch (binary search over the log) together with the newest
 * epoch at or below the requested one, or the requested epoch itself if the log holds no batch that old (Kafka's
 * answer for an epoch older than its earliest cache entry); for an unknown (newer or negative) epoch
 * UNDEFINED_EPOCH and UNDEFINED_EPOCH_OFFSET. While a partition has had one leader epoch only (every partition so
 * far: Haeryu does not move leadership yet) the answer is the log end offset, exactly as Kafka's.
 */
final class EpochEndOffsets {

    record EpochEnd(int epoch, long endOffset) {
    }

    private static final EpochEnd UNDEFINED = new EpochEnd(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH,
        OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH_OFFSET);

    private EpochEndOffsets() {
    }

    static EpochEnd endOf(PartitionLog log, int currentEpoch, int requestedEpoch) {
        if (requestedEpoch == currentEpoch) {
            return new EpochEnd(currentEpoch, log.logEndOffset());
        }
        if (requestedEpoch < 0 || requestedEpoch > currentEpoch) {
            return UNDEFINED;
        }
        long lo = log.logStartOffset();
        long end = log.logEndOffset(); // the answer if no batch is newer
        long searchHi = end;
        while (lo < searchHi) {
            long mid = lo + (searchHi - lo) / 2;
            RecordBatch batch = batchAt(log, mid);
            if (batch == null) {
                break; // retention removed it meanwhile; answer with what was found
            }
            if (batch.partitionLeaderEpoch() > requestedEpoch) {
                end = Math.max(batch.baseOffset(), log.logStartOffset());
                searchHi = end;
            } else {
                lo = batch.lastOffset() + 1;
            }
        }
        RecordBatch before = end > log.logStartOffset() ? batchAt(log, end - 1) : null;
        return new EpochEnd(before != null ? before.partitionLeaderEpoch() : requestedEpoch, end);
    }

    /** The batch holding {@code offset}, or null if there is none any more. */
    private static RecordBatch batchAt(PartitionLog log, long offset) {
        try {
            Iterator<? extends RecordBatch> batches = log.read(offset, 1, log.logEndOffset(), true).records()
                .batches().iterator();
            return batches.hasNext() ? batches.next() : null;
        } catch (OffsetOutOfRangeException e) {
            return null;
        }
    }
}
