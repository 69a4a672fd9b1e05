/**
 * Replication in Kafka's model, on one broker: {@link io.haeryu.replication.ReplicaManager} makes this broker leader
 * or follower of each partition as cluster metadata says; a {@link io.haeryu.replication.Partition} as leader tracks
 * its followers' fetch offsets, moves the high watermark to the smallest log end in the ISR and asks for ISR changes
 * ({@code IsrManager} writes them to ZooKeeper conditionally); as follower it appends what a {@code ReplicaFetcher}
 * (one thread per leader broker) copies, truncating a divergent tail first. The replica manager is the one way to a
 * partition's data ({@code appendRecords}, {@code fetch}); what must wait (acks=all, fetch min.bytes, DeleteRecords)
 * waits as a {@link io.haeryu.replication.DelayedOperation} in a
 * {@link io.haeryu.replication.DelayedOperationPurgatory}.
 */
package io.haeryu.replication;
