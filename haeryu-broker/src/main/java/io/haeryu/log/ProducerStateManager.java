package io.haeryu.log;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.haeryu.log.ProducerStateEntry.BatchMetadata;

/**
 * Idempotent-producer state of one partition: per producer id, the epoch and last batches, used to fence old epochs,
 * reject sequence gaps and answer retries with the original offsets.
 *
 * <p>Mutations happen under the partition's append lock; {@link #activeProducers()} may read concurrently. The state
 * survives restarts as snapshot files ({@code <offset>.snapshot}, the state after all batches below offset) plus a
 * replay of the batch headers after the snapshot.
 */
final class ProducerStateManager {
    private static final Logger log = LoggerFactory.getLogger(ProducerStateManager.class);
    private static final int SNAPSHOT_VERSION = 1;
    private static final int SNAPSHOTS_TO_KEEP = 2;

    /** The verdict on one append: either the original of a retried batch, or the entries to commit after writing. */
    record AppendCheck(BatchMetadata duplicateOf, Map<Long, ProducerStateEntry> updates) {
        static final AppendCheck NO_PRODUCERS = new AppendCheck(null, Map.of());
    }

    private final File dir;
    private final Map<Long, ProducerStateEntry> producers = new ConcurrentHashMap<>();

    ProducerStateManager(File dir) {
        this.dir = dir;
    }

    /**
     * Validates the idempotent batches of an append whose offsets are already assigned. Throws
     * InvalidProducerEpochException or OutOfOrderSequenceException; nothing changes until {@link #commit}.
     */
    AppendCheck check(MemoryRecords records) {
        Map<Long, ProducerStateEntry> updates = null;
        for (RecordBatch batch : records.batches()) {
            if (!batch.hasProducerId()) {
                continue;
            }
            long producerId = batch.producerId();
            ProducerStateEntry current = updates != null ? updates.get(producerId) : null;
            if (current == null) {
                current = producers.getOrDefault(producerId, ProducerStateEntry.empty(producerId));
            }
            BatchMetadata duplicate = current.findDuplicate(batch.producerEpoch(), batch.baseSequence(),
                batch.lastSequence());
            if (duplicate != null) {
                return new AppendCheck(duplicate, Map.of());
            }
            checkEpochAndSequence(current, batch);
            if (updates == null) {
                updates = new HashMap<>(4);
            }
            updates.put(producerId, current.withBatch(batch.producerEpoch(), metadataOf(batch)));
        }
        return updates == null ? AppendCheck.NO_PRODUCERS : new AppendCheck(null, updates);
    }

    private static void checkEpochAndSequence(ProducerStateEntry current, RecordBatch batch) {
        short epoch = batch.producerEpoch();
        int firstSeq = batch.baseSequence();
        if (epoch < current.epoch()) {
            throw new InvalidProducerEpochException("Producer " + current.producerId() + " epoch " + epoch
                + " is older than the current epoch " + current.epoch());
        }
        if (epoch != current.epoch()) {
            // A bumped epoch restarts sequences; an unknown producer (state expired or deleted) may start anywhere.
            if (firstSeq != 0 && current.epoch() != RecordBatch.NO_PRODUCER_EPOCH) {
                throw new OutOfOrderSequenceException("Producer " + current.producerId() + " started epoch " + epoch
                    + " at sequence " + firstSeq + ", expected 0");
            }
        } else if (!current.isEmpty() && !isNextSequence(current.lastSequence(), firstSeq)) {
            throw new OutOfOrderSequenceException("Producer " + current.producerId() + " epoch " + epoch
                + " sent sequence " + firstSeq + " after " + current.lastSequence());
        }
    }

    private static boolean isNextSequence(int lastSequence, int nextSequence) {
        return nextSequence == lastSequence + 1L || (nextSequence == 0 && lastSequence == Integer.MAX_VALUE);
    }

    private static BatchMetadata metadataOf(RecordBatch batch) {
        return new BatchMetadata(batch.baseSequence(), batch.lastSequence(), batch.baseOffset(), batch.lastOffset(),
            batch.maxTimestamp());
    }

    /** Applies a successful check after its batches were written. */
    void commit(AppendCheck check) {
        producers.putAll(check.updates());
    }

    /** Re-applies a batch read back from the log during recovery; the log is trusted, so nothing is validated. */
    void replay(RecordBatch batch) {
        if (batch.hasProducerId()) {
            ProducerStateEntry current = producers.getOrDefault(batch.producerId(),
                ProducerStateEntry.empty(batch.producerId()));
            producers.put(batch.producerId(), current.withBatch(batch.producerEpoch(), metadataOf(batch)));
        }
    }

    /** Forgets the producers that expired by nowMs (see {@link ProducerIdExpiration}); returns how many. */
    int removeExpiredProducers(long nowMs, long expirationMs) {
        int removed = 0;
        for (var entries = producers.values().iterator(); entries.hasNext(); ) {
            if (entries.next().isExpired(nowMs, expirationMs)) {
                entries.remove();
                removed++;
            }
        }
        return removed;
    }

