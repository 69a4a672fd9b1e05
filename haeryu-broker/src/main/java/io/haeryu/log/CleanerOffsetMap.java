package io.haeryu.log;

import java.nio.ByteBuffer;
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

    /** Per slot: digest high, digest low, offset + 1 (0 marks an empty slot, so clearing is one fill). */
    private final long[] table;
    private final int slots;
    private final int maxEntries;
    private final MessageDigest digest;
    private int size;
    private long lookups;
    private long probes;

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
        long[] hash = hash(key);
        int slot = find(hash);
        int base = slot * LONGS_PER_SLOT;
        if (table[base + 2] == 0) {
            if (size >= maxEntries) {
                throw new IllegalStateException("The cleaner's offset map is full (" + size + " keys)");
            }
            table[base] = hash[0];
            table[base + 1] = hash[1];
            size++;
        }
        table[base + 2] = offset + 1;
    }

    /** The latest offset put for key, or -1 if the key is not in the map. */
    long get(ByteBuffer key) {
        long stored = table[find(hash(key)) * LONGS_PER_SLOT + 2];
        return stored - 1;
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

    /** Average slots inspected per lookup since the last clear; 1.0 means no collisions. */
    double averageProbes() {
        return lookups == 0 ? 0 : (double) probes / lookups;
    }

    void clear() {
        if (size > 0) {
            Arrays.fill(table, 0L);
        }
        size = 0;
        lookups = 0;
        probes = 0;
    }

    /** The slot holding hash, or the empty slot where it belongs. */
    private int find(long[] hash) {
        int slot = (int) Long.remainderUnsigned(hash[0], slots);
        lookups++;
        while (true) {
            probes++;
            int base = slot * LONGS_PER_SLOT;
            if (table[base + 2] == 0 || (table[base] == hash[0] && table[base + 1] == hash[1])) {
                return slot;
            }
            slot = slot + 1 == slots ? 0 : slot + 1;
        }
    }

    private long[] hash(ByteBuffer key) {
        digest.update(key.duplicate());
        ByteBuffer bytes = ByteBuffer.wrap(digest.digest());
        return new long[] {bytes.getLong(), bytes.getLong()};
    }
}
