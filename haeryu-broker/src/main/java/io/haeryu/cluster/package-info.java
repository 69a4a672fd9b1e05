/**
 * Cluster metadata in ZooKeeper (through Curator): broker registration, topics, partition state, topic configs,
 * producer id blocks, controller election, the controller, and the embedded ZooKeeper.
 *
 * <p>{@link io.haeryu.cluster.ZkMetadataStore} writes to ZooKeeper and serves reads from an immutable
 * {@link io.haeryu.cluster.MetadataImage} kept current by Curator caches. The znode layout is Kafka's
 * ZooKeeper-era one ({@code /cluster/id}, {@code /brokers/ids}, {@code /brokers/topics}, {@code /config/topics},
 * {@code /controller}, {@code /controller_epoch}, {@code /latest_producer_id_block}; see {@code ZkPaths}), plus
 * {@code /brokers/controlled_shutdown/<id>} for brokers asking to hand their leaderships over before stopping.
 * {@link io.haeryu.cluster.Controller} runs on the broker that won {@link io.haeryu.cluster.ControllerElection}
 * and elects partition leaders; it and partition leaders change partition state only through
 * {@link io.haeryu.cluster.PartitionStateZk}'s conditional writes.
 * {@link io.haeryu.cluster.ReplicaAssigner} and {@link io.haeryu.cluster.TopicNames} are pure functions.
 */
package io.haeryu.cluster;
