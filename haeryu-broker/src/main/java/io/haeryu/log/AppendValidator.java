package io.haeryu.log;

import java.nio.BufferUnderflowException;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Stateless checks of a produce request's records before anything is written. Any failure rejects the whole call.
 * Compressed batches are checked at the header level only (CRC, counts) because they are stored as sent.
 */
final class AppendValidator {
    private AppendValidator() {
    }

    /**
     * Validates every batch and returns the total number of records. A compacted topic also needs a key on every
     * record, since the cleaner keeps records by key (compressed batches are decompressed for this check, as in Kafka).
     */
    static int validate(MemoryRecords records, LogConfig config, TopicPartition topicPartition) {
        int maxMessageBytes = config.maxMessageBytes();
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
            numRecords += checkedRecordCount(batch);
            if (config.cleanupPolicyCompact()) {
                requireKeys(batch, topicPartition);
            }
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

    private static void requireKeys(MutableRecordBatch batch, TopicPartition topicPartition) {
        for (Record record : batch) {
            if (!record.hasKey()) {
                throw new InvalidRecordException("Compacted topic cannot accept message without key in topic partition "
                    + topicPartition + " (cleanup.policy=compact keeps records by key)");
            }
        }
    }

    /** The header's record count, checked against its offset range and, for uncompressed batches, the records. */
    private static int checkedRecordCount(MutableRecordBatch batch) {
        Integer count = batch.countOrNull();
        long countFromOffsets = batch.lastOffset() - batch.baseOffset() + 1;
        if (count == null || count <= 0) {
            throw new InvalidRecordException("Record batch has no records");
        }
        if (countFromOffsets != count) {
            throw new InvalidRecordException("Record batch count " + count + " does not match its offset range of "
                + countFromOffsets);
        }
        if (!batch.isCompressed()) {
            int actual = 0;
            try {
                for (Record ignored : batch) {
                    actual++;
                }
            } catch (BufferUnderflowException e) {
                throw new InvalidRecordException("Record batch is shorter than its " + count + " records");
            }
            if (actual != count) {
                throw new InvalidRecordException("Record batch declares " + count + " records but holds " + actual);
            }
        }
        return count;
    }
}
