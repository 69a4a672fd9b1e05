package io.haeryu.network;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The request-handler threads ({@code num.io.threads}, Kafka's {@code KafkaRequestHandlerPool}) and the request
 * queue in front of them. Network threads hand each request's handling here; at most {@code queued.max.requests}
 * requests wait across all connections (Kafka's {@code RequestChannel} bound). A network thread that finds the
 * queue full stops reading its connection and is called back when a handler thread takes a request off the queue.
 *
 * <p>{@link #execute} is for work the broker itself continues on these threads (a delayed fetch reading the log
 * when it completes): it is never refused, since refusing it would drop an answer already owed.
 */
public final class RequestHandlerPool implements Executor, AutoCloseable {

    private final ThreadPoolExecutor threads;
    private final int maxQueued;
    private final AtomicInteger queued = new AtomicInteger();
    private final Queue<Runnable> waitingForSpace = new ConcurrentLinkedQueue<>();

    public RequestHandlerPool(int threadCount, int maxQueuedRequests) {
        this.maxQueued = maxQueuedRequests;
        this.threads = new ThreadPoolExecutor(threadCount, threadCount, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(), new DefaultThreadFactory("haeryu-request-handler", true));
    }

    /**
     * Queues a request's handling, or returns false when {@code queued.max.requests} already wait; then
     * {@code onSpace} runs (on a handler thread; it should only hand work back to its own network thread) once a
     * queued request has been taken, and the caller offers again.
     */
    boolean offerRequest(Runnable handling, Runnable onSpace) {
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            waitingForSpace.add(onSpace);
            // A request may have left the queue between the check and the registration: do not wait for the next.
            if (queued.get() < maxQueued) {
                wakeOneWaiter();
            }
            return false;
        }
        threads.execute(() -> {
            queued.decrementAndGet();
            wakeOneWaiter();
            handling.run();
        });
        return true;
    }

    private void wakeOneWaiter() {
        Runnable waiter = waitingForSpace.poll();
        if (waiter != null) {
            waiter.run();
        }
    }

    @Override
    public void execute(Runnable continuation) {
        threads.execute(continuation);
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
