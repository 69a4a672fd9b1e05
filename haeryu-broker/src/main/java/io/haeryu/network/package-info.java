/** The Netty server: Kafka request framing, header parsing, per-connection ordering of responses and zero-copy writes. */
package io.haeryu.network;
