package io.haeryu.cluster;

import org.apache.kafka.common.errors.PolicyViolationException;

/**
 * Kafka's cap on the partitions one request may create (KRaft's {@code ReplicationControlManager}, 10,000 per
 * CreateTopics or CreatePartitions request): a request over it is refused as a whole with POLICY_VIOLATION before
 * anything is planned, so an absurd count (say 2,000,000,000 partitions) costs nothing.
 *
 * <p>The count follows Kafka: for CreateTopics, each topic's explicit assignments, else its {@code numPartitions}
 * (-1 meaning {@code num.partitions}; other non-positive values count nothing, they are refused per topic later);
 * for CreatePartitions, each existing topic's increase (targets at or below the current count add nothing).
 * Sums are {@code long}, so no combination of int fields overflows past the check.
 */
public final class PartitionBatchLimit {

    /** Kafka's {@code MAX_PARTITIONS_PER_BATCH}. */
    public static final int MAX_PARTITIONS_PER_REQUEST = 10_000;

    private final String message;
    private final int defaultPartitions;
    private long total;

    private PartitionBatchLimit(String message, int defaultPartitions) {
        this.message = message;
        this.defaultPartitions = defaultPartitions;
    }

    /** A counter for the topics of one CreateTopics request; {@code defaultPartitions} is {@code num.partitions}. */
    public static PartitionBatchLimit forNewTopics(int defaultPartitions) {
        return new PartitionBatchLimit("Excessively large number of partitions per request.", defaultPartitions);
    }

    /** A counter for the topics of one CreatePartitions request. */
    public static PartitionBatchLimit forAddedPartitions() {
        return new PartitionBatchLimit("Excessively large number of additional partitions per request.", 0);
    }

    /**
     * Counts one CreateTopics topic.
     *
     * @param numPartitions the request's field (-1: the default)
     * @param assignments   the number of explicit replica assignments (0: none)
     * @throws PolicyViolationException once the request's total is over the limit
     */
    public void addNewTopic(int numPartitions, int assignments) {
        long partitions;
        if (assignments > 0) {
            partitions = assignments;
        } else if (numPartitions == -1) {
            partitions = defaultPartitions;
        } else {
            partitions = Math.max(0, numPartitions);
        }
        add(partitions);
    }

    /**
     * Counts one CreatePartitions topic.
     *
     * @param requestedCount the request's new total count
     * @param currentCount   the topic's partitions now
     * @throws PolicyViolationException once the request's total is over the limit
     */
    public void addGrowth(int requestedCount, int currentCount) {
        add(Math.max(0L, (long) requestedCount - currentCount));
    }

    private void add(long partitions) {
        total += partitions;
        if (total > MAX_PARTITIONS_PER_REQUEST) {
            throw new PolicyViolationException(message);
        }
    }
}
