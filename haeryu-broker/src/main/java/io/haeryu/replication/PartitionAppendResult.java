package io.haeryu.replication;

import java.util.List;
import org.apache.kafka.common.protocol.Errors;

/**
 * One partition's outcome of {@link ReplicaManager#appendRecords} (what Produce answers): the base offset assigned
 * (the original one for a retried duplicate), the log append time (-1 unless the topic uses LogAppendTime), the log
 * start offset, and an error with, for a batch refused for some of its records, those records (KIP-467).
 */
public record PartitionAppendResult(long baseOffset, long logAppendTime, long logStartOffset, Errors error,
                                    String errorMessage, List<RecordError> recordErrors) {

    /** A record that made its batch invalid: its index in the batch and why. */
    public record RecordError(int batchIndex, String message) {
    }

    static PartitionAppendResult failed(Errors error, String message, List<RecordError> recordErrors) {
        return new PartitionAppendResult(-1, -1, -1, error, message, recordErrors);
    }

    /** This result with {@code error} (a failed wait for the ISR: the offset is not reported). */
    PartitionAppendResult withError(Errors error) {
        return new PartitionAppendResult(-1, logAppendTime, logStartOffset, error, error.message(), recordErrors);
    }
}
