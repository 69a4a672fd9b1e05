/**
 * Haeryu in users' tests: {@link io.haeryu.test.HaeryuCluster} starts brokers and ZooKeeper inside the test JVM,
 * {@link io.haeryu.test.HaeryuTestClients} has the produce/consume/wait steps, and
 * {@link io.haeryu.test.HaeryuExtension} with {@link io.haeryu.test.HaeryuTest} gives JUnit 5 tests a cluster per
 * class or per method. No Spring dependency: Spring tests set {@code spring.kafka.bootstrap-servers} from
 * {@link io.haeryu.test.HaeryuCluster#bootstrapServers()}.
 */
package io.haeryu.test;
