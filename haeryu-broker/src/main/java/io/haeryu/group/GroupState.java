package io.haeryu.group;

import java.util.EnumSet;
import java.util.Set;

/** The classic group protocol's states; {@link #toString()} is the name Kafka reports in DescribeGroups/ListGroups. */
public enum GroupState {
    /** No members; the group may still hold offsets. */
    EMPTY("Empty"),
    /** Waiting for members to (re)join before a new generation starts. */
    PREPARING_REBALANCE("PreparingRebalance"),
    /** A generation has started; waiting for the leader's assignment in SyncGroup. */
    COMPLETING_REBALANCE("CompletingRebalance"),
    /** Every member has its assignment and heartbeats. */
    STABLE("Stable"),
    /** Removed from the coordinator; nothing may use it any more. */
    DEAD("Dead");

    private final String kafkaName;

    GroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    /** The states from which a group may enter this one, as in Kafka's GroupMetadata. */
    Set<GroupState> validPrevious() {
        return switch (this) {
            case EMPTY -> EnumSet.of(PREPARING_REBALANCE);
            case PREPARING_REBALANCE -> EnumSet.of(STABLE, COMPLETING_REBALANCE, EMPTY);
            case COMPLETING_REBALANCE -> EnumSet.of(PREPARING_REBALANCE);
            case STABLE -> EnumSet.of(COMPLETING_REBALANCE);
            case DEAD -> EnumSet.of(STABLE, PREPARING_REBALANCE, COMPLETING_REBALANCE, EMPTY, DEAD);
        };
    }

    /** Parses a ListGroups states filter entry, ignoring case as Kafka does. */
    static GroupState fromKafkaName(String name) {
        for (GroupState state : values()) {
            if (state.kafkaName.equalsIgnoreCase(name)) {
                return state;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return kafkaName;
    }
}
