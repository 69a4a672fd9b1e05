package io.haeryu.cli;

import io.haeryu.config.BrokerConfig;
import io.haeryu.config.EnvironmentConfig;
import io.haeryu.server.HaeryuServer;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code haeryu server}: runs one broker in the foreground until Ctrl-C or SIGTERM. Configs come from the file, then
 * (with {@code --env-config}) from {@code KAFKA_*} / {@code HAERYU_*} variables as the Kafka Docker images read
 * them ({@link EnvironmentConfig}), then from {@code --override}; each later source wins.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = {"Start a broker. Without --config it reads config/server.properties of the Haeryu install.",
        "bin/haeryu server -daemon runs it in the background (pid file and console output in the log dir, "
            + "$HAERYU_LOG_DIR or logs/); bin/haeryu stop stops it."})
final class ServerCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Broker config in Kafka's server.properties format.")
    Path configFile;

    @Option(names = "--override", paramLabel = "KEY=VALUE", description = "Set one config key (repeatable); wins over the file.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--env-config", description = "Also take configs from KAFKA_* and HAERYU_* environment variables "
        + "(KAFKA_LOG_DIRS is log.dirs; __ is _, ___ is -), as the Kafka Docker images do; HAERYU_* wins over "
        + "KAFKA_*, both win over the file, --override wins over both.")
    boolean envConfig;

    @Override
    public Integer call() throws Exception {
        Properties props = new Properties();
        Path file = configFile != null ? configFile : defaultConfig();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                System.err.println("Config file " + file.toAbsolutePath() + " does not exist. Pass --config FILE with a "
                    + "server.properties, or leave --config out to use Haeryu's defaults.");
                return 2;
            }
            try (Reader r = Files.newBufferedReader(file)) {
                props.load(r);
            }
        }
        Map<String, EnvironmentConfig.Entry> fromEnv =
            envConfig ? EnvironmentConfig.fromEnvironment(System.getenv()) : Map.of();
        for (EnvironmentConfig.Entry e : fromEnv.values()) {
            System.out.println("Config " + e.key() + " from the environment variable " + e.variable());
            props.setProperty(e.key(), e.value());
        }
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                System.err.println("--override expects KEY=VALUE, got '" + o + "'");
                return 2;
            }
            props.setProperty(o.substring(0, eq).trim(), o.substring(eq + 1).trim());
        }
        BrokerConfig config;
        try {
            config = new BrokerConfig(props);
        } catch (ConfigException e) {
            System.err.println("Invalid configuration" + (file != null ? " in " + file : "") + ": " + e.getMessage());
            fromEnv.values().stream().filter(v -> e.getMessage().contains(v.key())).forEach(v ->
                System.err.println(v.key() + " was set by the environment variable " + v.variable() + "."));
            System.err.println("Fix the key in the file, the environment or with --override KEY=VALUE, then start again.");
            return 2;
        }
        HaeryuServer server = new HaeryuServer(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "haeryu-shutdown"));
        try {
            server.start();
        } catch (Exception e) {
            System.err.println("Broker failed to start: " + e.getMessage());
            System.err.println("See the log above for details; check that the ports in 'listeners' are free and the log dirs are writable.");
            return 1;
        }
        stopped.await();
        return 0;
    }

    /** config/server.properties beside the launcher, when run through bin/haeryu. */
    private static Path defaultConfig() throws IOException {
        String home = System.getProperty("haeryu.home");
        if (home == null) {
            return null;
        }
        Path p = Path.of(home, "config", "server.properties");
        return Files.isRegularFile(p) ? p : null;
    }
}
