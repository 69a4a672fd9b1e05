package io.haeryu.log;

import java.util.List;

import org.apache.kafka.common.InvalidRecordException;

/**
 * A produce batch rejected because of some of its records (KIP-467): the partition answers INVALID_RECORD with
 * this exception's message as the response's {@code error_message}, and {@link #recordErrors()} names each
 * offending record by its index in the batch, as Kafka's Produce response v8+ carries them. The whole batch is
 * refused; the producer fails the listed records with the error and the others as collateral.
 */
public final class RecordValidationException extends InvalidRecordException {
    private static final long serialVersionUID = 1L;

    /** One rejected record: its position in its batch (0-based) and why. */
    public record RecordError(int batchIndex, String message) {
    }

    private final transient List<RecordError> recordErrors;

    RecordValidationException(String message, List<RecordError> recordErrors) {
        super(message);
        this.recordErrors = List.copyOf(recordErrors);
    }

    public List<RecordError> recordErrors() {
        return recordErrors;
    }
}
