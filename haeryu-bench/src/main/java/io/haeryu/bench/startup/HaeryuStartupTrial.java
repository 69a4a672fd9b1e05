package io.haeryu.bench.startup;

import io.haeryu.test.HaeryuCluster;
import io.haeryu.test.HaeryuClusterOptions;

/**
 * The start-up trial on Haeryu's in-process test cluster, {@link HaeryuCluster} of {@code haeryu-test} with its test
 * defaults: an in-process ZooKeeper and {@code BROKERS} brokers on 127.0.0.1, ports chosen by the OS, data in a
 * temporary directory removed at close.
 *
 * <p>Usage: {@code HaeryuStartupTrial BROKERS}; run on a classpath with Haeryu and not Kafka's server.
 */
public final class HaeryuStartupTrial {

    private HaeryuStartupTrial() {
    }

    public static void main(String[] args) throws Exception {
        long entered = System.nanoTime();
        StartupTrial.run("haeryu", entered, args, brokers -> {
            HaeryuCluster cluster = HaeryuCluster.start(HaeryuClusterOptions.builder().brokers(brokers).build());
            return new StartupTrial.Cluster() {
                @Override
                public String bootstrapServers() {
                    return cluster.bootstrapServers();
                }

                @Override
                public void close() {
                    cluster.close();
                }
            };
        });
    }
}
