package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haeryu.it.FaultSchedule.Cycle;
import io.haeryu.it.FaultSchedule.Nemesis;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link FaultSchedule}: replayable from its seed, covers every nemesis asked for, holds fit the session timeout. */
class FaultScheduleTest {

    private static final List<Nemesis> ALL = List.of(Nemesis.values());

    @Test
    void sameSeedSameSchedule() {
        assertThat(FaultSchedule.random(42, 100, ALL, 3, 6000)).isEqualTo(FaultSchedule.random(42, 100, ALL, 3, 6000));
        assertThat(FaultSchedule.random(42, 100, ALL, 3, 6000)).isNotEqualTo(FaultSchedule.random(43, 100, ALL, 3, 6000));
    }

    @Test
    void firstCyclesCoverEveryNemesisThenOnlyTheChosenOnes() {
        List<Cycle> cycles = FaultSchedule.random(7, 50, List.of(Nemesis.KILL, Nemesis.PARTITION), 3, 6000);
        assertThat(cycles.subList(0, 2)).extracting(Cycle::nemesis)
            .containsExactlyInAnyOrder(Nemesis.KILL, Nemesis.PARTITION);
        assertThat(cycles).extracting(Cycle::nemesis).containsOnly(Nemesis.KILL, Nemesis.PARTITION);
        assertThat(cycles).extracting(Cycle::victim).containsOnly(0, 1, 2);
        assertThat(cycles).extracting(Cycle::index).containsExactlyElementsOf(
            java.util.stream.IntStream.range(0, 50).boxed().toList());
    }

    @Test
    void pausesAreShorterOrLongerThanTheSessionTimeout() {
        for (Cycle c : FaultSchedule.random(1, 200, ALL, 3, 6000)) {
            switch (c.nemesis()) {
                case PAUSE_SHORT -> assertThat(c.holdMillis()).isLessThan(6000);
                case PAUSE_LONG, ZK_CUT -> assertThat(c.holdMillis()).isGreaterThan(6000 + 2000);
                default -> assertThat(c.holdMillis()).isPositive();
            }
        }
    }

    @Test
    void namesParseCaseInsensitivelyAndUnknownOnesAreRefused() {
        assertThat(Nemesis.parseList("kill, Pause_Short,kill")).containsExactly(Nemesis.KILL, Nemesis.PAUSE_SHORT);
        assertThatThrownBy(() -> Nemesis.parseList("kill,flood")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FaultSchedule.random(1, 5, List.of(), 3, 6000))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
