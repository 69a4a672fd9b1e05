package io.haeryu.log;

import java.nio.BufferUnderflowException;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * Stateless checks of a produce request's records before anything is written, as Kafka's LogValidator makes them
 * for client appends. Any failure rejects the whole call. Every record is read, compressed batches decompressed
 * (keys, values and headers skipped), because batches are stored exactly as sent: the record count must match
 * the header, each record's offset delta must be its position (so offsets and sequences of the stored records are
 * what the header promises), and a compacted topic needs a key on every record. Failures of single records are
 * reported per record (KIP-467, {@link RecordValidationException}).
 */
final class AppendValidator {
    /** Decompression buffers, reused per thread (appends run on the network threads). */
    private static final ThreadLocal<BufferSupplier> BUFFERS = ThreadLocal.withInitial(BufferSupplier::create);

    private AppendValidator() {
    }

    /** Validates every batch and returns the total number of records. */
    static int validate(MemoryRecords records, LogConfig config, TopicPartition topicPartition) {
        int maxMessageBytes = config.maxMessageBytes();
        boolean compacted = config.cleanupPolicyCompact();
        int validBytes = 0;
        int numRecords = 0;
        for (MutableRecordBatch batch : records.batches()) {
            if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
                throw new UnsupportedVersionException("Record batch magic " + batch.magic()
                    + " is not supported; only magic v2 batches can be produced");
            }
            if (batch.sizeInBytes() > maxMessageBytes) {
                throw new RecordTooLargeException("Record batch of " + batch.sizeInBytes()
                    + " bytes exceeds max.message.bytes " + maxMessageBytes);
            }
            batch.ensureValid();
            if (batch.isControlBatch()) {
                throw new InvalidRecordException("Clients may not write control batches");
            }
            if (batch.isTransactional()) {
                throw new InvalidRecordException("Transactional batches are not supported yet");
            }
            if (batch.hasProducerId() && batch.baseSequence() < 0) {
                throw new InvalidRecordException("Invalid sequence number " + batch.baseSequence()
                    + " in record batch with producerId " + batch.producerId() + " in topic partition "
                    + topicPartition);
            }
            int count = checkedHeaderCount(batch);
            validateRecords(batch, count, compacted, topicPartition);
            numRecords += count;
            validBytes += batch.sizeInBytes();
        }
        if (validBytes == 0) {
            throw new InvalidRecordException("Produce request contains no record batch");
        }
        if (validBytes != records.sizeInBytes()) {
            throw new CorruptRecordException("Produce request ends with " + (records.sizeInBytes() - validBytes)
                + " bytes that are not a complete record batch");
        }
        return numRecords;
    }

    /** The header's record count, checked against its offset range. */
    private static int checkedHeaderCount(MutableRecordBatch batch) {
        Integer count = batch.countOrNull();
        long countFromOffsets = batch.lastOffset() - batch.baseOffset() + 1;
        if (count == null || count <= 0) {
            throw new InvalidRecordException("Record batch has no records");
        }
        if (countFromOffsets != count) {
            throw new InvalidRecordException("Record batch count " + count + " does not match its offset range of "
                + countFromOffsets);
        }
        return count;
    }

    /**
     * Reads every record of the batch (decompressing it if needed): structure and count against the header, offset
     * deltas against positions, and keys for a compacted topic, the one check that is reported per record.
     */
    private static void validateRecords(MutableRecordBatch batch, int count, boolean compacted,
                                        TopicPartition topicPartition) {
        List<RecordValidationException.RecordError> recordErrors = null;
        long baseOffset = batch.baseOffset();
        int index = 0;
        try (CloseableIterator<Record> records = batch.skipKeyValueIterator(BUFFERS.get())) {
            while (records.hasNext()) {
                Record record = records.next();
                if (record.offset() - baseOffset != index) {
                    throw new InvalidRecordException("Record " + index + " of the batch has offset delta "
                        + (record.offset() - baseOffset) + "; offset deltas must count up from 0 in topic partition "
                        + topicPartition);
                }
                if (compacted && !record.hasKey()) {
                    if (recordErrors == null) {
                        recordErrors = new ArrayList<>();
                    }
                    recordErrors.add(new RecordValidationException.RecordError(index,
                        "Compacted topic cannot accept message without key in topic partition " + topicPartition));
                }
                index++;
            }
        } catch (InvalidRecordException e) {
            throw e; // the iterator's own structure checks
        } catch (BufferUnderflowException e) {
            throw new InvalidRecordException("Record batch is shorter than its " + count + " records: " + e);
        } catch (KafkaException e) {
            throw new CorruptRecordException("Record batch cannot be decompressed: " + e.getMessage());
        }
        if (index != count) {
            throw new InvalidRecordException("Record batch declares " + count + " records but holds " + index);
        }
        if (recordErrors != null) {
            throw new RecordValidationException(recordErrors.size() + " of the batch's " + count
                + " records are invalid in topic partition " + topicPartition + "; the first: "
                + recordErrors.get(0).message() + " (record " + recordErrors.get(0).batchIndex() + ")", recordErrors);
        }
    }
}
