/** Broker configuration with Kafka's names, defaults and validation. */
package io.haeryu.config;
