package io.haeryu.cli;

import io.haeryu.json.Json;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "describe", mixinStandardHelpOptions = true,
    description = "Partitions of a topic: leader, replicas, ISR, log start and end offsets, size on disk.")
final class TopicDescribeCommand extends ClientCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run() throws Exception {
        try (Admin admin = client.admin()) {
            TopicDescription d = Topics.describe(admin, name);
            List<TopicPartition> tps = Topics.partitions(d);
            Map<TopicPartition, Long> start = Topics.offsets(admin, tps, OffsetSpec.earliest());
            Map<TopicPartition, Long> end = Topics.offsets(admin, tps, OffsetSpec.latest());
            Map<TopicPartition, Long> sizes = sizes(admin, d);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (TopicPartitionInfo p : d.partitions()) {
                TopicPartition tp = new TopicPartition(name, p.partition());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("partition", p.partition());
                m.put("leader", p.leader() == null || p.leader().isEmpty() ? null : p.leader().id());
                m.put("replicas", ids(p.replicas()));
                m.put("isr", ids(p.isr()));
                m.put("logStartOffset", start.get(tp));
                m.put("logEndOffset", end.get(tp));
                m.put("sizeBytes", sizes.get(tp));
                rows.add(m);
            }
            if (client.json()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("topic", name);
                doc.put("topicId", d.topicId().toString());
                doc.put("internal", d.isInternal());
                doc.put("partitions", rows);
                out().println(Json.write(doc));
                out().flush();
            } else {
                out().println("Topic: " + name + "  id: " + d.topicId() + "  partitions: " + rows.size()
                    + (d.isInternal() ? "  (internal)" : ""));
                Table t = new Table("PARTITION", "LEADER", "REPLICAS", "ISR", "LOG-START", "LOG-END", "SIZE");
                for (Map<String, Object> m : rows) {
                    t.row(m.get("partition"), m.get("leader"), join(m.get("replicas")), join(m.get("isr")),
                        m.get("logStartOffset"), m.get("logEndOffset"), m.get("sizeBytes"));
                }
                t.print(out());
            }
        }
        return 0;
    }

    /**
     * Bytes on disk per partition from DescribeLogDirs. Brokers without that API (or without permission) leave the
     * map empty and the column shows '-': the size is a nicety, not worth failing the whole describe for.
     */
    private static Map<TopicPartition, Long> sizes(Admin admin, TopicDescription d) {
        List<Integer> brokers = d.partitions().stream()
            .flatMap(p -> p.replicas().stream()).map(Node::id).distinct().toList();
        Map<TopicPartition, Long> sizes = new HashMap<>();
        try {
            Map<Integer, Map<String, LogDirDescription>> dirs = await(admin.describeLogDirs(brokers).allDescriptions());
            for (Map<String, LogDirDescription> byDir : dirs.values()) {
                for (LogDirDescription dir : byDir.values()) {
                    dir.replicaInfos().forEach((tp, info) -> {
                        if (tp.topic().equals(d.name())) {
                            sizes.merge(tp, info.size(), Math::max);
                        }
                    });
                }
            }
        } catch (Exception e) {
            sizes.clear();
        }
        return sizes;
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    private static String join(Object ids) {
        return ((List<?>) ids).stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
