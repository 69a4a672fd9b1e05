package io.haeryu.replication;

import io.haeryu.cluster.PartitionStateZk;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's side of ISR changes: checks every {@code replica.lag.time.max.ms / 2} for followers that fell
 * behind, and writes the changes partitions ask for to ZooKeeper, one at a time on its own thread (ZooKeeper calls
 * block), reporting each outcome back to the partition.
 */
final class IsrManager implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IsrManager.class);

    private final int localBrokerId;
    private final PartitionStateZk zk;
    private final long lagTimeMs;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(
        new DefaultThreadFactory("haeryu-isr-writer", true));

    IsrManager(int localBrokerId, PartitionStateZk zk, long lagTimeMs) {
        this.localBrokerId = localBrokerId;
        this.zk = zk;
        this.lagTimeMs = lagTimeMs;
    }

    void start(ScheduledExecutorService scheduler, Supplier<Collection<Partition>> partitions) {
        long period = Math.max(1, lagTimeMs / 2);
        scheduler.scheduleWithFixedDelay(() -> {
            long now = System.currentTimeMillis();
            for (Partition p : partitions.get()) {
                p.maybeShrinkIsr(now, lagTimeMs);
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    void submit(Partition partition, int leaderEpoch, List<Integer> newIsr) {
        writer.execute(() -> {
            boolean written = false;
            try {
                written = zk.alterIsr(partition.topicPartition(), localBrokerId, leaderEpoch, newIsr);
                if (written) {
                    log.info("ISR of {} is now {} (leader epoch {})", partition.topicPartition(), newIsr, leaderEpoch);
                } else {
                    log.info("Not changing the ISR of {}: broker {} no longer leads it in epoch {}",
                        partition.topicPartition(), localBrokerId, leaderEpoch);
                }
            } catch (RuntimeException e) {
                log.warn("Could not change the ISR of {} to {}: {}", partition.topicPartition(), newIsr, e.toString());
            } finally {
                partition.onIsrChangeCompleted(leaderEpoch, newIsr, written);
            }
        });
    }

    @Override
    public void close() {
        writer.shutdownNow();
    }
}
