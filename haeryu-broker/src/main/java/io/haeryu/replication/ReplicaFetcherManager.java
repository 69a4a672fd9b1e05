package io.haeryu.replication;

import io.haeryu.cluster.BrokerRegistration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import org.apache.kafka.common.TopicPartition;

/** Which {@link ReplicaFetcher} (one per leader broker) copies each partition this broker follows. */
final class ReplicaFetcherManager implements AutoCloseable {

    private final int localBrokerId;
    private final IntFunction<Optional<BrokerRegistration>> brokers;
    private final ReplicaFetcher.Settings settings;
    private final Map<Integer, ReplicaFetcher> fetchers = new HashMap<>();
    private final Map<TopicPartition, Integer> leaders = new HashMap<>();
    private boolean closed;

    ReplicaFetcherManager(int localBrokerId, IntFunction<Optional<BrokerRegistration>> brokers,
                          ReplicaFetcher.Settings settings) {
        this.localBrokerId = localBrokerId;
        this.brokers = brokers;
        this.settings = settings;
    }

    /** Fetches {@code partition} from {@code leaderId} from now on (moving it from its previous leader's fetcher). */
    synchronized void follow(Partition partition, int leaderId) {
        if (closed) {
            return;
        }
        stopFollowing(partition.topicPartition());
        fetchers.computeIfAbsent(leaderId, id -> {
            ReplicaFetcher fetcher = new ReplicaFetcher(localBrokerId, id, brokers, settings);
            fetcher.start();
            return fetcher;
        }).add(partition);
        leaders.put(partition.topicPartition(), leaderId);
    }

    synchronized void stopFollowing(TopicPartition tp) {
        Integer previous = leaders.remove(tp);
        if (previous != null) {
            fetchers.get(previous).remove(tp);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        fetchers.values().forEach(ReplicaFetcher::close);
        fetchers.clear();
        leaders.clear();
    }
}
