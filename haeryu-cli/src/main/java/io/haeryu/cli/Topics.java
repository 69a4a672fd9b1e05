package io.haeryu.cli;

import static io.haeryu.cli.ClientCommand.await;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Topic look-ups shared by the topic, consume and group commands. */
final class Topics {
    private Topics() {
    }

    /** Describes one topic; an unknown name becomes a not-found error that suggests close names. */
    static TopicDescription describe(Admin admin, String topic) throws Exception {
        try {
            return await(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
        } catch (UnknownTopicOrPartitionException e) {
            throw notFound(admin, topic);
        }
    }

    static CliException notFound(Admin admin, String topic) throws Exception {
        return Names.notFound("Topic", topic, await(admin.listTopics(new ListTopicsOptions().listInternal(true)).names()),
            "haeryu topic list");
    }

    static List<TopicPartition> partitions(TopicDescription d) {
        return d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())).toList();
    }

    /** Offsets of the given partitions for one spec (earliest, latest, by timestamp). */
    static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
            throws Exception {
        Map<TopicPartition, ListOffsetsResultInfo> r = await(admin.listOffsets(
            partitions.stream().collect(Collectors.toMap(Function.identity(), tp -> spec))).all());
        return r.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
}
