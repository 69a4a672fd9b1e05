package io.haeryu.cli;

import io.haeryu.json.Json;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "add-partitions", mixinStandardHelpOptions = true,
    description = "Grow a topic to a new total partition count (Kafka cannot shrink a topic).")
final class TopicAddPartitionsCommand extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--partitions", paramLabel = "N", required = true, description = "The new total number of partitions.")
    int partitions;

    @Override
    int run() throws Exception {
        try (Admin admin = client.admin()) {
            try {
                await(admin.createPartitions(Map.of(name, NewPartitions.increaseTo(partitions))).all());
            } catch (UnknownTopicOrPartitionException e) {
                throw Topics.notFound(admin, name);
            }
        }
        out().println(client.json() ? Json.write(Map.of("topic", name, "partitions", partitions))
            : "Topic " + name + " now has " + partitions + " partitions.");
        out().flush();
        return 0;
    }
}
