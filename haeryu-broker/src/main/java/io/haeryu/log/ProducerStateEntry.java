package io.haeryu.log;

import java.util.Arrays;

/**
 * Immutable state of one idempotent producer: its epoch and the metadata of its last few batches (for duplicate
 * detection of retries). Updates create a new entry so concurrent readers never see a half-applied one.
 */
final class ProducerStateEntry {
    /** Kafka clients keep at most 5 batches in flight, so a retry is always one of the last 5. */
    static final int NUM_BATCHES_TO_RETAIN = 5;

    /** One appended batch of the producer; sequences may wrap at Integer.MAX_VALUE. */
    record BatchMetadata(int firstSequence, int lastSequence, long firstOffset, long lastOffset, long timestamp) {
    }

    private static final BatchMetadata[] NO_BATCHES = new BatchMetadata[0];

    private final long producerId;
    private final short epoch;
    private final BatchMetadata[] batches; // oldest first
    private final long lastTimestamp;

    ProducerStateEntry(long producerId, short epoch, BatchMetadata[] batches, long lastTimestamp) {
        this.producerId = producerId;
        this.epoch = epoch;
        this.batches = batches;
        this.lastTimestamp = lastTimestamp;
    }

    static ProducerStateEntry empty(long producerId) {
        return new ProducerStateEntry(producerId, (short) -1, NO_BATCHES, -1);
    }

    long producerId() {
        return producerId;
    }

    short epoch() {
        return epoch;
    }

    long lastTimestamp() {
        return lastTimestamp;
    }

    BatchMetadata[] batches() {
        return batches.clone();
    }

    boolean isEmpty() {
        return batches.length == 0;
    }

    /** Sequence of the last record appended in the current epoch, or -1 if none. */
    int lastSequence() {
        return batches.length == 0 ? -1 : batches[batches.length - 1].lastSequence();
    }

    /** The retained batch with exactly these sequences in this epoch, or null. */
    BatchMetadata findDuplicate(short batchEpoch, int firstSequence, int lastSequence) {
        if (batchEpoch != epoch) {
            return null;
        }
        for (BatchMetadata batch : batches) {
            if (batch.firstSequence() == firstSequence && batch.lastSequence() == lastSequence) {
                return batch;
            }
        }
        return null;
    }

    /** This entry after appending a batch; a new epoch starts with no retained batches. */
    ProducerStateEntry withBatch(short batchEpoch, BatchMetadata batch) {
        BatchMetadata[] kept = batchEpoch == epoch ? batches : NO_BATCHES;
        int from = Math.max(0, kept.length + 1 - NUM_BATCHES_TO_RETAIN);
        BatchMetadata[] next = Arrays.copyOfRange(kept, from, kept.length + 1);
        next[next.length - 1] = batch;
        return new ProducerStateEntry(producerId, batchEpoch, next, Math.max(lastTimestamp, batch.timestamp()));
    }

    /**
     * Kafka's expiration rule: idle since its last batch's timestamp for at least expirationMs. (Kafka also keeps a
     * producer with an open transaction; there are no transactions yet.)
     */
    boolean isExpired(long nowMs, long expirationMs) {
        return nowMs - lastTimestamp >= expirationMs;
    }

    ActiveProducer toActiveProducer() {
        return new ActiveProducer(producerId, epoch, lastSequence(), lastTimestamp);
    }
}
