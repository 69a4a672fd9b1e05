package io.haeryu.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Option;

/**
 * Connection options shared by every client subcommand (a picocli mixin), and the one place that turns them into
 * Admin, producer and consumer clients.
 *
 * <p>Precedence, lowest first: the CLI's short timeouts, the profile, the command's own flags (--acks, ...), then
 * {@code -X}. The bootstrap address: {@code -b}, else {@code -X bootstrap.servers}, else {@code HAERYU_BOOTSTRAP},
 * else the profile's {@code bootstrap.servers}, else localhost:9092.
 */
final class ClientOptions {
    /** Kafka's clients wait a minute for an absent cluster; a person at a terminal should hear back in seconds. */
    static final String DEFAULT_TIMEOUT_MS = "5000";

    enum Output { table, json }

    @Option(names = {"-b", "--bootstrap-server"}, paramLabel = "HOST:PORT",
        description = "Broker(s) to connect to. Default: $HAERYU_BOOTSTRAP, the profile's bootstrap.servers, "
            + "or localhost:9092.")
    String bootstrap;

    @Option(names = "-X", paramLabel = "KEY=VALUE",
        description = "Any Kafka client property, e.g. -X security.protocol=SASL_SSL (repeatable; wins over all else).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--profile", paramLabel = "FILE",
        description = "Properties file with connection settings. Default: ~/.config/haeryu/profile.properties if present.")
    Path profile;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "table",
        description = "table (for people) or json (one document, for scripts). Default: ${DEFAULT-VALUE}.")
    Output output;

    boolean json() {
        return output == Output.json;
    }

    /** The address(es) clients connect to, for messages as well as for the clients. */
    String bootstrap() {
        if (bootstrap != null) {
            return bootstrap;
        }
        String x = overrides.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        if (x != null) {
            return x;
        }
        String env = System.getenv("HAERYU_BOOTSTRAP");
        if (env != null && !env.isBlank()) {
            return env;
        }
        return profileProperties().getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
    }

    /** The effective value of a client property, for messages (e.g. the timeout that expired). */
    String effective(String key) {
        // Read from the layers directly: this runs while reporting a failure, which may be a bad setting itself.
        String v = overrides.get(key);
        if (v == null) {
            v = profileProperties().getProperty(key);
        }
        if (v == null && key.equals(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG)) {
            v = DEFAULT_TIMEOUT_MS;
        }
        return v;
    }

    Admin admin() {
        return Admin.create(merge(Map.of()));
    }

    KafkaProducer<byte[], byte[]> producer(Map<String, Object> commandSettings) {
        Map<String, Object> settings = new LinkedHashMap<>();
        // send() otherwise blocks for a minute waiting for metadata of an unreachable cluster.
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, DEFAULT_TIMEOUT_MS);
        Properties p = merge(settings, commandSettings);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> commandSettings) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Properties p = merge(settings, commandSettings);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private Properties merge(Map<String, Object> clientDefaults) {
        return merge(clientDefaults, Map.of());
    }

    private Properties merge(Map<String, Object> clientDefaults, Map<String, Object> commandSettings) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, DEFAULT_TIMEOUT_MS);
        p.putAll(clientDefaults);
        p.putAll(profileProperties());
        p.putAll(commandSettings);
        p.putAll(overrides);
        // The clients refuse a request timeout above the API timeout, so a lowered -X default.api.timeout.ms also
        // lowers the CLI's request timeout unless that was set too.
        String apiTimeout = String.valueOf(p.get(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG)).trim();
        try {
            p.putIfAbsent(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG,
                String.valueOf(Math.min(Long.parseLong(DEFAULT_TIMEOUT_MS), Long.parseLong(apiTimeout))));
        } catch (NumberFormatException e) {
            throw new ConfigException(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, apiTimeout, "Not a number");
        }
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, "haeryu-cli");
        return p;
    }

    private Properties profileProperties() {
        Path file = profile;
        if (file == null) {
            Path dflt = Path.of(System.getProperty("user.home"), ".config", "haeryu", "profile.properties");
            if (!Files.isRegularFile(dflt)) {
                return new Properties();
            }
            file = dflt;
        } else if (!Files.isRegularFile(file)) {
            throw new CliException(CliException.USAGE, "Profile " + file.toAbsolutePath() + " does not exist. "
                + "Create it with connection settings (bootstrap.servers=..., security.protocol=...) or drop --profile.");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new CliException(CliException.USAGE, "Cannot read profile " + file + ": " + e.getMessage());
        }
        return p;
    }
}
