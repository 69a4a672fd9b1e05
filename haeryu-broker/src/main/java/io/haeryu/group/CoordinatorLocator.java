package io.haeryu.group;

import java.util.Optional;
import org.apache.kafka.common.Node;

/** Tells FindCoordinator which broker coordinates a group: the leader of its {@code __consumer_offsets} partition. */
public interface CoordinatorLocator {

    /**
     * The leader of {@code __consumer_offsets} partition {@code partition} as a node on listener
     * {@code listenerName}; empty when it has no leader right now or the leader lacks that listener.
     */
    Optional<Node> leaderOf(int partition, String listenerName);
}
