package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haeryu.it.FaultChecker.Ack;
import io.haeryu.it.FaultChecker.Anomaly;
import io.haeryu.it.FaultChecker.FaultReport;
import io.haeryu.it.FaultChecker.Read;
import io.haeryu.it.FaultChecker.Write;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link FaultChecker} on hand-made histories: one per anomaly, and a clean one. */
class FaultCheckerTest {

    /** Producer 0 sends a0..a3 to partition 0 in phase "kill"; all acknowledged at offsets 0..3. */
    private final List<Write> writes = new ArrayList<>(List.of(
        new Write("a0", 0, 0, 0, "kill"), new Write("a1", 0, 0, 1, "kill"),
        new Write("a2", 0, 0, 2, "kill"), new Write("a3", 0, 0, 3, "kill")));
    private final List<Ack> acks = new ArrayList<>(List.of(
        new Ack("a0", 0, 0), new Ack("a1", 0, 1), new Ack("a2", 0, 2), new Ack("a3", 0, 3)));

    @Test
    void cleanHistoryHasNoAnomaly() {
        FaultReport r = FaultChecker.check(writes, acks, reads("a0", "a1", "a2", "a3"));
        assertThat(r.violations()).isZero();
        assertThat(r.count(Anomaly.UNACKED_READ)).isZero();
        assertThat(r.acked()).isEqualTo(4);
        assertThat(r.table()).contains("| kill | 4 | 4 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |");
    }

    @Test
    void acknowledgedButNeverReadIsLost() {
        FaultReport r = FaultChecker.check(writes, acks, reads("a0", "a1"));
        assertThat(r.count(Anomaly.LOST)).isEqualTo(2);
        assertThat(r.count("kill", Anomaly.LOST)).isEqualTo(2);
        assertThat(r.examples(Anomaly.LOST)).containsExactly("a2 acknowledged at 0@2", "a3 acknowledged at 0@3");
        assertThat(r.violatingPhases()).containsExactly("kill");
    }

    @Test
    void acknowledgedButReadAtAnotherOffsetIsMisplaced() {
        // a1 vanished and a2, a3 slid down one offset: a1 lost, a2 and a3 misplaced.
        List<Read> read = List.of(new Read(0, 0, "a0"), new Read(0, 1, "a2"), new Read(0, 2, "a3"));
        FaultReport r = FaultChecker.check(writes, acks, read);
        assertThat(r.count(Anomaly.LOST)).isEqualTo(1);
        assertThat(r.count(Anomaly.MISPLACED)).isEqualTo(2);
        assertThat(r.count(Anomaly.REORDERED)).isZero();
    }

    @Test
    void valueReadTwiceIsDuplicatedOncePerExtraCopy() {
        List<Read> read = new ArrayList<>(reads("a0", "a1", "a2", "a3"));
        read.add(new Read(0, 4, "a3"));
        read.add(new Read(0, 5, "a3"));
        FaultReport r = FaultChecker.check(writes, acks, read);
        assertThat(r.count(Anomaly.DUPLICATED)).isEqualTo(2);
        assertThat(r.count(Anomaly.REORDERED)).as("a duplicate is not also a reordering").isZero();
        assertThat(r.count(Anomaly.LOST)).isZero();
    }

    @Test
    void earlierSequenceReadAfterALaterOneIsReordered() {
        List<Ack> swapped = List.of(new Ack("a0", 0, 0), new Ack("a2", 0, 1), new Ack("a1", 0, 2), new Ack("a3", 0, 3));
        FaultReport r = FaultChecker.check(writes, swapped, reads("a0", "a2", "a1", "a3"));
        assertThat(r.count(Anomaly.REORDERED)).isEqualTo(1);
        assertThat(r.examples(Anomaly.REORDERED).get(0)).contains("a1 (seq 1)").contains("after seq 2");
        assertThat(r.count(Anomaly.LOST) + r.count(Anomaly.MISPLACED)).isZero();
    }

    @Test
    void orderIsPerProducerAndPartition() {
        // Producer 1 and partition 1 have their own sequences: interleaving them with producer 0 is fine.
        writes.add(new Write("b0", 1, 0, 0, "pause"));
        writes.add(new Write("c0", 0, 1, 0, "pause"));
        List<Read> read = List.of(new Read(0, 0, "a0"), new Read(0, 1, "a1"), new Read(0, 2, "b0"),
            new Read(0, 3, "a2"), new Read(0, 4, "a3"), new Read(1, 0, "c0"));
        List<Ack> all = List.of(new Ack("a0", 0, 0), new Ack("a1", 0, 1), new Ack("b0", 0, 2), new Ack("a2", 0, 3),
            new Ack("a3", 0, 4), new Ack("c0", 1, 0));
        FaultReport r = FaultChecker.check(writes, all, read);
        assertThat(r.violations()).isZero();
        assertThat(r.acked()).isEqualTo(6);
    }

    @Test
    void offsetsGoingBackwardsAreNonMonotonic() {
        List<Read> read = List.of(new Read(0, 0, "a0"), new Read(0, 1, "a1"), new Read(0, 1, "a2"),
            new Read(0, 3, "a3"));
        FaultReport r = FaultChecker.check(writes, acks, read);
        assertThat(r.count(Anomaly.NON_MONOTONIC)).isEqualTo(1);
        assertThat(r.examples(Anomaly.NON_MONOTONIC)).containsExactly("partition 0: offset 1 read after 1");
    }

    @Test
    void sentButUnacknowledgedRecordIsAllowedAndReportedApart() {
        writes.add(new Write("a4", 0, 0, 4, "partition"));
        FaultReport r = FaultChecker.check(writes, acks, reads("a0", "a1", "a2", "a3", "a4"));
        assertThat(r.violations()).isZero();
        assertThat(r.count(Anomaly.UNACKED_READ)).isEqualTo(1);
        assertThat(r.count("partition", Anomaly.UNACKED_READ)).isEqualTo(1);
    }

    @Test
    void recordNobodySentIsNeverWritten() {
        FaultReport r = FaultChecker.check(writes, acks, reads("a0", "a1", "a2", "a3", "zz"));
        assertThat(r.count(Anomaly.NEVER_WRITTEN)).isEqualTo(1);
        assertThat(r.count(FaultChecker.UNKNOWN_PHASE, Anomaly.NEVER_WRITTEN)).isEqualTo(1);
        assertThat(r.violatingPhases()).containsExactly(FaultChecker.UNKNOWN_PHASE);
    }

    @Test
    void anAckForAValueNeverSentIsAHarnessBug() {
        acks.add(new Ack("ghost", 0, 9));
        assertThatThrownBy(() -> FaultChecker.check(writes, acks, reads("a0")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ghost");
    }

    /** Partition 0, offsets 0.. in the given order. */
    private static List<Read> reads(String... values) {
        List<Read> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            out.add(new Read(0, i, values[i]));
        }
        return out;
    }
}
