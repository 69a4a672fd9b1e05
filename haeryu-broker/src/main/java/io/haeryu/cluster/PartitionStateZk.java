package io.haeryu.cluster;

import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Conditional writes of {@code /brokers/topics/T/partitions/P/state}, the only two writers being the controller
 * (elections, removing dead brokers from the ISR) and the partition's leader (ISR shrink and expand). Every write is
 * conditional on the znode version just read, so of two racing writers one fails and re-decides on fresh state;
 * the controller's writes are further conditional on {@code /controller_epoch} still being its own, so a deposed
 * controller cannot overwrite its successor's decisions.
 */
public final class PartitionStateZk {

    private static final int MAX_ATTEMPTS = 10;

    /** A state as read, with the controller epoch that wrote it and the znode version to write against. */
    record Versioned(ZkPayloads.LeaderAndIsr state, int controllerEpoch, int version) {
    }

    private final CuratorFramework client;

    public PartitionStateZk(ZkMetadataStore store) {
        this.client = store.curator();
    }

    Versioned read(String topic, int partition) throws Exception {
        Stat stat = new Stat();
        byte[] data = client.getData().storingStatIn(stat).forPath(ZkPaths.partitionState(topic, partition));
        return new Versioned(ZkPayloads.decodeLeaderAndIsr(data), ZkPayloads.decodeStateControllerEpoch(data),
            stat.getVersion());
    }

    /**
     * The controller's write. Returns false if the znode changed since {@code expectedVersion} was read or the
     * controller epoch moved on (the caller re-reads, or stops being controller).
     */
    boolean writeAsController(String topic, int partition, ZkPayloads.LeaderAndIsr next, int expectedVersion,
                              int controllerEpoch, int controllerEpochZkVersion) throws Exception {
        try {
            client.transaction().forOperations(List.of(
                client.transactionOp().check().withVersion(controllerEpochZkVersion).forPath(ZkPaths.CONTROLLER_EPOCH),
                client.transactionOp().setData().withVersion(expectedVersion)
                    .forPath(ZkPaths.partitionState(topic, partition), ZkPayloads.leaderAndIsr(next, controllerEpoch))));
            return true;
        } catch (KeeperException.BadVersionException e) {
            return false;
        }
    }

    /** A topic's assignment znode as read, with its version. */
    record VersionedAssignment(ZkPayloads.TopicAssignment assignment, int version) {
    }

    VersionedAssignment readAssignment(String topic) throws Exception {
        Stat stat = new Stat();
        byte[] data = client.getData().storingStatIn(stat).forPath(ZkPaths.topic(topic));
        return new VersionedAssignment(ZkPayloads.decodeTopicAssignment(data), stat.getVersion());
    }

    /**
     * The controller's reassignment step: the topic's assignment and one partition's state in one transaction,
     * conditional on both versions just read and on the controller epoch. Returns false on a version conflict.
     */
    boolean writeAssignmentAsController(String topic, ZkPayloads.TopicAssignment assignment, int assignmentVersion,
                                        int partition, ZkPayloads.LeaderAndIsr next, int stateVersion,
                                        int controllerEpoch, int controllerEpochZkVersion) throws Exception {
        try {
            client.transaction().forOperations(List.of(
                client.transactionOp().check().withVersion(controllerEpochZkVersion).forPath(ZkPaths.CONTROLLER_EPOCH),
                client.transactionOp().setData().withVersion(assignmentVersion)
                    .forPath(ZkPaths.topic(topic), ZkPayloads.topicAssignment(assignment)),
                client.transactionOp().setData().withVersion(stateVersion)
                    .forPath(ZkPaths.partitionState(topic, partition), ZkPayloads.leaderAndIsr(next, controllerEpoch))));
            return true;
        } catch (KeeperException.BadVersionException e) {
            return false;
        }
    }

    /**
     * The leader's ISR change, written only while ZooKeeper still shows {@code leaderId} leading in
     * {@code leaderEpoch}; the controller epoch in the znode is kept.
     *
     * @return false if this broker no longer leads the partition in that epoch (its view is stale)
     */
    public boolean alterIsr(TopicPartition tp, int leaderId, int leaderEpoch, List<Integer> newIsr) {
        try {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                Versioned current = read(tp.topic(), tp.partition());
                if (current.state().leader() != leaderId || current.state().leaderEpoch() != leaderEpoch) {
                    return false;
                }
                if (current.state().isr().equals(newIsr)) {
                    return true;
                }
                try {
                    client.setData().withVersion(current.version()).forPath(ZkPaths.partitionState(tp.topic(), tp.partition()),
                        ZkPayloads.leaderAndIsr(new ZkPayloads.LeaderAndIsr(leaderId, leaderEpoch, newIsr),
                            current.controllerEpoch()));
                    return true;
                } catch (KeeperException.BadVersionException e) {
                    // The controller (or our own earlier write) got there first: decide again on fresh state.
                }
            }
            throw new KafkaException("ISR change of " + tp + " kept conflicting with concurrent writes");
        } catch (KafkaException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while changing the ISR of " + tp, e);
        } catch (Exception e) {
            throw new KafkaException("Could not change the ISR of " + tp + " in ZooKeeper: " + e, e);
        }
    }
}
