package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The mutation fuzzer (issue 9): requests recorded from real clients (an idempotent producer, a consumer in a
 * group committing offsets, an admin creating, describing, altering, growing and deleting) are mutated
 * ({@link FrameMutator}) and replayed over raw sockets, one request at a time per connection, each followed by an
 * ApiVersions probe so the replayer knows when the broker is done with it; a connection the broker closes is
 * reopened. Before fuzzing, known records are written to a topic; afterwards the broker process must be alive,
 * serve a normal client, have stayed below an RSS bound, and every known record must be where it was with the
 * same bytes.
 *
 * <p>Sizes: {@code -Dhaeryu.fuzz.requests} (default 200,000) within {@code -Dhaeryu.fuzz.maxSeconds} (default
 * 120); {@code -Pfuzz-long} raises both. Replay: {@code -Dhaeryu.fuzz.seed=S -Dhaeryu.fuzz.corpus=FILE}, both
 * printed on failure (the corpus of every run is saved under {@code target/fuzz}).
 */
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class MutationFuzzTest {

    private static final String KNOWN = "KNOWN-DATA-7f3a";
    private static final int KNOWN_PARTITIONS = 2;
    private static final int KNOWN_RECORDS = 400;
    private static final int WORKERS = 4;
    private static final int PROBE_CORRELATION = 0x7eadbeef;
    private static final Duration STALL = Duration.ofSeconds(3);

    private static final long REQUESTS = Long.getLong("haeryu.fuzz.requests", 200_000);
    private static final long MAX_SECONDS = Long.getLong("haeryu.fuzz.maxSeconds", 120);
    private static final long RSS_BOUND_MB = Long.getLong("haeryu.fuzz.rssBoundMb", 512);

    private RecordingProxy proxy;
    private BrokerProcess broker;

    @AfterEach
    void stop() throws IOException {
        if (broker != null) {
            broker.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void mutatedClientRequestsNeitherKillTheBrokerNorChangeStoredRecords() throws Exception {
        long seed = Long.getLong("haeryu.fuzz.seed", new Random().nextLong());
        proxy = new RecordingProxy();
        broker = BrokerProcess.prepare(Map.of(
            "advertised.listeners", "PLAINTEXT://127.0.0.1:" + proxy.port(),
            "auto.create.topics.enable", "false",
            "num.partitions", "1",
            "group.initial.rebalance.delay.ms", "0"));
        proxy.forwardTo(broker.port());
        broker.restart();
        String direct = broker.bootstrap();
        String viaProxy = "127.0.0.1:" + proxy.port();

        List<ConsumerRecord<String, String>> known;
        try (Admin admin = Clients.admin(direct)) {
            admin.createTopics(List.of(new NewTopic(KNOWN, KNOWN_PARTITIONS, (short) 1),
                new NewTopic("scratch-a", 3, (short) 1), new NewTopic("scratch-b", 1, (short) 1),
                new NewTopic("scratch-doomed", 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            known = writeKnownRecords(direct);
        }
        Path corpusFile;
        List<byte[]> corpus;
        String replayCorpus = System.getProperty("haeryu.fuzz.corpus");
        if (replayCorpus != null) {
            corpusFile = Path.of(replayCorpus);
            corpus = readCorpus(corpusFile);
        } else {
            int before = proxy.frames().size();
            captureClientTraffic(viaProxy);
            List<byte[]> all = proxy.frames();
            corpus = new ArrayList<>(all.subList(before, all.size()));
            corpusFile = saveCorpus(corpus);
        }
        String replay = "seed " + seed + ", corpus " + corpusFile + " (" + corpus.size()
            + " frames); replay with -Dhaeryu.fuzz.seed=" + seed + " -Dhaeryu.fuzz.corpus=" + corpusFile;
        System.out.println("MutationFuzzTest: " + replay);

        FuzzRun run = new FuzzRun(new FrameMutator(corpus), seed, direct, broker.pid());
        run.execute();
        System.out.printf("MutationFuzzTest: %,d mutated requests in %d s (%,d connections closed by the broker, "
                + "%,d stalls over %d s), peak RSS %d MB, health checks %d%n", run.sent.get(),
            run.elapsedMillis / 1000, run.closes.get(), run.stalls.get(), STALL.toSeconds(), run.peakRssKb.get() / 1024,
            run.healthChecks.get());
        printLoggedProblems(broker.logFile());
        String context = replay + "\n--- last mutants: " + run.dumpLastMutants() + "\n--- broker log tail:\n"
            + broker.logTail(60);

        assertThat(broker.isAlive()).as("broker process alive; %s", context).isTrue();
        assertThat(run.healthFailures).as("health checks that failed; %s", context).isEmpty();
        assertThat(run.peakRssKb.get() / 1024).as("peak RSS MB; %s", context).isLessThan(RSS_BOUND_MB);
        assertThat(run.sent.get()).as("requests sent").isGreaterThanOrEqualTo(Math.min(REQUESTS, 20_000));

        // A normal client is served: a round trip on a fresh topic.
        try (Admin admin = Clients.admin(direct)) {
            String after = "after-fuzz";
            admin.createTopics(List.of(new NewTopic(after, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            try (KafkaProducer<String, String> p = Clients.producer(direct, Map.of())) {
                p.send(new ProducerRecord<>(after, "k", "v")).get(60, TimeUnit.SECONDS);
            }
            assertThat(Clients.readAll(direct, List.of(new TopicPartition(after, 0)), Duration.ofSeconds(60)))
                .extracting(ConsumerRecord::value).containsExactly("v");
            Map<TopicPartition, OffsetSpec> earliest = new LinkedHashMap<>();
            for (int p = 0; p < KNOWN_PARTITIONS; p++) {
                earliest.put(new TopicPartition(KNOWN, p), OffsetSpec.earliest());
            }
            admin.listOffsets(earliest).all().get(60, TimeUnit.SECONDS).values()
                .forEach(info -> assertThat(info.offset()).as("known topic's log start; %s", replay).isZero());
        }
        // Every known record is where it was, with the same bytes; the fuzzer may only have appended after them.
        List<TopicPartition> knownPartitions = Clients.partitions(KNOWN, KNOWN_PARTITIONS);
        List<ConsumerRecord<String, String>> reread = Clients.readAll(direct, knownPartitions, Duration.ofSeconds(60));
        Map<String, ConsumerRecord<String, String>> byPosition = new LinkedHashMap<>();
        reread.forEach(r -> byPosition.put(r.partition() + "@" + r.offset(), r));
        for (ConsumerRecord<String, String> k : known) {
            ConsumerRecord<String, String> now = byPosition.get(k.partition() + "@" + k.offset());
            assertThat(now).as("known record %s-%d still there; %s", k.partition(), k.offset(), replay).isNotNull();
            assertThat(describe(now)).as("known record unchanged; %s", replay).isEqualTo(describe(k));
        }
    }

    /**
     * The distinct WARN/ERROR lines the broker logged besides the expected "Closing connection" ones (timestamps and
     * numbers stripped), most frequent first: where to look for requests answered with an unexpected exception.
     */
    private static void printLoggedProblems(Path logFile) throws IOException {
        Map<String, Long> counts = new java.util.HashMap<>();
        AtomicLong closing = new AtomicLong();
        try (var lines = Files.lines(logFile, StandardCharsets.UTF_8)) {
            lines.filter(l -> l.contains(" ERROR ") || l.contains(" WARN ") || l.contains("Exception"))
                .filter(l -> !l.contains("Closing connection from client") || closing.incrementAndGet() < 0)
                .filter(l -> !l.contains("): it sent ")) // the rest of a closing line cut by a client id's newline
                .map(l -> l.replaceAll("^\\S+ ", "").replaceAll("[0-9]+", "N"))
                .map(l -> l.length() > 240 ? l.substring(0, 240) : l)
                .forEach(l -> counts.merge(l, 1L, Long::sum));
        }
        System.out.printf("MutationFuzzTest: %,d connections closed with a log line; other WARN/ERROR lines "
            + "(%d distinct):%n", closing.get(), counts.size());
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(25)
            .forEach(e -> System.out.printf("  %,8d  %s%n", e.getValue(), e.getKey()));
    }

    private static String describe(ConsumerRecord<String, String> r) {
        StringBuilder b = new StringBuilder().append(r.partition()).append('@').append(r.offset()).append(' ')
            .append(r.timestamp()).append(' ').append(r.timestampType()).append(' ').append(r.key()).append('=')
            .append(r.value());
        for (Header h : r.headers()) {
            b.append(' ').append(h.key()).append(':').append(HexFormat.of().formatHex(h.value()));
        }
        return b.toString();
    }

    /** Writes the known records and reads them back as a consumer sees them: the reference for the end. */
    private static List<ConsumerRecord<String, String>> writeKnownRecords(String bootstrap) throws Exception {
        List<RecordMetadata> acks = new ArrayList<>();
        try (KafkaProducer<String, String> p = Clients.producer(bootstrap, Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"))) {
            for (int i = 0; i < KNOWN_RECORDS; i++) {
                ProducerRecord<String, String> r = new ProducerRecord<>(KNOWN, i % KNOWN_PARTITIONS,
                    1_700_000_000_000L + i, "key-" + i, "value-" + i + "-" + "x".repeat(i % 50),
                    List.<Header>of(new RecordHeader("h", ("hv" + i).getBytes(StandardCharsets.UTF_8))));
                acks.add(p.send(r).get(60, TimeUnit.SECONDS));
            }
        }
        List<ConsumerRecord<String, String>> read = Clients.readAll(bootstrap,
            Clients.partitions(KNOWN, KNOWN_PARTITIONS), Duration.ofSeconds(60));
        assertThat(read).hasSize(KNOWN_RECORDS);
        assertThat(read).extracting(r -> r.partition() + "@" + r.offset())
            .containsExactlyInAnyOrderElementsOf(acks.stream().map(a -> a.partition() + "@" + a.offset()).toList());
        return read;
    }

    /** What real clients send, through the recording proxy. */
    private static void captureClientTraffic(String viaProxy) throws Exception {
        try (Admin admin = Clients.admin(viaProxy)) {
            // Creations and growth only validated, so that mutants of them rarely create real topics and logs.
            admin.createTopics(List.of(new NewTopic("scratch-new", 4, (short) 1).configs(Map.of("retention.ms", "60000",
                "cleanup.policy", "compact,delete")), new NewTopic("scratch-assigned", Map.of(0, List.of(0), 1, List.of(0)))),
                new CreateTopicsOptions().validateOnly(true)).all().get(60, TimeUnit.SECONDS);
            admin.createPartitions(Map.of("scratch-b", NewPartitions.increaseTo(3)),
                new CreatePartitionsOptions().validateOnly(true)).all().get(60, TimeUnit.SECONDS);
            admin.listTopics().names().get(60, TimeUnit.SECONDS);
            admin.describeTopics(List.of("scratch-a", "scratch-b")).allTopicNames().get(60, TimeUnit.SECONDS);
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "scratch-b");
            admin.describeConfigs(List.of(topic, new ConfigResource(ConfigResource.Type.BROKER, "0")))
                .all().get(60, TimeUnit.SECONDS);
            admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND),
                new AlterConfigOp(new ConfigEntry("segment.ms", ""), AlterConfigOp.OpType.DELETE))))
                .all().get(60, TimeUnit.SECONDS);
            admin.describeLogDirs(List.of(0)).allDescriptions().get(60, TimeUnit.SECONDS);
            admin.listPartitionReassignments().reassignments().get(60, TimeUnit.SECONDS);
            ignoreFailure(() -> admin.electLeaders(ElectionType.PREFERRED, java.util.Set.of(new TopicPartition("scratch-a", 0)))
                .all().get(60, TimeUnit.SECONDS));
            admin.deleteTopics(List.of("scratch-doomed")).all().get(60, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> p = Clients.producer(viaProxy, Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip",
                ProducerConfig.LINGER_MS_CONFIG, "5"))) {
            List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sent.add(p.send(new ProducerRecord<>("scratch-a", i % 3, "k" + i, "v" + i)));
            }
            for (var f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        try (KafkaProducer<String, String> p = Clients.producer(viaProxy, Map.of(ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false"))) {
            p.send(new ProducerRecord<>("scratch-b", "key", "plain")).get(60, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> c = Clients.consumer(viaProxy, Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "fuzz-group", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"))) {
            c.subscribe(List.of("scratch-a"));
            int got = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (got < 200 && System.nanoTime() < deadline) {
                got += c.poll(Duration.ofMillis(200)).count();
            }
            assertThat(got).isEqualTo(200);
            c.commitSync();
        }
        try (Admin admin = Clients.admin(viaProxy)) {
            admin.listGroups().all().get(60, TimeUnit.SECONDS);
            admin.describeConsumerGroups(List.of("fuzz-group")).all().get(60, TimeUnit.SECONDS);
            admin.listConsumerGroupOffsets("fuzz-group").partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
            TopicPartition a0 = new TopicPartition("scratch-a", 0);
            admin.deleteRecords(Map.of(a0, RecordsToDelete.beforeOffset(5))).all().get(60, TimeUnit.SECONDS);
            admin.listOffsets(Map.of(a0, OffsetSpec.earliest(), new TopicPartition("scratch-a", 1), OffsetSpec.latest(),
                new TopicPartition("scratch-a", 2), OffsetSpec.maxTimestamp())).all().get(60, TimeUnit.SECONDS);
            admin.describeProducers(List.of(a0)).all().get(60, TimeUnit.SECONDS);
            ignoreFailure(() -> admin.deleteConsumerGroups(List.of("fuzz-group")).all().get(60, TimeUnit.SECONDS));
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void ignoreFailure(Call call) throws Exception {
        try {
            call.run();
        } catch (ExecutionException e) {
            // the request was sent and recorded; its answer does not matter here
        }
    }

    private static Path saveCorpus(List<byte[]> corpus) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "fuzz"));
        Path file = dir.resolve("corpus-" + System.currentTimeMillis() + ".bin").toAbsolutePath();
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            for (byte[] frame : corpus) {
                out.writeInt(frame.length);
                out.write(frame);
            }
        }
        return file;
    }

    private static List<byte[]> readCorpus(Path file) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        while (b.hasRemaining()) {
            byte[] frame = new byte[b.getInt()];
            b.get(frame);
            frames.add(frame);
        }
        return frames;
    }

    /** The replay: worker threads with seeds derived from one seed, a health checker and an RSS sampler. */
    private static final class FuzzRun {

        private final FrameMutator mutator;
        private final long seed;
        private final String bootstrap;
        private final long pid;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong closes = new AtomicLong();
        final AtomicLong stalls = new AtomicLong();
        final AtomicLong peakRssKb = new AtomicLong();
        final AtomicLong healthChecks = new AtomicLong();
        final List<String> healthFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final List<ArrayDeque<String>> lastMutants = new ArrayList<>();
        private final AtomicBoolean done = new AtomicBoolean();
        long elapsedMillis;

        FuzzRun(FrameMutator mutator, long seed, String bootstrap, long pid) {
            this.mutator = mutator;
            this.seed = seed;
            this.bootstrap = bootstrap;
            this.pid = pid;
        }

        void execute() throws InterruptedException {
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(MAX_SECONDS);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                ArrayDeque<String> last = new ArrayDeque<>();
                lastMutants.add(last);
                Random random = new Random(seed + w);
                long quota = REQUESTS / WORKERS;
                threads.add(thread("fuzz-worker-" + w, () -> replay(random, quota, deadline, last)));
            }
            Thread monitor = thread("fuzz-monitor", this::monitor);
            for (Thread t : threads) {
                t.join();
            }
            done.set(true);
            monitor.join();
            elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }

        String dumpLastMutants() {
            StringBuilder b = new StringBuilder();
            for (int w = 0; w < lastMutants.size(); w++) {
                synchronized (lastMutants.get(w)) {
                    b.append("\nworker ").append(w).append(" (seed ").append(seed + w).append("):");
                    lastMutants.get(w).forEach(m -> b.append("\n  ").append(m));
                }
            }
            return b.toString();
        }

        private void replay(Random random, long quota, long deadline, ArrayDeque<String> last) {
            Socket socket = null;
            byte[] probe = probe();
            for (long i = 0; i < quota && System.nanoTime() < deadline; i++) {
                byte[] mutant = mutator.next(random);
                synchronized (last) {
                    if (last.size() == 5) {
                        last.removeFirst();
                    }
                    last.addLast("#" + i + " " + HexFormat.of().formatHex(mutant, 0, Math.min(mutant.length, 256)));
                }
                try {
                    if (socket == null) {
                        socket = connect();
                    }
                    OutputStream out = socket.getOutputStream();
                    byte[] both = new byte[mutant.length + probe.length];
                    System.arraycopy(mutant, 0, both, 0, mutant.length);
                    System.arraycopy(probe, 0, both, mutant.length, probe.length);
                    out.write(both);
                    out.flush();
                    sent.incrementAndGet();
                    awaitProbe(new DataInputStream(socket.getInputStream()));
                } catch (SocketTimeoutException e) {
                    stalls.incrementAndGet();
                    socket = closeQuietly(socket);
                } catch (IOException e) {
                    closes.incrementAndGet();
                    socket = closeQuietly(socket);
                }
            }
            closeQuietly(socket);
        }

        private Socket connect() throws IOException {
            int colon = bootstrap.lastIndexOf(':');
            Socket s = new Socket();
            s.connect(new InetSocketAddress(bootstrap.substring(0, colon), Integer.parseInt(bootstrap.substring(colon + 1))),
                10_000);
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) STALL.toMillis());
            return s;
        }

        /** Reads (and drops) responses until the probe's; EOF or reset mean the broker closed the connection. */
        private static void awaitProbe(DataInputStream in) throws IOException {
            while (true) {
                int size = in.readInt();
                if (size < 4) {
                    throw new IOException("response frame of " + size + " bytes");
                }
                int correlation = in.readInt();
                in.skipNBytes(size - 4);
                if (correlation == PROBE_CORRELATION) {
                    return;
                }
            }
        }

        /** ApiVersions v0 (header v1, empty body): every broker answers it, and in order. */
        private static byte[] probe() {
            byte[] clientId = "fuzz-probe".getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(4 + 2 + 2 + 4 + 2 + clientId.length);
            b.putInt(b.capacity() - 4).putShort((short) 18).putShort((short) 0).putInt(PROBE_CORRELATION)
                .putShort((short) clientId.length).put(clientId);
            return b.array();
        }

        private static Socket closeQuietly(Socket s) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            return null;
        }

        /** Every second: the broker's RSS; every few seconds: a fresh connection must get ApiVersions answered. */
        private void monitor() {
            int tick = 0;
            while (!done.get()) {
                peakRssKb.accumulateAndGet(rssKb(), Math::max);
                if (tick++ % 3 == 0) {
                    healthChecks.incrementAndGet();
                    try (RawConnection c = new RawConnection(bootstrap)) {
                        if (c.apiVersions().errorCode() != 0) {
                            healthFailures.add("ApiVersions error at check " + healthChecks.get());
                        }
                    } catch (IOException | RuntimeException e) {
                        healthFailures.add("health check " + healthChecks.get() + ": " + e);
                    }
                }
                try {
                    Thread.sleep(1000); // a sampling period, not a wait for a condition
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            peakRssKb.accumulateAndGet(rssKb(), Math::max);
        }

        private long rssKb() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // the process is gone: the liveness assertion reports it
            }
            return 0;
        }

        private static Thread thread(String name, Runnable r) {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.start();
            return t;
        }
    }
}
