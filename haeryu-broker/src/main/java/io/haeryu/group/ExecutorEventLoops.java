package io.haeryu.group;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Production event loops: a fixed set of single-threaded executors on the system clock; partition {@code p} runs on
 * thread {@code p % threads}, so partitions share threads but each partition only ever runs on one.
 */
public final class ExecutorEventLoops implements EventLoops, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ExecutorEventLoops.class);

    private final List<ExecutorLoop> loops = new ArrayList<>();

    public ExecutorEventLoops(int threads) {
        for (int i = 0; i < threads; i++) {
            String name = "group-coordinator-" + i;
            loops.add(new ExecutorLoop(Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, name);
                thread.setDaemon(true);
                return thread;
            })));
        }
    }

    @Override
    public EventLoop loopFor(int partition) {
        return loops.get(partition % loops.size());
    }

    @Override
    public void close() {
        loops.forEach(loop -> loop.executor.shutdownNow());
    }

    private record ExecutorLoop(ScheduledExecutorService executor) implements EventLoop {

        @Override
        public long nowMs() {
            return Time.SYSTEM.milliseconds();
        }

        @Override
        public void execute(Runnable event) {
            executor.execute(guarded(event));
        }

        @Override
        public Cancellable schedule(long delayMs, Runnable event) {
            ScheduledFuture<?> future = executor.schedule(guarded(event), delayMs, TimeUnit.MILLISECONDS);
            return () -> future.cancel(false);
        }

        /** A failing event must not kill the thread that every other event of its partitions depends on. */
        private static Runnable guarded(Runnable event) {
            return () -> {
                try {
                    event.run();
                } catch (RuntimeException e) {
                    log.error("Group coordinator event failed", e);
                }
            };
        }
    }
}
