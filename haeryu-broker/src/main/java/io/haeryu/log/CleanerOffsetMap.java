package io.haeryu.log;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The log cleaner's map from record key to the offset of its latest record, in a fixed amount of memory (Kafka's
 * SkimpyOffsetMap): keys are stored as their 16-byte MD5 digest next to an 8-byte offset, in one open-addressing
 * table with linear probing. Two keys with the same digest would be treated as one; at 2^-128 per pair that is
 * accepted, as in Kafka. Not thread safe: the one cleaner thread owns it.
 */
final class CleanerOffsetMap {
    /** 16 digest bytes and 8 offset bytes. */
    static final int BYTES_PER_ENTRY = 24;
    /** Kafka's log.cleaner.io.buffer.load.factor: probe chains stay short below it. */
    private static final double LOAD_FACTOR = 0.9;
    private static final int LONGS_PER_SLOT = 3;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Per slot: digest high, digest low, offset + 1 (0 marks an empty slot, so clearing is one fill). */
    private final long[] table;
    private final int slots;
    private final int maxEntries;
    private final MessageDigest digest;
    private final byte[] digestBytes = new byte[16];
    /** The digest of the key last hashed, as two longs (no allocation per record). */
    private long hashHigh;
    private long hashLow;
    private int size;

    CleanerOffsetMap(long memoryBytes) {
        long wanted = memoryBytes / BYTES_PER_ENTRY;
        if (wanted < 2) {
            throw new IllegalArgumentException("The cleaner's offset map needs at least " + 2 * BYTES_PER_ENTRY
                + " bytes, got " + memoryBytes);
        }
        this.slots = (int) Math.min(wanted, (Integer.MAX_VALUE - 8) / LONGS_PER_SLOT);
        this.table = new long[slots * LONGS_PER_SLOT];
        // At least one slot stays empty, so every probe sequence ends.
        this.maxEntries = (int) Math.max(1, Math.min(slots - 1L, (long) (slots * LOAD_FACTOR)));
        try {
            this.digest = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is a mandatory JDK algorithm", e);
        }
    }

    /** Records offset as the latest for key; offsets must be put in increasing order. */
    void put(ByteBuffer key, long offset) {
        hash(key);
        int base = findSlot() * LONGS_PER_SLOT;
        if (table[base + 2] == 0) {
            if (size >= maxEntries) {
                throw new IllegalStateException("The cleaner's offset map is full (" + size + " keys)");
            }
            table[base] = hashHigh;
            table[base + 1] = hashLow;
            size++;
        }
        table[base + 2] = offset + 1;
    }

    /** The latest offset put for key, or -1 if the key is not in the map. */
    long get(ByteBuffer key) {
        hash(key);
        return table[findSlot() * LONGS_PER_SLOT + 2] - 1;
    }

    /** Whether another new key would exceed the load factor; the cleaner then stops mapping at this record. */
    boolean isFull() {
        return size >= maxEntries;
    }

    int size() {
        return size;
    }

    /** How many keys fit. */
    int capacity() {
        return maxEntries;
    }

    /** Bytes held by the table, the map's whole footprint apart from a few fields. */
    long memoryBytes() {
        return (long) table.length * Long.BYTES;
    }

    void clear() {
        if (size > 0) {
            Arrays.fill(table, 0L);
        }
        size = 0;
    }

    /** The slot holding the last hashed key, or the empty slot where it belongs. */
    private int findSlot() {
        int slot = (int) Long.remainderUnsigned(hashHigh, slots);
        while (true) {
            int base = slot * LONGS_PER_SLOT;
            if (table[base + 2] == 0 || (table[base] == hashHigh && table[base + 1] == hashLow)) {
                return slot;
            }
            slot = slot + 1 == slots ? 0 : slot + 1;
        }
    }

    private void hash(ByteBuffer key) {
        digest.update(key.duplicate());
        try {
            digest.digest(digestBytes, 0, digestBytes.length);
        } catch (DigestException e) {
            throw new IllegalStateException("An MD5 digest is 16 bytes", e);
        }
        hashHigh = (long) LONGS.get(digestBytes, 0);
        hashLow = (long) LONGS.get(digestBytes, 8);
    }
}
