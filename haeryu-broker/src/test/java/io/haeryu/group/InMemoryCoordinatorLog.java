package io.haeryu.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * A coordinator log kept in memory as real Kafka record batches, so replay decodes what a partition log would
 * hold. Appends complete at once unless the test holds or fails them.
 */
final class InMemoryCoordinatorLog implements CoordinatorLog {

    private final Map<Integer, List<MemoryRecords>> batches = new HashMap<>();
    private final List<Runnable> heldAppends = new ArrayList<>();
    private boolean hold;
    private boolean fail;

    @Override
    public CompletableFuture<Void> append(int partition, List<SimpleRecord> records) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (hold) {
            // In the log at once, as a leader's append is; only the acknowledgement waits.
            write(partition, records);
            heldAppends.add(() -> {
                if (fail) {
                    result.completeExceptionally(new NotEnoughReplicasException("test failure"));
                } else {
                    result.complete(null);
                }
            });
        } else if (fail) {
            result.completeExceptionally(new NotEnoughReplicasException("test failure"));
        } else {
            write(partition, records);
            result.complete(null);
        }
        return result;
    }

    private void write(int partition, List<SimpleRecord> records) {
        long baseOffset = recordCount(partition);
        batches.computeIfAbsent(partition, p -> new ArrayList<>())
            .add(MemoryRecords.withRecords(baseOffset, Compression.NONE, records.toArray(SimpleRecord[]::new)));
    }

    @Override
    public void replay(int partition, Consumer<Record> consumer) {
        for (MemoryRecords batch : batches.getOrDefault(partition, List.of())) {
            batch.records().forEach(consumer);
        }
    }

    long recordCount(int partition) {
        long count = 0;
        for (MemoryRecords batch : batches.getOrDefault(partition, List.of())) {
            for (Record ignored : batch.records()) {
                count++;
            }
        }
        return count;
    }

    /**
     * Writes appends but holds their acknowledgements until {@link #release()}, to observe what happens before they
     * are durable.
     */
    void holdAppends() {
        hold = true;
    }

    void release() {
        hold = false;
        List<Runnable> held = new ArrayList<>(heldAppends);
        heldAppends.clear();
        held.forEach(Runnable::run);
    }

    /** Acknowledges only the newest held append; the others stay held. */
    void releaseNewest() {
        heldAppends.remove(heldAppends.size() - 1).run();
    }

    void failAppends(boolean fail) {
        this.fail = fail;
    }
}
