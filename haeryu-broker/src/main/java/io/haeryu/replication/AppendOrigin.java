package io.haeryu.replication;

/**
 * Who appends to a partition (Kafka's AppendOrigin): a producer's request, a coordinator writing its own state
 * (allowed into internal topics such as {@code __consumer_offsets}), or replication (a follower copying the leader,
 * which {@link ReplicaFetcher} does through {@link Partition#appendAsFollower}, never
 * {@link ReplicaManager#appendRecords}).
 */
public enum AppendOrigin {
    CLIENT,
    COORDINATOR,
    REPLICATION
}
