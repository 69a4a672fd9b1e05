package io.haeryu.bench.startup;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One start-up trial, in a JVM started for it alone so that class loading and JIT warm-up are part of the cost, as
 * they are for a test suite: start an in-process cluster of {@code brokers} brokers, create a topic of one partition
 * replicated to every broker, send one record with {@code acks=all} and wait for its acknowledgement; then, with the
 * cluster still running, collect garbage and read the heap, non-heap and resident memory. Prints one line of
 * {@code key=value} pairs for the benchmark script: times in ms since {@code main} was entered, the age of the
 * process, the CPU time it had used (all threads, user + system) and the classes it had loaded when the produce
 * was acknowledged, memory in MiB. On a shared, loaded machine the CPU time is the steadier measure of the work a
 * start-up takes.
 *
 * <p>The clients (one {@code Admin}, one producer) run in the same JVM, as in a user's test; their memory is part of
 * the heap figure on both sides.
 */
final class StartupTrial {

    /** An in-process cluster under test. */
    interface Cluster extends AutoCloseable {
        /** The bootstrap servers of the started cluster. */
        String bootstrapServers();
    }

    /** Starts a cluster of the given number of brokers and returns once clients may connect. */
    interface Starter {
        Cluster start(int brokers) throws Exception;
    }

    static final String TOPIC = "startup-bench";

    private StartupTrial() {
    }

    /** Parses {@code BROKERS} from {@code args}, runs the trial and prints its result line. */
    static void run(String name, long mainEnteredNanos, String[] args, Starter starter) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: " + name + " BROKERS");
        }
        int brokers = Integer.parseInt(args[0]);
        String result;
        long closeStart;
        try (Cluster cluster = starter.start(brokers)) {
            long started = System.nanoTime();
            Map<String, Object> common = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            try (Admin admin = Admin.create(common)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) brokers))).all().get(60, TimeUnit.SECONDS);
            }
            long topicCreated = System.nanoTime();
            RecordMetadata acked = produceOne(common);
            long produced = System.nanoTime();
            ProcessHandle.Info process = ProcessHandle.current().info();
            long processAgeMs = Duration.between(process.startInstant().orElseThrow(), Instant.now()).toMillis();
            long cpuMs = process.totalCpuDuration().orElseThrow().toMillis();
            long classes = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
            Memory memory = Memory.measure();
            result = String.format("impl=%s brokers=%d start_ms=%d topic_ms=%d first_produce_ms=%d process_age_ms=%d"
                    + " cpu_ms=%d classes_loaded=%d heap_used_mb=%.1f nonheap_used_mb=%.1f rss_mb=%.1f offset=%d",
                name, brokers, ms(mainEnteredNanos, started), ms(mainEnteredNanos, topicCreated),
                ms(mainEnteredNanos, produced), processAgeMs, cpuMs, classes, memory.heapUsedMb, memory.nonHeapUsedMb,
                memory.rssMb, acked.offset());
            closeStart = System.nanoTime();
        }
        System.out.println(result + " close_ms=" + ms(closeStart, System.nanoTime()));
    }

    private static RecordMetadata produceOne(Map<String, Object> common) throws Exception {
        Map<String, Object> props = new java.util.HashMap<>(common);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        try (KafkaProducer<byte[], byte[]> producer =
                 new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(TOPIC, "hello".getBytes(StandardCharsets.UTF_8)))
                .get(60, TimeUnit.SECONDS);
        }
    }

    private static long ms(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }

    /** Heap and non-heap in use after a full collection, and the resident set of the process. */
    private record Memory(double heapUsedMb, double nonHeapUsedMb, double rssMb) {
        static Memory measure() throws IOException {
            MemoryMXBean bean = ManagementFactory.getMemoryMXBean();
            System.gc();
            System.gc(); // the second one also frees what finalization/reference processing released
            return new Memory(mb(bean.getHeapMemoryUsage().getUsed()), mb(bean.getNonHeapMemoryUsage().getUsed()),
                rssKb() / 1024.0);
        }

        private static double mb(long bytes) {
            return bytes / (1024.0 * 1024.0);
        }

        /** VmRSS of /proc/self/status, in kB. */
        private static long rssKb() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            throw new IOException("no VmRSS in /proc/self/status");
        }
    }
}
