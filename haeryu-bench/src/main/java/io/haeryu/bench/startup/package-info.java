/**
 * Start-up benchmark of in-process test clusters: one trial per fresh JVM, timing start cluster, create topic and
 * the first acknowledged produce, then measuring the memory the running cluster holds. {@link
 * io.haeryu.bench.startup.HaeryuStartupTrial} runs Haeryu; {@link io.haeryu.bench.startup.KafkaTestKitStartupTrial}
 * runs Apache Kafka's {@code KafkaClusterTestKit}; both share {@link io.haeryu.bench.startup.StartupTrial}.
 */
package io.haeryu.bench.startup;
