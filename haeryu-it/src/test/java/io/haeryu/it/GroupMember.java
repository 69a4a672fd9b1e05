package io.haeryu.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * One real KafkaConsumer in a consumer group, polled on its own thread (as applications do): records every value it
 * consumed, commits synchronously after each non-empty poll (optional), and keeps its assignment, generation and
 * rebalance-listener callbacks visible to the test thread.
 */
final class GroupMember implements AutoCloseable {

    final String name;
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private final boolean commitEachPoll;
    private volatile boolean stop;
    private volatile boolean leaveOnClose = true;
    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile int generation = -1;
    private volatile String memberId = "";
    private final AtomicReference<Throwable> error = new AtomicReference<>();
    /** Values of every record this member consumed (with re-deliveries). */
    final List<ConsumerRecord<String, String>> consumed = Collections.synchronizedList(new ArrayList<>());
    /** "revoked [..]" / "assigned [..]" / "lost [..]" in the order the listener saw them. */
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final Set<TopicPartition> everRevoked = Collections.synchronizedSet(new HashSet<>());

    GroupMember(String name, String bootstrap, String group, Collection<String> topics, Map<String, Object> extra,
            boolean commitEachPoll) {
        this.name = name;
        this.commitEachPoll = commitEachPoll;
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        cfg.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        cfg.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        cfg.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "300");
        cfg.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        cfg.putAll(extra);
        this.consumer = Clients.consumer(bootstrap, cfg);
        List<String> topicList = List.copyOf(topics);
        this.thread = new Thread(() -> run(topicList), "member-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run(List<String> topics) {
        try {
            consumer.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    events.add("revoked " + sorted(partitions));
                    everRevoked.addAll(partitions);
                    if (commitEachPoll && !partitions.isEmpty()) {
                        commit();
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    events.add("assigned " + sorted(partitions));
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    events.add("lost " + sorted(partitions));
                    everRevoked.addAll(partitions);
                }
            });
            while (!stop) {
                var records = consumer.poll(Duration.ofMillis(100));
                records.forEach(consumed::add);
                if (commitEachPoll && !records.isEmpty()) {
                    commit();
                }
                assignment = Set.copyOf(consumer.assignment());
                generation = consumer.groupMetadata().generationId();
                memberId = consumer.groupMetadata().memberId();
            }
            if (commitEachPoll) {
                commit();
            }
        } catch (WakeupException ignored) {
            // closing
        } catch (Throwable t) {
            error.set(t);
        } finally {
            try {
                if (leaveOnClose) {
                    consumer.close();
                } else {
                    consumer.close(org.apache.kafka.clients.consumer.CloseOptions.groupMembershipOperation(
                            org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
                }
            } catch (Throwable t) {
                error.compareAndSet(null, t);
            }
        }
    }

    /** commitSync; during a (cooperative) rebalance the client refuses, as in Kafka: the next poll retries. */
    private void commit() {
        try {
            consumer.commitSync();
        } catch (org.apache.kafka.common.errors.RebalanceInProgressException retryAfterPoll) {
            commitRetries++;
        }
    }

    volatile int commitRetries;

    Set<TopicPartition> assignment() {
        checkError();
        return assignment;
    }

    int generation() {
        return generation;
    }

    String memberId() {
        return memberId;
    }

    Set<String> values() {
        synchronized (consumed) {
            Set<String> s = new HashSet<>();
            consumed.forEach(r -> s.add(r.value()));
            return s;
        }
    }

    Throwable error() {
        return error.get();
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    void checkError() {
        Throwable t = error.get();
        if (t != null) {
            throw new AssertionError("member " + name + " failed: " + t, t);
        }
    }

    /** Closes without sending LeaveGroup (a static member's restart). */
    void closeRemainingInGroup() {
        leaveOnClose = false;
        close();
    }

    /** Stops and closes, returning the error the member thread ended with (or null) instead of throwing it. */
    Throwable closeQuietly() {
        stop = true;
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return error.get();
    }

    @Override
    public void close() {
        stop = true;
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        checkError();
    }

    static List<String> sorted(Collection<TopicPartition> tps) {
        return tps.stream().map(TopicPartition::toString).sorted().toList();
    }
}
