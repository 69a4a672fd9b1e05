package io.haeryu.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Parked fetches: woken by data, by the deadline, and never left asleep by a wake-up sent before they parked. */
class FetchPurgatoryTest {

    private static final TopicPartition TP = new TopicPartition("orders", 0);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final FetchPurgatory purgatory = new FetchPurgatory(timer);
    /** Stands for the partition's log end offset. */
    private final AtomicLong logEnd = new AtomicLong();

    @AfterEach
    void tearDown() {
        timer.shutdownNow();
    }

    @Test
    void appendBetweenTheReadAndTheParkingWakesTheFetchAtOnce() throws Exception {
        long readAt = logEnd.get(); // the fetch read: nothing there yet
        logEnd.incrementAndGet(); // an append lands and sends its wake-up before the fetch is parked
        purgatory.dataArrived(TP);
        CountDownLatch woken = new CountDownLatch(1);

        purgatory.await(List.of(TP), 30_000, () -> logEnd.get() != readAt, woken::countDown);

        assertThat(woken.await(2, TimeUnit.SECONDS)).as("woken long before max.wait.ms").isTrue();
    }

    @Test
    void parkedFetchSleepsUntilDataArrivesOrItsDeadline() throws Exception {
        long readAt = logEnd.get();
        CountDownLatch byData = new CountDownLatch(1);
        purgatory.await(List.of(TP), 30_000, () -> logEnd.get() != readAt, byData::countDown);
        assertThat(byData.await(200, TimeUnit.MILLISECONDS)).isFalse();
        logEnd.incrementAndGet();
        purgatory.dataArrived(TP);
        assertThat(byData.await(2, TimeUnit.SECONDS)).isTrue();

        CountDownLatch byDeadline = new CountDownLatch(1);
        long parkedAt = System.nanoTime();
        purgatory.await(List.of(TP), 300, () -> false, byDeadline::countDown);
        assertThat(byDeadline.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(System.nanoTime() - parkedAt).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(290));
    }
}
