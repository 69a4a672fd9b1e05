package io.haeryu.cli;

import io.haeryu.json.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.")
final class TopicCreateCommand extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--partitions", paramLabel = "N", description = "Default: the broker's num.partitions.")
    Integer partitions;

    @Option(names = {"--replicas", "--replication-factor"}, paramLabel = "R",
        description = "Default: the broker's default.replication.factor.")
    Short replicas;

    @Option(names = "--config", paramLabel = "KEY=VALUE", description = "Topic config, e.g. retention.ms=3600000 (repeatable).")
    Map<String, String> configs = new LinkedHashMap<>();

    @Override
    int run() throws Exception {
        NewTopic topic = new NewTopic(name, Optional.ofNullable(partitions), Optional.ofNullable(replicas)).configs(configs);
        try (Admin admin = client.admin()) {
            await(admin.createTopics(List.of(topic)).all());
            var d = Topics.describe(admin, name);
            int rf = d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size();
            if (client.json()) {
                out().println(Json.write(Map.of("topic", name, "partitions", d.partitions().size(), "replicationFactor", rf)));
            } else {
                out().println("Created topic " + name + " (" + d.partitions().size() + " partitions, replication factor "
                    + rf + ").");
            }
        } catch (TopicExistsException e) {
            throw new CliException(CliException.FAILED, "Topic '" + name + "' already exists. "
                + "See it with: haeryu topic describe " + name);
        }
        out().flush();
        return 0;
    }
}
