package io.haeryu.txn;

import java.util.function.IntToLongFunction;

/**
 * Hands out producer ids, cluster-unique, from blocks reserved in cluster metadata, so a reserve costs one
 * ZooKeeper write per {@link #BLOCK_SIZE} producers and ids never repeat across restarts or brokers.
 */
public final class ProducerIdManager {

    static final int BLOCK_SIZE = 1000;

    private final IntToLongFunction reserveBlock;
    private long next;
    private long blockEnd;

    /** @param reserveBlock reserves a block of the given size and returns its first id (may block) */
    public ProducerIdManager(IntToLongFunction reserveBlock) {
        this.reserveBlock = reserveBlock;
    }

    /** The next id; reserves a new block when the current one is used up. May block on ZooKeeper then. */
    public synchronized long nextProducerId() {
        if (next >= blockEnd) {
            next = reserveBlock.applyAsLong(BLOCK_SIZE);
            blockEnd = next + BLOCK_SIZE;
        }
        return next++;
    }
}
