package io.haeryu.group;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * The durable log behind the coordinator: one partition of {@code __consumer_offsets} per coordinator partition.
 * Implemented by the server over the real partition log; records are encoded by {@link GroupRecordSerde}.
 */
public interface CoordinatorLog {

    /** Appends records to a partition; the future completes once they are durable, or exceptionally. */
    CompletableFuture<Void> append(int partition, List<SimpleRecord> records);

    /** Feeds every record of the partition, from the log start, in offset order, to {@code consumer}. */
    void replay(int partition, Consumer<Record> consumer);
}
