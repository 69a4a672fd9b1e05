/** Request handlers: one per Kafka API, turning decoded requests into responses using the log, cluster and group services. */
package io.haeryu.protocol;
