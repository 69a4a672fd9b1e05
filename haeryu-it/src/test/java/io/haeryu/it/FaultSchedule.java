package io.haeryu.it;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A seeded random sequence of nemesis cycles (fault, hold, heal, settle), Jepsen style: the same seed, nemeses and
 * length always give the same cycles, so a failing run is replayed by passing its printed seed. Pure.
 */
final class FaultSchedule {

    /** The faults the suite can inject into one broker. */
    enum Nemesis {
        /** kill -9, restarted on the same data dir at heal */
        KILL,
        /** SIGSTOP shorter than the ZooKeeper session timeout, then SIGCONT */
        PAUSE_SHORT,
        /** SIGSTOP longer than the ZooKeeper session timeout (the session expires), then SIGCONT */
        PAUSE_LONG,
        /** the broker's own proxy to ZooKeeper drops everything for longer than the session timeout */
        ZK_CUT,
        /** the proxy in front of the broker's listener drops everything: no broker or client reaches it */
        PARTITION,
        /** the broker's log dir (its own tmpfs) is filled up by a filler file, freed at heal */
        DISK_FULL;

        /** How long the fault is held, before jitter, for a given ZooKeeper session timeout. */
        long baseHoldMillis(long sessionTimeoutMs) {
            return switch (this) {
                case KILL -> 2_000;
                case PAUSE_SHORT -> sessionTimeoutMs / 3;
                case PAUSE_LONG, ZK_CUT -> sessionTimeoutMs + 4_000;
                case PARTITION -> 8_000;
                case DISK_FULL -> 5_000;
            };
        }

        /** Parses a comma-separated list of names (case-insensitive), e.g. {@code kill,pause_short}. */
        static List<Nemesis> parseList(String names) {
            return Arrays.stream(names.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> Nemesis.valueOf(s.toUpperCase(Locale.ROOT))).distinct().toList();
        }
    }

    /** One cycle: inject {@code nemesis} into broker {@code victim}, hold it {@code holdMillis}, heal, settle. */
    record Cycle(int index, Nemesis nemesis, int victim, long holdMillis) {
        @Override
        public String toString() {
            return "#" + index + " " + nemesis + " broker " + victim + " for " + holdMillis + " ms";
        }
    }

    /** Jitter added to each hold, up to this many milliseconds. */
    static final long MAX_JITTER_MS = 1_000;

    private FaultSchedule() {
    }

    /**
     * {@code cycles} cycles; the first ones go through {@code nemeses} in order (so a short schedule covers each at
     * least once), the rest pick a nemesis at random; the victim and the jitter are always random.
     */
    static List<Cycle> random(long seed, int cycles, List<Nemesis> nemeses, int brokers, long sessionTimeoutMs) {
        if (nemeses.isEmpty() || brokers < 1 || cycles < 0) {
            throw new IllegalArgumentException("need nemeses, brokers and a cycle count: " + nemeses + ", "
                + brokers + ", " + cycles);
        }
        Random random = new Random(seed);
        List<Nemesis> order = new ArrayList<>(nemeses);
        java.util.Collections.shuffle(order, random);
        List<Cycle> out = new ArrayList<>();
        for (int i = 0; i < cycles; i++) {
            Nemesis n = i < order.size() ? order.get(i) : order.get(random.nextInt(order.size()));
            int victim = random.nextInt(brokers);
            long hold = n.baseHoldMillis(sessionTimeoutMs) + (long) (random.nextDouble() * MAX_JITTER_MS);
            out.add(new Cycle(i, n, victim, hold));
        }
        return out;
    }
}
