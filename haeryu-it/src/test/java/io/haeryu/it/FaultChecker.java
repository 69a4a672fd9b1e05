package io.haeryu.it;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges a fault-injection history (what was sent, what the brokers acknowledged, what a consumer read back from
 * every partition at the end) by Kafka's promise for {@code acks=all} idempotent producers with
 * {@code min.insync.replicas} and unclean leader election off: an acknowledged record is never lost, never moves
 * from the (partition, offset) it was acknowledged at, is stored once, and records of one producer keep their send
 * order within a partition; offsets only grow. Records that were written but not acknowledged (the producer gave up
 * or was still waiting) may or may not be there: they are counted apart, as allowed. Pure: no I/O, no clock.
 */
final class FaultChecker {

    /** One send: {@code seq} numbers the sends of {@code producer} to {@code partition} from 0. */
    record Write(String value, int producer, int partition, long seq, String phase) {
    }

    /** The broker acknowledged {@code value} at this partition and offset. */
    record Ack(String value, int partition, long offset) {
    }

    /** The final consumer read {@code value} at this partition and offset (in the order the consumer returned). */
    record Read(int partition, long offset, String value) {
    }

    /** What can be wrong with a history; {@link #UNACKED_READ} is allowed and only reported. */
    enum Anomaly {
        /** acknowledged, never read */
        LOST(true),
        /** acknowledged, read at another partition or offset */
        MISPLACED(true),
        /** read more than once (each extra copy counts) */
        DUPLICATED(true),
        /** read after a later send of the same producer to the same partition */
        REORDERED(true),
        /** a partition's offsets did not grow strictly in read order */
        NON_MONOTONIC(true),
        /** read, never sent by the workload */
        NEVER_WRITTEN(true),
        /** read, sent but never acknowledged (allowed) */
        UNACKED_READ(false);

        final boolean violation;

        Anomaly(boolean violation) {
            this.violation = violation;
        }
    }

    /** Phase name for anomalies that cannot be tied to a send. */
    static final String UNKNOWN_PHASE = "?";

    private FaultChecker() {
    }

    static FaultReport check(Collection<Write> writes, Collection<Ack> acks, List<Read> reads) {
        FaultReport report = new FaultReport();
        Map<String, Write> written = new HashMap<>();
        for (Write w : writes) {
            if (written.put(w.value(), w) != null) {
                throw new IllegalArgumentException("value sent twice by the workload: " + w.value());
            }
            report.countWrite(w.phase());
        }
        Map<String, Ack> acked = new HashMap<>();
        for (Ack a : acks) {
            Write w = written.get(a.value());
            if (w == null) {
                throw new IllegalArgumentException("acknowledged a value that was never sent: " + a.value());
            }
            acked.put(a.value(), a);
            report.countAck(w.phase());
        }

        Map<String, Read> firstRead = new HashMap<>();
        Map<Integer, Long> lastOffset = new HashMap<>();
        Map<List<Integer>, Long> highestSeq = new HashMap<>();
        for (Read r : reads) {
            Write w = written.get(r.value());
            String phase = w == null ? UNKNOWN_PHASE : w.phase();
            Long previousOffset = lastOffset.put(r.partition(), r.offset());
            if (previousOffset != null && r.offset() <= previousOffset) {
                report.add(Anomaly.NON_MONOTONIC, phase, "partition " + r.partition() + ": offset " + r.offset()
                    + " read after " + previousOffset);
            }
            if (firstRead.putIfAbsent(r.value(), r) != null) {
                report.add(Anomaly.DUPLICATED, phase, r.value() + " read again at " + at(r.partition(), r.offset())
                    + ", first at " + at(firstRead.get(r.value()).partition(), firstRead.get(r.value()).offset()));
                continue;
            }
            if (w == null) {
                report.add(Anomaly.NEVER_WRITTEN, phase, r.value() + " at " + at(r.partition(), r.offset()));
                continue;
            }
            if (!acked.containsKey(r.value())) {
                report.add(Anomaly.UNACKED_READ, phase, r.value() + " at " + at(r.partition(), r.offset()));
            }
            if (w.partition() != r.partition() && !acked.containsKey(r.value())) {
                report.add(Anomaly.MISPLACED, phase, r.value() + " sent to partition " + w.partition()
                    + ", read at " + at(r.partition(), r.offset()));
            }
            List<Integer> stream = List.of(r.partition(), w.producer());
            Long highest = highestSeq.get(stream);
            if (highest != null && w.seq() < highest) {
                report.add(Anomaly.REORDERED, phase, r.value() + " (seq " + w.seq() + ") at "
                    + at(r.partition(), r.offset()) + " after seq " + highest + " of producer " + w.producer());
            } else {
                highestSeq.put(stream, w.seq());
            }
        }

        for (Ack a : acks) {
            String phase = written.get(a.value()).phase();
            Read r = firstRead.get(a.value());
            if (r == null) {
                report.add(Anomaly.LOST, phase, a.value() + " acknowledged at " + at(a.partition(), a.offset()));
            } else if (r.partition() != a.partition() || r.offset() != a.offset()) {
                report.add(Anomaly.MISPLACED, phase, a.value() + " acknowledged at " + at(a.partition(), a.offset())
                    + ", read at " + at(r.partition(), r.offset()));
            }
        }
        return report;
    }

