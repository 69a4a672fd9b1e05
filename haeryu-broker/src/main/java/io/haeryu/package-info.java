/** Haeryu: a Kafka-compatible event streaming broker. */
package io.haeryu;
