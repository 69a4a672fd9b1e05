package io.haeryu.cli;

import io.haeryu.json.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

@Command(name = "alter-config", mixinStandardHelpOptions = true,
    description = "Set or remove topic configs (removed keys fall back to the broker's defaults).")
final class TopicAlterConfigCommand extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set a config (repeatable).")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--delete", paramLabel = "KEY", description = "Remove a config override (repeatable).")
    List<String> delete = new ArrayList<>();

    @Override
    int run() throws Exception {
        if (set.isEmpty() && delete.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "Nothing to change: pass --set KEY=VALUE and/or --delete KEY.");
        }
        List<AlterConfigOp> ops = new ArrayList<>();
        set.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
        delete.forEach(k -> ops.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE)));
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        try (Admin admin = client.admin()) {
            try {
                await(admin.incrementalAlterConfigs(Map.of(resource, ops)).all());
            } catch (UnknownTopicOrPartitionException e) {
                throw Topics.notFound(admin, name);
            }
        }
        if (client.json()) {
            out().println(Json.write(Map.of("topic", name, "set", set, "deleted", delete)));
        } else {
            out().println("Updated configs of topic " + name + ".");
        }
        out().flush();
        return 0;
    }
}
