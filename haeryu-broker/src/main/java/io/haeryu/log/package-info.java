/** Partition storage: segmented append-only logs in Kafka's v2 record-batch format, indexes, recovery and retention. */
package io.haeryu.log;
