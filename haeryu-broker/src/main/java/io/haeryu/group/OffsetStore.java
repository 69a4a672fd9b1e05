package io.haeryu.group;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** The committed offsets of every group of one coordinator partition, as replayed from its log. */
final class OffsetStore {

    private final Map<String, Map<TopicPartition, CommittedOffset>> offsetsByGroup = new HashMap<>();

    void put(String groupId, TopicPartition partition, CommittedOffset offset) {
        offsetsByGroup.computeIfAbsent(groupId, id -> new HashMap<>()).put(partition, offset);
    }

    void remove(String groupId, TopicPartition partition) {
        Map<TopicPartition, CommittedOffset> offsets = offsetsByGroup.get(groupId);
        if (offsets != null) {
            offsets.remove(partition);
            if (offsets.isEmpty()) {
                offsetsByGroup.remove(groupId);
            }
        }
    }

    CommittedOffset get(String groupId, TopicPartition partition) {
        return offsets(groupId).get(partition);
    }

    Map<TopicPartition, CommittedOffset> offsets(String groupId) {
        return Collections.unmodifiableMap(offsetsByGroup.getOrDefault(groupId, Map.of()));
    }
}
