package io.haeryu.bench.startup;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * The start-up trial on Apache Kafka's in-process test cluster, {@code KafkaClusterTestKit} of Kafka 4.4 (KRaft,
 * the way Kafka's own integration tests and {@code @EmbeddedKafka} start it: format, start-up, wait for the brokers
 * to be ready). One broker is one combined broker+controller node; more brokers get one separate controller.
 *
 * <p>Usage: {@code KafkaTestKitStartupTrial BROKERS}; run on a classpath with Kafka's test kit and not Haeryu.
 */
public final class KafkaTestKitStartupTrial {

    private KafkaTestKitStartupTrial() {
    }

    public static void main(String[] args) throws Exception {
        long entered = System.nanoTime();
        StartupTrial.run("kafka-testkit", entered, args, brokers -> {
            TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(brokers == 1)
                .setNumBrokerNodes(brokers)
                .setNumControllerNodes(1)
                .build();
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes).build();
            try {
                cluster.format();
                cluster.startup();
                cluster.waitForReadyBrokers();
            } catch (Exception | Error e) {
                cluster.close();
                throw e;
            }
            return new StartupTrial.Cluster() {
                @Override
                public String bootstrapServers() {
                    return cluster.bootstrapServers();
                }

                @Override
                public void close() throws Exception {
                    cluster.close();
                }
            };
        });
    }
}
