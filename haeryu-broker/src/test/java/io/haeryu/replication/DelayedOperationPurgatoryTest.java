package io.haeryu.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Kafka's DelayedOperationPurgatory rules: try, watch, try again; checks by key; expiry on the scheduler's timer;
 * completion exactly once whoever races for it.
 */
class DelayedOperationPurgatoryTest {

    private static final TopicPartition A = new TopicPartition("t", 0);
    private static final TopicPartition B = new TopicPartition("t", 1);

    private final ManualScheduler scheduler = new ManualScheduler();
    private final DelayedOperationPurgatory<TopicPartition> purgatory = new DelayedOperationPurgatory<>(scheduler);

    /** Completes when {@link #ready} is set; counts its completions and expirations. */
    private static class Waiting extends DelayedOperation {
        final AtomicBoolean ready = new AtomicBoolean();
        final AtomicInteger completions = new AtomicInteger();
        final AtomicInteger expirations = new AtomicInteger();
        final AtomicInteger tries = new AtomicInteger();

        Waiting(long delayMs) {
            super(delayMs);
        }

        @Override
        protected boolean tryComplete() {
            tries.incrementAndGet();
            return ready.get() && forceComplete();
        }

        @Override
        protected void onComplete() {
            completions.incrementAndGet();
        }

        @Override
        protected void onExpiration() {
            expirations.incrementAndGet();
        }
    }

    @Test
    void anOperationThatCanCompleteIsNotWatched() {
        Waiting op = new Waiting(1000);
        op.ready.set(true);
        assertThat(purgatory.tryCompleteElseWatch(op, List.of(A))).isTrue();
        assertThat(op.completions).hasValue(1);
        assertThat(purgatory.watched(A)).isZero();
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void aCheckOfItsKeyCompletesAWatchedOperationAndUnwatchesItEverywhere() {
        Waiting op = new Waiting(1000);
        assertThat(purgatory.tryCompleteElseWatch(op, List.of(A, B))).isFalse();
        assertThat(purgatory.watched(A)).isOne();
        assertThat(purgatory.checkAndComplete(A)).isZero(); // not ready: stays
        op.ready.set(true);
        assertThat(purgatory.checkAndComplete(B)).isOne();
        assertThat(op.completions).hasValue(1);
        assertThat(purgatory.checkAndComplete(A)).isZero();
        assertThat(purgatory.watched(A)).isZero();
        assertThat(purgatory.watched(B)).isZero();
        assertThat(scheduler.pending()).isZero(); // the expiration timer was cancelled
        scheduler.advance(2000);
        assertThat(op.expirations).hasValue(0);
    }

    @Test
    void aChangeBetweenTheFirstTryAndTheWatchIsNotMissed() {
        // The condition turns true right after the first try, before the watch: the check that came with that change
        // found nothing to wake, so only the second try can see it.
        Waiting op = new Waiting(1000) {
            @Override
            protected boolean tryComplete() {
                boolean done = super.tryComplete();
                if (tries.get() == 1) {
                    ready.set(true);
                    purgatory.checkAndComplete(A);
                }
                return done;
            }
        };
        assertThat(purgatory.tryCompleteElseWatch(op, List.of(A))).isTrue();
        assertThat(op.completions).hasValue(1);
        assertThat(op.tries).hasValue(2);
        assertThat(purgatory.watched(A)).isZero();
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void anOperationExpiresAfterItsDelayOnTheScheduler() {
        Waiting op = new Waiting(500);
        purgatory.tryCompleteElseWatch(op, List.of(A));
        scheduler.advance(499);
        assertThat(op.completions).hasValue(0);
        scheduler.advance(1);
        assertThat(op.completions).hasValue(1);
        assertThat(op.expirations).hasValue(1);
        assertThat(op.expired()).isTrue();
        assertThat(purgatory.watched(A)).isZero();
        op.ready.set(true);
        assertThat(purgatory.checkAndComplete(A)).isZero();
        assertThat(op.completions).hasValue(1);
    }

    @Test
    void aForcedCompletionCancelsTheExpiration() {
        Waiting op = new Waiting(500);
        purgatory.tryCompleteElseWatch(op, List.of(A));
        assertThat(op.forceComplete()).isTrue();
        assertThat(op.forceComplete()).isFalse();
        scheduler.advance(1000);
        assertThat(op.completions).hasValue(1);
        assertThat(op.expirations).hasValue(0);
        assertThat(purgatory.checkAndComplete(A)).isZero();
        assertThat(purgatory.watched(A)).isZero();
    }

    @Test
    void racingChecksExpirationsAndForcedCompletionsCompleteEachOperationOnce() throws Exception {
        List<Waiting> ops = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            Waiting op = new Waiting(100);
            ops.add(op);
            purgatory.tryCompleteElseWatch(op, List.of(A, B));
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int n = t;
            threads.add(new Thread(() -> {
                awaitQuietly(start);
                for (Waiting op : ops) {
                    switch (n) {
                        case 0 -> op.ready.set(true);
                        case 1 -> purgatory.checkAndComplete(A);
                        case 2 -> purgatory.checkAndComplete(B);
                        default -> op.forceComplete();
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        start.countDown();
        scheduler.advance(100); // expirations race with the rest
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(ops).allSatisfy(op -> {
            assertThat(op.isCompleted()).isTrue();
            assertThat(op.completions).hasValue(1);
            assertThat(op.expirations.get()).isLessThanOrEqualTo(1);
        });
        purgatory.checkAndComplete(A);
        purgatory.checkAndComplete(B);
        assertThat(purgatory.watched(A)).isZero();
        assertThat(purgatory.watched(B)).isZero();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
