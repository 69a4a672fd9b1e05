package io.haeryu.cli;

import io.haeryu.json.Json;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Like kafka-consumer-groups --reset-offsets: prints the plan, and applies it only with --execute. */
@Command(name = "reset-offsets", mixinStandardHelpOptions = true,
    description = "Move a group's committed offsets on one topic. A dry run unless --execute.")
final class GroupResetOffsetsCommand extends ClientCommand {
    static final class Target {
        @Option(names = "--to-earliest", description = "The log start of each partition.")
        boolean earliest;

        @Option(names = "--to-latest", description = "The log end of each partition.")
        boolean latest;

        @Option(names = "--to-offset", paramLabel = "N", description = "Offset N (kept within log start..end).")
        Long offset;

        @Option(names = "--to-datetime", paramLabel = "ISO|MS", description = "The first record at or after this time.")
        String datetime;

        @Option(names = "--shift-by", paramLabel = "N", description = "Current offset plus N (negative moves back).")
        Long shiftBy;
    }

    @Parameters(paramLabel = "GROUP")
    String group;

    @Option(names = "--topic", paramLabel = "T", required = true)
    String topic;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--execute", description = "Apply the plan (the group must have no active members).")
    boolean execute;

    @Override
    int run() throws Exception {
        try (Admin admin = client.admin()) {
            TopicDescription t = Topics.describe(admin, topic);
            List<TopicPartition> tps = Topics.partitions(t);
            // A group that does not exist yet may be given offsets: that is how a new group starts mid-topic.
            ConsumerGroupDescription d = Groups.describeOrNull(admin, group);
            if (execute && d != null && !d.members().isEmpty()) {
                throw new CliException(CliException.FAILED, "Group " + group + " has " + d.members().size()
                    + " active member(s); offsets can only be reset while it is inactive. Stop its consumers and retry.");
            }
            Map<TopicPartition, OffsetAndMetadata> committed = d == null ? Map.of()
                : await(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
            Map<TopicPartition, Long> start = Topics.offsets(admin, tps, OffsetSpec.earliest());
            Map<TopicPartition, Long> end = Topics.offsets(admin, tps, OffsetSpec.latest());
            Map<TopicPartition, Long> byTime = target.datetime == null ? Map.of()
                : Topics.offsets(admin, tps, OffsetSpec.forTimestamp(ConsumeCommand.parseTime(target.datetime)));

            Map<TopicPartition, OffsetAndMetadata> plan = new LinkedHashMap<>();
            List<Map<String, Object>> rows = new ArrayList<>();
            Map<TopicPartition, Long> current = new HashMap<>();
            committed.forEach((tp, o) -> {
                if (o != null) {
                    current.put(tp, o.offset());
                }
            });
            for (TopicPartition tp : tps) {
                long lo = start.get(tp);
                long hi = end.get(tp);
                Long cur = current.get(tp);
                long target = newOffset(tp, cur, lo, hi, byTime);
                plan.put(tp, new OffsetAndMetadata(target));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("topic", tp.topic());
                row.put("partition", tp.partition());
                row.put("current", cur);
                row.put("new", target);
                rows.add(row);
            }
            if (execute) {
                await(admin.alterConsumerGroupOffsets(group, plan).all());
            }
            if (client.json()) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("group", group);
                doc.put("topic", topic);
                doc.put("executed", execute);
                doc.put("plan", rows);
                out().println(Json.write(doc));
            } else {
                Table table = new Table("TOPIC", "PARTITION", "CURRENT", "NEW");
                rows.forEach(r -> table.row(r.get("topic"), r.get("partition"), r.get("current"), r.get("new")));
                table.print(out());
                out().println(execute ? "Offsets of group " + group + " reset."
                    : "Dry run: nothing changed. Add --execute to apply.");
            }
            out().flush();
        }
        return 0;
    }

    private long newOffset(TopicPartition tp, Long current, long lo, long hi, Map<TopicPartition, Long> byTime) {
        long wanted;
        if (target.earliest) {
            wanted = lo;
        } else if (target.latest) {
            wanted = hi;
        } else if (target.offset != null) {
            wanted = target.offset;
        } else if (target.datetime != null) {
            Long o = byTime.get(tp);
            wanted = o == null || o < 0 ? hi : o; // no record that late: the end
        } else {
            // Without a committed offset there is nothing to shift from; start from the log start.
            wanted = (current == null ? lo : current) + target.shiftBy;
        }
        // Offsets outside the log would be reset again by the consumer's auto.offset.reset; clamp like Kafka does.
        return Math.max(lo, Math.min(hi, wanted));
    }
}
