package io.haeryu.log;

/** What the log knows about one idempotent producer (for DescribeProducers). */
public record ActiveProducer(long producerId, short producerEpoch, int lastSequence, long lastTimestamp) {
}
