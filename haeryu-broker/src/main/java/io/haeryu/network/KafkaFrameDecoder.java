package io.haeryu.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits the byte stream into Kafka request frames: a 4-byte big-endian size, then that many bytes. A frame
 * larger than {@code socket.request.max.bytes} (or with a negative size) fails fast, before any of it is
 * buffered, and the connection is closed as Kafka closes it.
 */
final class KafkaFrameDecoder extends LengthFieldBasedFrameDecoder {

    KafkaFrameDecoder(int maxRequestBytes) {
        // maxFrameLength counts the 4-byte prefix too.
        super(maxRequestBytes + 4, 0, 4, 0, 4, true);
    }

    @Override
    protected ByteBuf extractFrame(ChannelHandlerContext ctx, ByteBuf buffer, int index, int length) {
        // A slice instead of a copy: the request is parsed and released before the next read on this channel.
        return buffer.retainedSlice(index, length);
    }
}
