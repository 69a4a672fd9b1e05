/** Cluster metadata in ZooKeeper (through Curator): broker registration, topics, partition state, the embedded ZooKeeper. */
package io.haeryu.cluster;
