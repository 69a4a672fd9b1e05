package io.haeryu.it;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Makes malformed requests out of real ones, deterministically: the same corpus and the same {@link Random} seed
 * give the same mutants, so a failure found by the fuzzer can be replayed. Each mutant is a recorded request
 * frame with one to three mutations: bit flips, random or extreme bytes, int16/int32 fields set to 0, -1, MAX,
 * MIN or random (length-prefix and array-count lies), unsigned-varint lies (compact arrays and strings), byte
 * insertions and deletions, truncation, a changed API key or version, a tail spliced from another request, a
 * repeated chunk; and now and then a lying size prefix.
 */
final class FrameMutator {

    private static final int[] INT_LIES = {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7fff, 0xffff, 10_001};
    private static final short[] SHORT_LIES = {0, -1, 1, Short.MAX_VALUE, Short.MIN_VALUE, 0xff};

    private final List<byte[]> corpus;

    FrameMutator(List<byte[]> corpus) {
        if (corpus.isEmpty()) {
            throw new IllegalArgumentException("empty corpus");
        }
        this.corpus = List.copyOf(corpus);
    }

    /** A mutant, size prefix included, ready to be written to a socket. */
    byte[] next(Random random) {
        byte[] frame = corpus.get(random.nextInt(corpus.size())).clone();
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            frame = mutate(frame, random);
        }
        int size = frame.length;
        if (random.nextInt(100) == 0) {
            size = switch (random.nextInt(4)) {
                case 0 -> Math.max(0, size - 1 - random.nextInt(Math.max(1, size)));
                case 1 -> size + 1 + random.nextInt(16);
                case 2 -> -1 - random.nextInt(1000);
                default -> 0;
            };
        }
        return ByteBuffer.allocate(4 + frame.length).putInt(size).put(frame).array();
    }

    private byte[] mutate(byte[] f, Random r) {
        if (f.length == 0) {
            return new byte[] {(byte) r.nextInt()};
        }
        int pos = r.nextInt(f.length);
        switch (r.nextInt(12)) {
            case 0 -> f[pos] ^= (byte) (1 << r.nextInt(8));
            case 1 -> f[pos] = (byte) (r.nextBoolean() ? r.nextInt() : new int[] {0, 0xff, 0x7f, 0x80}[r.nextInt(4)]);
            case 2 -> putInt(f, pos, r.nextInt(3) == 0 ? r.nextInt() : INT_LIES[r.nextInt(INT_LIES.length)]);
            case 3 -> putShort(f, pos, r.nextInt(3) == 0 ? (short) r.nextInt() : SHORT_LIES[r.nextInt(SHORT_LIES.length)]);
            case 4 -> {
                byte[] varint = r.nextBoolean() ? new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}
                    : new byte[] {(byte) (0x80 | r.nextInt(128)), (byte) r.nextInt(128)};
                return r.nextBoolean() ? insert(f, pos, varint) : overwrite(f, pos, varint);
            }
            case 5 -> {
                byte[] bytes = new byte[1 + r.nextInt(8)];
                r.nextBytes(bytes);
                return insert(f, pos, bytes);
            }
            case 6 -> {
                int len = 1 + r.nextInt(Math.min(16, f.length - pos));
                byte[] out = new byte[f.length - len];
                System.arraycopy(f, 0, out, 0, pos);
                System.arraycopy(f, pos + len, out, pos, f.length - pos - len);
                return out;
            }
            case 7 -> {
                return Arrays.copyOf(f, pos);
            }
            case 8 -> putShort(f, 0, (short) (r.nextInt(10) == 0 ? r.nextInt() : r.nextInt(90)));
            case 9 -> putShort(f, 2, (short) (r.nextInt(10) == 0 ? r.nextInt() : r.nextInt(20)));
            case 10 -> {
                byte[] other = corpus.get(r.nextInt(corpus.size()));
                int from = r.nextInt(other.length);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(f, 0, pos);
                out.write(other, from, other.length - from);
                return out.toByteArray();
            }
            default -> {
                int len = 1 + r.nextInt(Math.min(64, f.length - pos));
                byte[] chunk = Arrays.copyOfRange(f, pos, pos + len);
                byte[] out = f;
                for (int i = 1 + r.nextInt(4); i > 0; i--) {
                    out = insert(out, pos, chunk);
                }
                return out;
            }
        }
        return f;
    }

    private static void putInt(byte[] f, int pos, int v) {
        for (int i = 0; i < 4 && pos + i < f.length; i++) {
            f[pos + i] = (byte) (v >>> (24 - 8 * i));
        }
    }

    private static void putShort(byte[] f, int pos, short v) {
        if (pos < f.length) {
            f[pos] = (byte) (v >>> 8);
        }
        if (pos + 1 < f.length) {
            f[pos + 1] = (byte) v;
        }
    }

    private static byte[] insert(byte[] f, int pos, byte[] bytes) {
        byte[] out = new byte[f.length + bytes.length];
        System.arraycopy(f, 0, out, 0, pos);
        System.arraycopy(bytes, 0, out, pos, bytes.length);
        System.arraycopy(f, pos, out, pos + bytes.length, f.length - pos);
        return out;
    }

    private static byte[] overwrite(byte[] f, int pos, byte[] bytes) {
        byte[] out = f.length >= pos + bytes.length ? f : Arrays.copyOf(f, pos + bytes.length);
        System.arraycopy(bytes, 0, out, pos, bytes.length);
        return out;
    }
}