    private static String at(int partition, long offset) {
        return partition + "@" + offset;
    }

    /** Counts per phase (the nemesis active when the record was sent) and anomaly, with a few examples of each. */
    static final class FaultReport {
        private static final int EXAMPLES = 5;
        private final Map<String, long[]> counts = new java.util.LinkedHashMap<>();
        private final Map<String, long[]> volume = new java.util.LinkedHashMap<>();
        private final Map<Anomaly, List<String>> examples = new java.util.EnumMap<>(Anomaly.class);

        private void countWrite(String phase) {
            volume.computeIfAbsent(phase, p -> new long[2])[0]++;
            counts.computeIfAbsent(phase, p -> new long[Anomaly.values().length]);
        }

        private void countAck(String phase) {
            volume.computeIfAbsent(phase, p -> new long[2])[1]++;
        }

        private void add(Anomaly anomaly, String phase, String example) {
            counts.computeIfAbsent(phase, p -> new long[Anomaly.values().length])[anomaly.ordinal()]++;
            List<String> list = examples.computeIfAbsent(anomaly, a -> new ArrayList<>());
            if (list.size() < EXAMPLES) {
                list.add(example);
            }
        }

        long count(Anomaly anomaly) {
            return counts.values().stream().mapToLong(c -> c[anomaly.ordinal()]).sum();
        }

        long count(String phase, Anomaly anomaly) {
            long[] c = counts.get(phase);
            return c == null ? 0 : c[anomaly.ordinal()];
        }

        long acked() {
            return volume.values().stream().mapToLong(v -> v[1]).sum();
        }

        /** Every violation (all anomalies but {@link Anomaly#UNACKED_READ}). */
        long violations() {
            long n = 0;
            for (Anomaly a : Anomaly.values()) {
                if (a.violation) {
                    n += count(a);
                }
            }
            return n;
        }

        /** Phases that had at least one violation. */
        Set<String> violatingPhases() {
            Set<String> out = new HashSet<>();
            for (Map.Entry<String, long[]> e : counts.entrySet()) {
                for (Anomaly a : Anomaly.values()) {
                    if (a.violation && e.getValue()[a.ordinal()] > 0) {
                        out.add(e.getKey());
                    }
                }
            }
            return out;
        }

        List<String> examples(Anomaly anomaly) {
            return examples.getOrDefault(anomaly, List.of());
        }

        /** A Markdown table: one row per phase and a total row; then up to five examples per anomaly found. */
        String table() {
            StringBuilder sb = new StringBuilder("| phase | sent | acked |");
            for (Anomaly a : Anomaly.values()) {
                sb.append(' ').append(a.name().toLowerCase(java.util.Locale.ROOT)).append(" |");
            }
            sb.append("\n|---|---:|---:|").append("---:|".repeat(Anomaly.values().length)).append('\n');
            long[] totalVolume = new long[2];
            for (String phase : counts.keySet()) {
                long[] v = volume.getOrDefault(phase, new long[2]);
                totalVolume[0] += v[0];
                totalVolume[1] += v[1];
                sb.append("| ").append(phase).append(" | ").append(v[0]).append(" | ").append(v[1]).append(" |");
                for (Anomaly a : Anomaly.values()) {
                    sb.append(' ').append(counts.get(phase)[a.ordinal()]).append(" |");
                }
                sb.append('\n');
            }
            sb.append("| **total** | ").append(totalVolume[0]).append(" | ").append(totalVolume[1]).append(" |");
            for (Anomaly a : Anomaly.values()) {
                sb.append(' ').append(count(a)).append(" |");
            }
            sb.append('\n');
            for (Map.Entry<Anomaly, List<String>> e : examples.entrySet()) {
                sb.append("\n").append(e.getKey()).append(" e.g.:");
                e.getValue().forEach(x -> sb.append("\n  - ").append(x));
            }
            return sb.toString();
        }
    }
}
