package io.haeryu.cli;

import io.haeryu.json.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List topics with partition counts.")
final class TopicListCommand extends ClientCommand {
    @Option(names = "--internal", description = "Include internal topics such as __consumer_offsets.")
    boolean internal;

    @Override
    int run() throws Exception {
        try (Admin admin = client.admin()) {
            var names = await(admin.listTopics(new ListTopicsOptions().listInternal(internal)).names());
            Map<String, TopicDescription> topics = new TreeMap<>(await(admin.describeTopics(names).allTopicNames()));
            if (client.json()) {
                List<Object> list = new ArrayList<>();
                topics.values().forEach(d -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("topic", d.name());
                    m.put("partitions", d.partitions().size());
                    m.put("replicationFactor", replicationFactor(d));
                    m.put("internal", d.isInternal());
                    list.add(m);
                });
                out().println(Json.write(Map.of("topics", list)));
                out().flush();
            } else {
                Table t = new Table("TOPIC", "PARTITIONS", "REPLICATION");
                topics.values().forEach(d -> t.row(d.name(), d.partitions().size(), replicationFactor(d)));
                t.print(out());
            }
        }
        return 0;
    }

    private static int replicationFactor(TopicDescription d) {
        return d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size();
    }
}