    List<ActiveProducer> activeProducers() {
        List<ActiveProducer> result = new ArrayList<>(producers.size());
        for (ProducerStateEntry entry : producers.values()) {
            result.add(entry.toActiveProducer());
        }
        return Collections.unmodifiableList(result);
    }

    /** Per producer with a batch in the current epoch, the last offset of its last batch. */
    Map<Long, Long> lastBatchOffsets() {
        Map<Long, Long> result = new HashMap<>();
        for (ProducerStateEntry entry : producers.values()) {
            BatchMetadata[] batches = entry.batches();
            if (batches.length > 0) {
                result.put(entry.producerId(), batches[batches.length - 1].lastOffset());
            }
        }
        return result;
    }

    /** Writes the current state as the snapshot at offset (atomically), then drops all but the newest snapshots. */
    void takeSnapshot(long offset) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(SNAPSHOT_VERSION);
            out.writeInt(producers.size());
            for (ProducerStateEntry entry : producers.values()) {
                out.writeLong(entry.producerId());
                out.writeShort(entry.epoch());
                out.writeLong(entry.lastTimestamp());
                BatchMetadata[] batches = entry.batches();
                out.writeByte(batches.length);
                for (BatchMetadata b : batches) {
                    out.writeInt(b.firstSequence());
                    out.writeInt(b.lastSequence());
                    out.writeLong(b.firstOffset());
                    out.writeLong(b.lastOffset());
                    out.writeLong(b.timestamp());
                }
            }
        }
        byte[] body = bytes.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(body);
        ByteBuffer content = ByteBuffer.allocate(body.length + Long.BYTES).put(body).putLong(crc.getValue()).flip();

        File target = LogFileNames.file(dir, offset, LogFileNames.SNAPSHOT_SUFFIX);
        File tmp = new File(target.getPath() + LogFileNames.TMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(tmp.toPath(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            while (content.hasRemaining()) {
                channel.write(content);
            }
            channel.force(true);
        }
        Files.move(tmp.toPath(), target.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        List<Long> offsets = snapshotOffsets();
        for (int i = 0; i < offsets.size() - SNAPSHOTS_TO_KEEP; i++) {
            Files.deleteIfExists(LogFileNames.file(dir, offsets.get(i), LogFileNames.SNAPSHOT_SUFFIX).toPath());
        }
    }

    /**
     * Replaces the state with the newest readable snapshot at or below maxOffset, deleting newer (the log was
     * truncated below them) and unreadable ones. Returns the snapshot's offset, from which the caller replays the
     * log, or -1 if there is none and the whole log must be replayed.
     */
    long loadLatestSnapshot(long maxOffset) throws IOException {
        producers.clear();
        List<Long> offsets = snapshotOffsets();
        for (int i = offsets.size() - 1; i >= 0; i--) {
            long offset = offsets.get(i);
            File file = LogFileNames.file(dir, offset, LogFileNames.SNAPSHOT_SUFFIX);
            if (offset <= maxOffset) {
                try {
                    readSnapshot(file);
                    return offset;
                } catch (IOException | RuntimeException e) {
                    log.warn("Ignoring unreadable producer state snapshot {}: {}", file, e.toString());
                    producers.clear();
                }
            }
            Files.deleteIfExists(file.toPath());
        }
        return -1;
    }

    private void readSnapshot(File file) throws IOException {
        byte[] content = Files.readAllBytes(file.toPath());
        if (content.length < Long.BYTES) {
            throw new IOException("truncated");
        }
        CRC32C crc = new CRC32C();
        crc.update(content, 0, content.length - Long.BYTES);
        if (crc.getValue() != ByteBuffer.wrap(content, content.length - Long.BYTES, Long.BYTES).getLong()) {
            throw new IOException("checksum mismatch");
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(content))) {
            int version = in.readInt();
            if (version != SNAPSHOT_VERSION) {
                throw new IOException("unknown version " + version);
            }
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                long producerId = in.readLong();
                short epoch = in.readShort();
                long lastTimestamp = in.readLong();
                BatchMetadata[] batches = new BatchMetadata[in.readUnsignedByte()];
                for (int j = 0; j < batches.length; j++) {
                    batches[j] = new BatchMetadata(in.readInt(), in.readInt(), in.readLong(), in.readLong(), in.readLong());
                }
                producers.put(producerId, new ProducerStateEntry(producerId, epoch, batches, lastTimestamp));
            }
        }
    }

    private List<Long> snapshotOffsets() {
        String[] names = dir.list();
        if (names == null) {
            throw new UncheckedIOException(new IOException("Cannot list " + dir));
        }
        List<Long> offsets = new ArrayList<>();
        for (String name : names) {
            long offset = LogFileNames.offsetFromName(name, LogFileNames.SNAPSHOT_SUFFIX);
            if (offset >= 0) {
                offsets.add(offset);
            }
        }
        Collections.sort(offsets);
        return offsets;
    }
}
