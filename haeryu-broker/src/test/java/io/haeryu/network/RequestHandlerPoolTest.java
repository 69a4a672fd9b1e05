package io.haeryu.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

class RequestHandlerPoolTest {

    @Test
    void refusesBeyondQueuedMaxRequestsAndCallsBackWhenARequestIsTaken() throws Exception {
        try (RequestHandlerPool pool = new RequestHandlerPool(1, 2)) {
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger handled = new AtomicInteger();
            AtomicInteger callBacks = new AtomicInteger();
            Runnable blocker = () -> {
                running.countDown();
                awaitQuietly(release);
                handled.incrementAndGet();
            };
            assertThat(pool.offerRequest(blocker, callBacks::incrementAndGet)).isTrue();
            running.await();
            // The only thread is busy: two requests may wait, the third is refused.
            assertThat(pool.offerRequest(handled::incrementAndGet, callBacks::incrementAndGet)).isTrue();
            assertThat(pool.offerRequest(handled::incrementAndGet, callBacks::incrementAndGet)).isTrue();
            assertThat(pool.offerRequest(handled::incrementAndGet, callBacks::incrementAndGet)).isFalse();
            assertThat(callBacks).hasValue(0);

            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> callBacks.get() == 1 && handled.get() == 3);
            assertThat(pool.offerRequest(handled::incrementAndGet, callBacks::incrementAndGet)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> handled.get() == 4);
        }
    }

    @Test
    void continuationsAreNeverRefused() throws Exception {
        try (RequestHandlerPool pool = new RequestHandlerPool(1, 1)) {
            CountDownLatch done = new CountDownLatch(100);
            for (int i = 0; i < 100; i++) {
                pool.execute(done::countDown);
            }
            assertThat(done.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void onlyApiVersionsIsHandledOnTheNetworkThread() {
        assertThat(NetworkThreadApis.handledOnNetworkThread(ApiKeys.API_VERSIONS)).isTrue();
        assertThat(NetworkThreadApis.handledOnNetworkThread(ApiKeys.PRODUCE)).isFalse();
        assertThat(NetworkThreadApis.handledOnNetworkThread(ApiKeys.FETCH)).isFalse();
        assertThat(NetworkThreadApis.handledOnNetworkThread(ApiKeys.CREATE_TOPICS)).isFalse();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
