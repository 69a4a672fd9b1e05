package io.haeryu.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.errors.PolicyViolationException;

/**
 * Splits a ZooKeeper write into transactions that ZooKeeper accepts. ZooKeeper refuses (and drops the connection
 * of) any request larger than {@code jute.maxbuffer} (1 MiB less one byte by default), so a multi-op of a few
 * thousand partition znodes, or one oversized znode, must never be sent as is: the ops are cut, in order, into
 * batches below that bound less headroom for the request's framing, and a single op that cannot fit is refused
 * with POLICY_VIOLATION before anything is written.
 *
 * <p>Callers put the op that decides the write (the topic znode: its creation fails if the topic exists, its
 * versioned update if the topic changed) first, so the first batch is the atomic decision; later batches only
 * add the remaining partition znodes. The metadata image shows a topic only once all its partition states and its
 * config exist, so nobody sees a topic half written.
 */
final class ZkWriteBatches {

    /** ZooKeeper's client-side default for {@code jute.maxbuffer}, also the server's. */
    static final int JUTE_MAX_BUFFER = Integer.getInteger("jute.maxbuffer", 0xfffff);
    /** Room left for the request header, the multi framing and a server configured a little lower. */
    static final int HEADROOM = 64 * 1024;
    /** The largest transaction this broker sends. */
    static final int MAX_TRANSACTION_BYTES = JUTE_MAX_BUFFER - HEADROOM;

    private ZkWriteBatches() {
    }

    /**
     * @param ops    the write, in order
     * @param sizeOf an op's serialized size in bytes
     * @param limit  the largest batch, in bytes
     * @return the ops cut into consecutive batches of at most {@code limit} bytes each, none empty
     * @throws PolicyViolationException if one op alone is larger than {@code limit}
     */
    static <T> List<List<T>> split(List<T> ops, ToIntFunction<T> sizeOf, int limit) {
        List<List<T>> batches = new ArrayList<>();
        List<T> current = new ArrayList<>();
        long currentBytes = 0;
        for (T op : ops) {
            int size = sizeOf.applyAsInt(op);
            if (size > limit) {
                throw new PolicyViolationException("The request needs a ZooKeeper write of " + size
                    + " bytes, more than the " + limit + " bytes ZooKeeper accepts in one request (jute.maxbuffer "
                    + JUTE_MAX_BUFFER + " less " + HEADROOM + " bytes of headroom).");
            }
            if (currentBytes + size > limit && !current.isEmpty()) {
                batches.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(op);
            currentBytes += size;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }
}
