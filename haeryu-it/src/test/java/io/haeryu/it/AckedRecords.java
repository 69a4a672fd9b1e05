package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The check of a single-partition load whose values start with the send sequence number ({@code "<seq>:..."}):
 * read from the beginning (the consumer validates every batch's CRC, so a torn batch fails the read), every
 * acknowledged record must be at its acknowledged offset, each record appears once, and sequence numbers increase
 * with offsets (no duplicate, no reordering).
 */
final class AckedRecords {

    /** One acknowledged send: the offset the broker gave it and its sequence number. */
    record Ack(long offset, long seq) {
    }

    private AckedRecords() {
    }

    static String value(long seq, String padding) {
        return seq + ":" + padding;
    }

    static void assertReadBackOnceInOrder(String when, String bootstrap, TopicPartition tp, List<Ack> acks,
                                          Supplier<String> diagnostics) {
        List<ConsumerRecord<String, String>> all = Clients.readAll(bootstrap, List.of(tp), Duration.ofSeconds(120));
        Map<Long, Long> seqAtOffset = new HashMap<>();
        long lastSeq = -1;
        for (ConsumerRecord<String, String> r : all) {
            long seq = Long.parseLong(r.value().substring(0, r.value().indexOf(':')));
            assertThat(seq).as("%s: send order at offset %d (no duplicate, no reordering)", when, r.offset())
                .isGreaterThan(lastSeq);
            lastSeq = seq;
            seqAtOffset.put(r.offset(), seq);
        }
        List<Ack> lost = acks.stream().filter(a -> !Long.valueOf(a.seq()).equals(seqAtOffset.get(a.offset()))).toList();
        assertThat(lost).as("%s: acknowledged records missing or moved (%d acked, %d read)\n%s", when, acks.size(),
            all.size(), diagnostics.get()).isEmpty();
    }
}
