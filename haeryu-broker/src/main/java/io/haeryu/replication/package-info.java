/** Partition leadership on this broker: appends with acks, high watermarks, waiting fetches; later, follower replication. */
package io.haeryu.replication;
