package io.haeryu.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Classic consumer-group rebalance time against any Kafka-compatible broker, with real kafka-clients consumers.
 *
 * <p>Per trial (a fresh group each time): {@code members} consumers, each polling on its own thread, subscribe at the
 * same instant to a topic of {@code partitions} partitions. <b>join</b> = ms from the subscribe signal until every
 * member owns its share and all are in the same generation. Then one member closes (LeaveGroup); <b>leave</b> = ms
 * from the start of close() until the remaining members are all in a newer generation and together own every
 * partition again.
 *
 * <p>Usage: {@code RebalanceBenchmark BOOTSTRAP [trials=3] [members=10] [partitions=30] [heartbeatMs=500]}. Prints
 * one line per trial: {@code join_ms=N leave_ms=N join_generation=N} (the generation the first join settled
 * in: how many rebalances the join took).
 */
public final class RebalanceBenchmark {

    private RebalanceBenchmark() {
    }

    /** One consumer on its own thread; publishes its assignment and generation after every poll. */
    private static final class Member {
        final KafkaConsumer<byte[], byte[]> consumer;
        final Thread thread;
        volatile Set<TopicPartition> assignment = Set.of();
        volatile int generation = -1;
        volatile boolean stop;
        volatile Throwable error;

        Member(Properties props, String topic, CountDownLatch go) {
            consumer = new KafkaConsumer<>(props);
            thread = new Thread(() -> {
                try {
                    go.await();
                    consumer.subscribe(List.of(topic));
                    while (!stop) {
                        consumer.poll(Duration.ofMillis(20));
                        assignment = Set.copyOf(consumer.assignment());
                        generation = consumer.groupMetadata().generationId();
                    }
                } catch (Throwable t) {
                    error = t;
                } finally {
                    consumer.close();
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        void close() throws InterruptedException {
            stop = true;
            thread.join(60_000);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: RebalanceBenchmark BOOTSTRAP [trials] [members] [partitions] [heartbeatMs]");
            System.exit(2);
        }
        String bootstrap = args[0];
        int trials = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int members = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int partitions = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        String heartbeat = args.length > 4 ? args[4] : "500";
        String topic = "rebalance-bench-" + partitions;

        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(ap)) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        for (int t = 0; t < trials; t++) {
            long[] r = trial(bootstrap, topic, members, partitions, heartbeat);
            System.out.println("join_ms=" + r[0] + " leave_ms=" + r[1] + " join_generation=" + r[2]);
        }
    }

    private static long[] trial(String bootstrap, String topic, int n, int partitions, String heartbeat)
            throws Exception {
        String group = "rebalance-bench-" + UUID.randomUUID();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, heartbeat);
        CountDownLatch go = new CountDownLatch(1);
        List<Member> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ms.add(new Member(props, topic, go));
        }
        try {
            long t0 = System.nanoTime();
            go.countDown();
            int gen = await(ms, partitions, -1, t0);
            long join = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

            Member leaving = ms.remove(ms.size() - 1);
            long t1 = System.nanoTime();
            leaving.close();
            await(ms, partitions, gen, t1);
            long leave = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
            return new long[] {join, leave, gen};
        } finally {
            for (Member m : ms) {
                m.stop = true;
            }
            for (Member m : ms) {
                m.close();
            }
        }
    }

    /** Waits until all members share one generation newer than {@code after} and own all partitions between them. */
    private static int await(List<Member> ms, int partitions, int after, long since) throws InterruptedException {
        long deadline = since + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            int gen = ms.get(0).generation;
            boolean ok = gen > after;
            Set<TopicPartition> owned = new HashSet<>();
            int total = 0;
            for (Member m : ms) {
                if (m.error != null) {
                    throw new IllegalStateException("consumer failed", m.error);
                }
                if (m.generation != gen || m.assignment.isEmpty()) {
                    ok = false;
                    break;
                }
                owned.addAll(m.assignment);
                total += m.assignment.size();
            }
            if (ok && owned.size() == partitions && total == partitions) {
                return gen;
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("group did not stabilize within 120 s");
    }
}
