package io.haeryu.cli;

import io.haeryu.json.Json;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "describe", mixinStandardHelpOptions = true,
    description = "Members and assignments of a group; committed offset, log end and lag per partition.")
final class GroupDescribeCommand extends ClientCommand {
    private static final Comparator<TopicPartition> ORDER =
        Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    @Parameters(paramLabel = "GROUP")
    String group;

    @Override
    int run() throws Exception {
        ConsumerGroupDescription d;
        Map<TopicPartition, OffsetAndMetadata> committed;
        Map<TopicPartition, Long> logEnd;
        try (Admin admin = client.admin()) {
            d = Groups.describe(admin, group);
            committed = new HashMap<>(await(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()));
            committed.values().removeIf(o -> o == null);
            Map<TopicPartition, String> owner = owners(d);
            TreeSet<TopicPartition> partitions = new TreeSet<>(ORDER);
            partitions.addAll(committed.keySet());
            partitions.addAll(owner.keySet());
            logEnd = partitions.isEmpty() ? Map.of() : Topics.offsets(admin, List.copyOf(partitions), OffsetSpec.latest());
            print(d, partitions, committed, logEnd, owner);
        }
        return 0;
    }

    @SuppressWarnings("unchecked") // the assignment cell is the List<String> put above
    private void print(ConsumerGroupDescription d, TreeSet<TopicPartition> partitions,
            Map<TopicPartition, OffsetAndMetadata> committed, Map<TopicPartition, Long> logEnd,
            Map<TopicPartition, String> owner) {
        List<Map<String, Object>> members = new ArrayList<>();
        for (MemberDescription m : d.members()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("memberId", m.consumerId());
            row.put("clientId", m.clientId());
            row.put("host", m.host());
            row.put("assignment", m.assignment().topicPartitions().stream().sorted(ORDER).map(TopicPartition::toString).toList());
            members.add(row);
        }
        List<Map<String, Object>> offsets = new ArrayList<>();
        long totalLag = 0;
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            Long end = logEnd.get(tp);
            Long lag = c != null && end != null ? Math.max(0, end - c.offset()) : null;
            totalLag += lag == null ? 0 : lag;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("topic", tp.topic());
            row.put("partition", tp.partition());
            row.put("committed", c == null ? null : c.offset());
            row.put("logEnd", end);
            row.put("lag", lag);
            row.put("member", owner.get(tp));
            offsets.add(row);
        }
        Node coordinator = d.coordinator();
        String coord = coordinator == null ? null : coordinator.id() + " (" + coordinator.host() + ":" + coordinator.port() + ")";
        if (client.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("group", d.groupId());
            doc.put("state", String.valueOf(d.groupState()));
            doc.put("coordinator", coordinator == null ? null : coordinator.id());
            doc.put("assignor", d.partitionAssignor());
            doc.put("members", members);
            doc.put("offsets", offsets);
            doc.put("totalLag", totalLag);
            out().println(Json.write(doc));
            out().flush();
            return;
        }
        out().println("Group: " + d.groupId() + "  state: " + d.groupState() + "  coordinator: " + coord
            + "  assignor: " + (d.partitionAssignor() == null || d.partitionAssignor().isEmpty() ? "-" : d.partitionAssignor())
            + "  members: " + members.size());
        if (!members.isEmpty()) {
            out().println();
            Table t = new Table("MEMBER", "CLIENT-ID", "HOST", "ASSIGNMENT");
            members.forEach(m -> t.row(m.get("memberId"), m.get("clientId"), m.get("host"),
                String.join(",", (List<String>) m.get("assignment"))));
            t.print(out());
        }
        out().println();
        Table t = new Table("TOPIC", "PARTITION", "COMMITTED", "LOG-END", "LAG", "MEMBER");
        offsets.forEach(o -> t.row(o.get("topic"), o.get("partition"), o.get("committed"), o.get("logEnd"), o.get("lag"),
            o.get("member")));
        t.print(out());
        out().println("Total lag: " + totalLag);
        out().flush();
    }

    private static Map<TopicPartition, String> owners(ConsumerGroupDescription d) {
        return d.members().stream().flatMap(m -> m.assignment().topicPartitions().stream()
                .map(tp -> Map.entry(tp, m.consumerId())))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a));
    }
}
