package io.haeryu.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The steps Kafka tests write by hand, with real clients against one bootstrap string: create a topic and wait
 * for it, produce N records, consume until N arrived or a timeout, wait for a consumer group to be stable, find a
 * partition's leader. Keys and values are Strings. Holds one {@link Admin}, closed by {@link #close()}; producers
 * and consumers it returns are the caller's to close.
 *
 * <p>Waiting polls the cluster (every 50 ms) until the condition holds; it never sleeps a fixed time.
 */
public final class HaeryuTestClients implements AutoCloseable {

    private static final long POLL_INTERVAL_MS = 50;
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final Admin admin;

    public HaeryuTestClients(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The Admin these helpers use; closed with them. */
    public Admin admin() {
        return admin;
    }

    /** Creates a topic and waits (30 s at most) until each live broker knows a leader for each partition. */
    public void createTopic(String name, int partitions, int replicationFactor) {
        createTopics(List.of(TopicSpec.of(name, partitions, replicationFactor)), DEFAULT_TIMEOUT);
    }

    public void createTopic(TopicSpec topic) {
        createTopics(List.of(topic), DEFAULT_TIMEOUT);
    }

    /**
     * Creates the topics and waits until every live broker's metadata has them with a leader per partition, so
     * any client, whichever broker it asks, can use them at once.
     */
    public void createTopics(Collection<TopicSpec> topics, Duration timeout) {
        List<NewTopic> newTopics = topics.stream().map(t -> new NewTopic(t.name(),
            Optional.of(t.partitions()), Optional.of(t.replicationFactor())).configs(t.configs()))
            .toList();
        get(admin.createTopics(newTopics).all(), timeout, "creating topics " + names(topics));
        Set<String> names = topics.stream().map(TopicSpec::name).collect(Collectors.toSet());
        long deadline = deadline(timeout);
        for (Node broker : get(admin.describeCluster().nodes(), timeout, "listing the brokers")) {
            try (Admin one = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.host() + ":" + broker.port()))) {
                await(deadline, () -> allLed(one, names, topics), "topics " + names + " to have leaders on broker "
                    + broker.id());
            }
        }
    }

    private static boolean allLed(Admin admin, Set<String> names, Collection<TopicSpec> topics) {
        try {
            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames()
                .get(5, TimeUnit.SECONDS);
            return topics.stream().allMatch(t -> {
                TopicDescription d = described.get(t.name());
                return d != null && d.partitions().size() == t.partitions()
                    && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
            });
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw new KafkaException("Describing topics " + names + " failed", e.getCause());
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted", e);
        }
    }

    /** Id of the broker leading {@code topic}'s partition {@code partition}, -1 if it has none now. */
    public int leader(String topic, int partition) {
        TopicDescription d = get(admin.describeTopics(List.of(topic)).allTopicNames(), DEFAULT_TIMEOUT,
            "describing " + topic).get(topic);
        TopicPartitionInfo info = d.partitions().get(partition);
        return info.leader() == null || info.leader().isEmpty() ? -1 : info.leader().id();
    }

    /** A String/String producer with {@code acks=all}; extra config on top. */
    public KafkaProducer<String, String> producer(Map<String, Object> extra) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.putAll(extra);
        return new KafkaProducer<>(props);
    }

    public KafkaProducer<String, String> producer() {
        return producer(Map.of());
    }

    /**
     * A String/String consumer of group {@code groupId} (null: no group, for {@code assign}) reading from the
     * earliest offset; extra config on top.
     */
    public KafkaConsumer<String, String> consumer(String groupId, Map<String, Object> extra) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        if (groupId != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.putAll(extra);
        return new KafkaConsumer<>(props);
    }

    public KafkaConsumer<String, String> consumer(String groupId) {
        return consumer(groupId, Map.of());
    }

    /** Sends the records (key, value) and waits until each is acknowledged; returns where they were written. */
    public List<RecordMetadata> produce(String topic, List<Map.Entry<String, String>> records) {
        List<RecordMetadata> written = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer()) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (Map.Entry<String, String> r : records) {
                sends.add(producer.send(new ProducerRecord<>(topic, r.getKey(), r.getValue())));
            }
            for (Future<RecordMetadata> send : sends) {
                written.add(get(send, DEFAULT_TIMEOUT, "producing to " + topic));
            }
        }
        return written;
    }

    /** Sends {@code count} records with keys {@code key-i} and values {@code value-i}, i from 0, and waits for all. */
    public List<RecordMetadata> produce(String topic, int count) {
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(Map.entry("key-" + i, "value-" + i));
        }
        return produce(topic, records);
    }

    /**
     * Reads {@code topic} from the beginning (all partitions, no group) until {@code count} records arrived;
     * fails if fewer arrived within {@code timeout}. Returns exactly the first {@code count} read.
     */
    public List<ConsumerRecord<String, String>> consume(String topic, int count, Duration timeout) {
        try (KafkaConsumer<String, String> consumer = consumer(null)) {
            long deadline = deadline(timeout);
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return pollUntil(consumer, count, deadline, topic);
        }
    }

    /**
     * Polls {@code consumer} (already subscribed or assigned) until {@code count} records arrived; fails if fewer
     * arrived by {@code timeout}.
     */
    public static List<ConsumerRecord<String, String>> consume(KafkaConsumer<String, String> consumer, int count,
                                                               Duration timeout) {
        return pollUntil(consumer, count, deadline(timeout), consumer.subscription().toString());
    }

    private static List<ConsumerRecord<String, String>> pollUntil(KafkaConsumer<String, String> consumer, int count,
                                                                  long deadline, String what) {
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        while (read.size() < count) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new AssertionError("Expected " + count + " records from " + what + " but read " + read.size()
                    + " in time");
            }
            consumer.poll(Duration.ofMillis(Math.min(left, 500))).forEach(read::add);
        }
        return List.copyOf(read.subList(0, count));
    }

    /** Waits until group {@code groupId} is {@code Stable} with {@code members} members; returns its description. */
    public ConsumerGroupDescription awaitGroupStable(String groupId, int members, Duration timeout) {
        long deadline = deadline(timeout);
        ConsumerGroupDescription[] last = new ConsumerGroupDescription[1];
        await(deadline, () -> {
            try {
                last[0] = admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId)
                    .get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                return false; // coordinator not loaded or moving: ask again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("Interrupted", e);
            }
            return last[0].groupState() == GroupState.STABLE && last[0].members().size() == members;
        }, "group " + groupId + " to be stable with " + members + " member(s)");
        return last[0];
    }

    /** A name no other test uses, for topics and groups: {@code prefix-} and a random suffix. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} at the deadline. */
    static void await(long deadlineNanos, BooleanSupplier condition, String what) {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadlineNanos) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            try {
                Thread.sleep(POLL_INTERVAL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("Interrupted waiting for " + what, e);
            }
        }
    }

    private static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    private static <T> T get(Future<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("Timed out " + what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted " + what, e);
        }
    }

    private static String names(Collection<TopicSpec> topics) {
        return topics.stream().map(TopicSpec::name).toList().toString();
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
