package io.haeryu.cli;

import io.haeryu.json.Json;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a topic and its data.")
final class TopicDeleteCommand extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run() throws Exception {
        try (Admin admin = client.admin()) {
            try {
                await(admin.deleteTopics(List.of(name)).all());
            } catch (UnknownTopicOrPartitionException e) {
                throw Topics.notFound(admin, name);
            }
        }
        out().println(client.json() ? Json.write(Map.of("deleted", name)) : "Deleted topic " + name + ".");
        out().flush();
        return 0;
    }
}
