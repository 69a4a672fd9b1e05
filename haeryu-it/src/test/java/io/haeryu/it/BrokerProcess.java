package io.haeryu.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * Runs one broker as a separate OS process on 127.0.0.1 and a free port, with its data in a temp dir.
 *
 * <p>By default the broker is Haeryu ({@code io.haeryu.cli.HaeryuCli server}) started from this JVM's classpath.
 * With system property or env {@code haeryu.it.impl=kafka} (env {@code HAERYU_IT_IMPL=kafka}) it starts real Apache
 * Kafka (KRaft, single combined node) from the jars of {@code shared/tools/kafka-reference/lib} instead, with the same
 * overrides: that is how the tests are validated against the reference implementation.
 */
public final class BrokerProcess implements TestBroker {

    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Pattern PORT_PLACEHOLDER = Pattern.compile("\\{port(?::([\\w.-]+))?}");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : LIVE) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }, "broker-process-reaper"));
    }

    private final Map<String, String> overrides;
    /** How a Haeryu broker is launched: the CLI main class with --override, with --config FILE, or bin/haeryu. */
    public enum Launch { OVERRIDES, CONFIG_FILE, README_LAUNCHER }

    private final Launch launch;
    private final boolean kafka;
    private final Path workDir;
    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final int controllerPort;
    /** Ports for {@code {port:NAME}} in override values, allocated on first use and kept across restarts. */
    private final Map<String, Integer> namedPorts = new ConcurrentHashMap<>();
    private Process process;
    private boolean formatted;
    private long lastStartMillis;
    private boolean lastStopForced;

    private BrokerProcess(Map<String, String> overrides, Launch launch) {
        this.overrides = new LinkedHashMap<>(overrides);
        this.launch = launch;
        this.kafka = "kafka".equalsIgnoreCase(setting("haeryu.it.impl", "HAERYU_IT_IMPL", "haeryu"));
        try {
            this.workDir = Files.createTempDirectory("haeryu-it-");
            this.dataDir = Files.createDirectories(workDir.resolve("data"));
            this.logFile = workDir.resolve("broker.log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.port = freePort();
        this.controllerPort = kafka ? freePort() : -1;
    }

    /** Starts a broker with the given Kafka-style config overrides and waits until it serves requests. */
    public static BrokerProcess start(Map<String, String> overrides) {
        return start(overrides, Launch.OVERRIDES);
    }

    /**
     * Like {@link #start(Map)}; {@link Launch#CONFIG_FILE} writes the whole config (listener, data dir, overrides)
     * to a properties file passed as {@code --config FILE}; {@link Launch#README_LAUNCHER} runs the README's
     * {@code bin/haeryu server} with {@code --override}s, exactly as a user would.
     */
    public static BrokerProcess start(Map<String, String> overrides, Launch launch) {
        return launched(new BrokerProcess(overrides, launch));
    }

    /**
     * Like {@link #start(Map)}, plus overrides computed from the port the broker will listen on before it starts
     * (e.g. {@code advertised.listeners} pointing at a proxy in front of that port); they win over {@code overrides}.
     */
    public static BrokerProcess start(Map<String, String> overrides, IntFunction<Map<String, String>> byPort) {
        BrokerProcess b = new BrokerProcess(overrides, Launch.OVERRIDES);
        b.overrides.putAll(byPort.apply(b.port));
        return launched(b);
    }

    private static BrokerProcess launched(BrokerProcess b) {
        try {
            b.launch();
        } catch (RuntimeException | Error e) {
            deleteRecursively(b.workDir); // the log tail is in the exception
            throw e;
        }
        return b;
    }

    public static BrokerProcess start() {
        return start(Map.of());
    }

    /**
     * A broker whose port and data dir are chosen but which is not launched yet: {@link #restart()} launches it, e.g.
     * from another thread while the test talks to {@link #port()} as soon as it accepts connections.
     */
    public static BrokerProcess prepare(Map<String, String> overrides) {
        return new BrokerProcess(overrides, Launch.OVERRIDES);
    }

    /** True when the tests run against real Apache Kafka processes instead of Haeryu. */
    public static boolean isKafkaImpl() {
        return "kafka".equalsIgnoreCase(setting("haeryu.it.impl", "HAERYU_IT_IMPL", "haeryu"));
    }

    @Override
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /**
     * The free port this broker substitutes for {@code {port:NAME}} in override values ({@code {port}} is
     * {@link #port()}), e.g. {@code listeners=PLAINTEXT://127.0.0.1:{port},INTERNAL://127.0.0.1:{port:internal}}:
     * each broker of a {@link TestCluster} gets its own.
     */
    public int port(String name) {
        return namedPorts.computeIfAbsent(name, n -> freePort());
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The OS process id of the running broker (for /proc inspection). */
    public long pid() {
        return process.pid();
    }

    /** The exit code of a process that ended (on its own, or stopped), or empty while it runs. */
    public java.util.OptionalInt exitCode() {
        return process == null || process.isAlive() ? java.util.OptionalInt.empty()
                : java.util.OptionalInt.of(process.exitValue());
    }

    /** Milliseconds from process launch until the port accepted connections and describeCluster succeeded. */
    public long lastStartMillis() {
        return lastStartMillis;
    }

    /** True when the last {@link #stop()} had to fall back to kill -9 because SIGTERM did not end the process. */
    public boolean lastStopForced() {
        return lastStopForced;
    }

    /** kill -9: no chance to flush or close anything. */
    public void kill9() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        waitFor(process, Duration.ofSeconds(30));
        LIVE.remove(process);
    }

    /** SIGSTOP: the process freezes (no heartbeats, no answers) until {@link #resume()}. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        runOrFail(List.of("kill", "-" + name, Long.toString(process.pid())));
    }

    /** SIGTERM, then waits for a clean exit (forcibly after 30 s). Returns the exit code. */
    public int stop() {
        if (process == null) {
            return 0;
        }
        Process p = process;
        p.destroy();
        lastStopForced = false;
        if (!waitFor(p, Duration.ofSeconds(30))) {
            lastStopForced = true;
            p.destroyForcibly();
            waitFor(p, Duration.ofSeconds(10));
        }
        LIVE.remove(p);
        return p.isAlive() ? -1 : p.exitValue();
    }

    /**
     * Starts the broker again on the same port and data dir (after {@link #kill9()} or {@link #stop()}), or for the
     * first time after {@link #prepare}.
     */
    public void restart() {
        if (isAlive()) {
            stop();
        }
        launch();
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            deleteRecursively(workDir);
        }
    }

    /** The last {@code lines} lines of the broker's log, for failure messages. */
    public String logTail(int lines) {
        try {
            if (!Files.exists(logFile)) {
                return "(no log)";
            }
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    @Override
    public String toString() {
        return (kafka ? "kafka" : "haeryu") + "@" + bootstrap() + " data=" + dataDir;
    }

    // ------------------------------------------------------------------------------------------------

    private void launch() {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.add("-Xmx512m");
        cmd.add("-XX:+UseSerialGC");
        if (kafka) {
            Path conf = writeKafkaConfig();
            Path lib = kafkaLib();
            if (!formatted) {
                runOrFail(List.of(javaBinary(), "-cp", lib + "/*", "kafka.tools.StorageTool", "format",
                        "-t", Uuid.randomUuid().toString(), "-c", conf.toString()));
                formatted = true;
            }
            cmd.add("-Dlog4j2.configurationFile=" + writeLog4j());
            cmd.addAll(List.of("-cp", lib + "/*", "kafka.Kafka", conf.toString()));
        } else {
            if (launch == Launch.README_LAUNCHER) {
                cmd.clear(); // the launcher picks the JVM and its options itself
                cmd.addAll(List.of(repoRoot().resolve("bin/haeryu").toString(), "server"));
            } else {
                cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.haeryu.cli.HaeryuCli", "server"));
            }
            if (launch == Launch.CONFIG_FILE) {
                Properties p = new Properties();
                p.putAll(haeryuConfig());
                Path conf = workDir.resolve("server.properties");
                try (var w = Files.newBufferedWriter(conf)) {
                    p.store(w, "generated by BrokerProcess");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                cmd.add("--config");
                cmd.add(conf.toString());
            } else {
                for (Map.Entry<String, String> e : haeryuConfig().entrySet()) {
                    cmd.add("--override");
                    cmd.add(e.getKey() + "=" + e.getValue());
                }
            }
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("HAERYU_HEAP_OPTS", "-Xmx512m");
        pb.environment().put("HAERYU_LOG_DIR", workDir.resolve("logs").toString()); // bin/haeryu's server.log
        pb
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        long t0 = System.nanoTime();
        try {
            String shown = String.join(" ", cmd).replace(System.getProperty("java.class.path"), "<test classpath>");
            Files.writeString(logFile, "=== launch " + shown + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start broker: " + cmd, e);
        }
        LIVE.add(process);
        try {
            awaitReady();
        } catch (RuntimeException | Error e) {
            String tail = logTail(60);
            kill9();
            throw new IllegalStateException("broker " + this + " did not become ready: " + e
                    + "\n--- tail of " + logFile + " ---\n" + tail, e);
        }
        lastStartMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    private Map<String, String> haeryuConfig() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("broker.id", "0");
        c.put("listeners", "PLAINTEXT://" + bootstrap());
        c.put("log.dirs", dataDir.toString());
        c.put("offsets.topic.replication.factor", "1"); // a single broker's groups, as the Kafka config below
        overrides.forEach((key, value) -> c.put(key, withPorts(value)));
        return c;
    }

    private String withPorts(String value) {
        return PORT_PLACEHOLDER.matcher(value)
                .replaceAll(r -> Integer.toString(r.group(1) == null ? port : port(r.group(1))));
    }

    private Path writeKafkaConfig() {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("listeners", "PLAINTEXT://" + bootstrap() + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + bootstrap());
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("log.dirs", dataDir.toString());
        p.setProperty("num.partitions", "3");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "3");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            switch (e.getKey()) {
                case "broker.id" -> p.setProperty("node.id", e.getValue());
                case "zookeeper.connect", "listeners", "log.dirs" -> { }
                default -> p.setProperty(e.getKey(), withPorts(e.getValue()));
            }
        }
        Path conf = workDir.resolve("server.properties");
        try (var w = Files.newBufferedWriter(conf)) {
            p.store(w, "generated by BrokerProcess");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return conf;
    }

    private Path writeLog4j() {
        Path f = workDir.resolve("log4j2.properties");
        try {
            Files.writeString(f, String.join("\n",
                    "status = error",
                    "appender.console.type = Console",
                    "appender.console.name = OUT",
                    "appender.console.layout.type = PatternLayout",
                    "appender.console.layout.pattern = [%d] %p %m (%c)%n",
                    "rootLogger.level = info",
                    "rootLogger.appenderRef.out.ref = OUT", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return f;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        // 1. the port accepts connections
        while (true) {
            checkAlive();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                break;
            } catch (IOException notYet) {
                sleepOrTimeout(deadline, 100, "port " + port + " never accepted connections");
            }
        }
        // 2. an AdminClient describeCluster succeeds
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "200");
        try (Admin admin = Admin.create(props)) {
            while (true) {
                checkAlive();
                try {
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000)).nodes().get(6, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    sleepOrTimeout(deadline, 200, "describeCluster never succeeded: " + notYet);
                }
            }
        }
    }

    private void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("broker process exited with code " + process.exitValue());
        }
    }

    private static void sleepOrTimeout(long deadline, long millis, String what) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("timed out after " + START_TIMEOUT.toSeconds() + " s: " + what);
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean waitFor(Process p, Duration d) {
        try {
            return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void runOrFail(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("failed: " + cmd + "\n" + logTail(30));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The project root: surefire runs in the module directory, haeryu-it/. */
    static Path repoRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        return Files.exists(dir.resolve("bin/haeryu")) ? dir : dir.getParent();
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** A system property, else an env var (under the property name or the upper-case one), else the default. */
    static String setting(String property, String env, String dflt) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(property);
        }
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    /** The Apache Kafka jars fetched by shared/tools/kafka-reference.sh. */
    static Path kafkaLib() {
        String explicit = setting("haeryu.it.kafkaLib", "HAERYU_IT_KAFKA_LIB", null);
        List<Path> candidates = new ArrayList<>();
        if (explicit != null) {
            candidates.add(Paths.get(explicit));
        }
        for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
            candidates.add(d.resolve("shared/tools/kafka-reference/lib"));
        }
        candidates.add(Paths.get("/work/shared/tools/kafka-reference/lib"));
        for (Path c : candidates) {
            try (Stream<Path> s = Files.exists(c) ? Files.list(c) : Stream.empty()) {
                if (s.anyMatch(f -> f.getFileName().toString().startsWith("kafka_2.13-"))) {
                    return c;
                }
            } catch (IOException ignored) {
                // next
            }
        }
        throw new IllegalStateException("Apache Kafka jars not found (looked in " + candidates
                + "); run shared/tools/kafka-reference.sh fetch or set HAERYU_IT_KAFKA_LIB");
    }

    /** True when something accepts TCP connections on 127.0.0.1:{@code port} (a ZooKeeper, a broker). */
    static boolean acceptsConnections(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
