package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fuzzer's mutants are reproducible from a seed, and they really differ from the recorded frames. */
class FrameMutatorTest {

    private static final List<byte[]> CORPUS = List.of(
        "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(), new byte[] {0, 18, 0, 3, 0, 0, 0, 1, 0, 0});

    private static List<byte[]> mutants(long seed, int n) {
        FrameMutator mutator = new FrameMutator(CORPUS);
        Random random = new Random(seed);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(mutator.next(random));
        }
        return out;
    }

    @Test
    void theSameSeedGivesTheSameMutants() {
        assertThat(mutants(7, 2_000)).usingElementComparator(java.util.Arrays::compare).containsExactlyElementsOf(mutants(7, 2_000));
        assertThat(mutants(7, 50)).usingElementComparator(java.util.Arrays::compare).isNotEqualTo(mutants(8, 50));
    }

    @Test
    void mutantsDifferFromTheCorpusAndMostCarryTheirTrueSize() {
        List<byte[]> mutants = mutants(11, 5_000);
        long unchanged = mutants.stream().filter(m -> CORPUS.stream().anyMatch(
            c -> java.util.Arrays.equals(c, java.util.Arrays.copyOfRange(m, 4, m.length)))).count();
        long trueSize = mutants.stream().filter(m -> ByteBuffer.wrap(m).getInt() == m.length - 4).count();
        assertThat(unchanged).isLessThan(250);          // a mutation can undo another now and then
        assertThat(trueSize).isBetween(4_850L, 4_999L); // about 1% lie about their size
    }
}
