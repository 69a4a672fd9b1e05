package io.haeryu.group;

import java.util.Optional;
import org.apache.kafka.common.Node;

/** Tells FindCoordinator which broker coordinates a group: the leader of its {@code __consumer_offsets} partition. */
public interface CoordinatorLocator {

    /** The leader of {@code __consumer_offsets} partition {@code partition}, or empty when it has none right now. */
    Optional<Node> leaderOf(int partition);
}
