package io.haeryu.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultFileRegion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.TransferableRecords;

/**
 * Serializes a response (size prefix, header, body) into Netty messages. Record sets read from segment files
 * are not copied: they become {@link DefaultFileRegion}s that the transport sends with sendfile, so a fetch
 * moves log bytes from the page cache to the socket without passing through the JVM heap.
 */
final class ResponseEncoder implements Writable {

    private final ByteBufAllocator alloc;
    private final List<Object> parts = new ArrayList<>(2);
    private ByteBuf current;

    private ResponseEncoder(ByteBufAllocator alloc, int initialCapacity) {
        this.alloc = alloc;
        this.current = alloc.directBuffer(initialCapacity);
    }

    /** The messages to write, in order, for one response. */
    static List<Object> encode(ByteBufAllocator alloc, int correlationId, short headerVersion, ApiMessage body,
                               short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        int headerSize = header.size(cache, headerVersion);
        int bodySize = body.size(cache, version);
        int total = headerSize + bodySize;
        // Records are counted in bodySize but sent as file regions; only the framing bytes go into buffers.
        ResponseEncoder out = new ResponseEncoder(alloc, Math.min(total + 4, 64 * 1024));
        try {
            out.writeInt(total);
            header.write(out, cache, headerVersion);
            body.write(out, cache, version);
            return out.finish();
        } catch (RuntimeException e) {
            out.releaseAll();
            throw e;
        }
    }

    private List<Object> finish() {
        if (current.isReadable()) {
            parts.add(current);
        } else {
            current.release();
        }
        current = null;
        return parts;
    }

    private void releaseAll() {
        if (current != null) {
            current.release();
        }
        for (Object part : parts) {
            io.netty.util.ReferenceCountUtil.release(part);
        }
    }

    @Override
    public void writeRecords(BaseRecords records) {
        if (records instanceof MemoryRecords memory) {
            current.writeBytes(memory.buffer().duplicate());
            return;
        }
        if (records instanceof TransferableRecords transferable) {
            int size = records.sizeInBytes();
            if (size == 0) {
                return;
            }
            parts.add(current);
            try {
                transferable.writeTo(new RegionCapture(), 0, size);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            current = alloc.directBuffer(256);
            return;
        }
        throw new IllegalArgumentException("Unsupported records type " + records.getClass());
    }

    /** Turns FileRecords' transfer request into a file region instead of performing the transfer. */
    private final class RegionCapture implements TransferableChannel {
        @Override
        public long transferFrom(FileChannel fileChannel, long position, long count) {
            parts.add(new SharedFileRegion(fileChannel, position, count));
            return count;
        }

        @Override
        public boolean hasPendingWrites() {
            return false;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int write(ByteBuffer src) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** A file region over a segment's channel, which the log owns: releasing the region must not close it. */
    private static final class SharedFileRegion extends DefaultFileRegion {
        SharedFileRegion(FileChannel channel, long position, long count) {
            super(channel, position, count);
        }

        @Override
        protected void deallocate() {
            // The segment's FileChannel outlives this response; the log closes it.
        }
    }

    @Override
    public void writeByte(byte val) {
        current.writeByte(val);
    }

    @Override
    public void writeShort(short val) {
        current.writeShort(val);
    }

    @Override
    public void writeInt(int val) {
        current.writeInt(val);
    }

    @Override
    public void writeLong(long val) {
        current.writeLong(val);
    }

    @Override
    public void writeDouble(double val) {
        current.writeDouble(val);
    }

    @Override
    public void writeByteArray(byte[] arr) {
        current.writeBytes(arr);
    }

    @Override
    public void writeUnsignedVarint(int i) {
        while ((i & 0xffffff80) != 0L) {
            current.writeByte((i & 0x7f) | 0x80);
            i >>>= 7;
        }
        current.writeByte(i);
    }

    @Override
    public void writeByteBuffer(ByteBuffer buf) {
        current.writeBytes(buf.duplicate());
    }

    @Override
    public void writeVarint(int i) {
        writeUnsignedVarint((i << 1) ^ (i >> 31));
    }

    @Override
    public void writeVarlong(long v) {
        long l = (v << 1) ^ (v >> 63);
        while ((l & 0xffffffffffffff80L) != 0L) {
            current.writeByte(((int) l & 0x7f) | 0x80);
            l >>>= 7;
        }
        current.writeByte((int) l);
    }
}
