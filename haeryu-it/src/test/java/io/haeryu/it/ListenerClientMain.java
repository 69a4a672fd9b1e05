package io.haeryu.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Run by {@link InterBrokerListenerTest} in its own JVM, whose hosts file ({@code -Djdk.net.hosts.file}) is the only
 * resolver that knows the client listener's advertised host. Args: {@code produce BOOTSTRAP TOPIC COUNT} (idempotent,
 * acks=all; prints {@code OK produced N}) or {@code consume BOOTSTRAP TOPIC PARTITIONS} (reads every partition from
 * the beginning to its end; prints {@code record VALUE} per record). Exits 1 with the reason on any failure.
 */
public final class ListenerClientMain {

    private ListenerClientMain() {
    }

    public static void main(String[] args) {
        try {
            String bootstrap = args[1];
            String topic = args[2];
            int n = Integer.parseInt(args[3]);
            if (args[0].equals("produce")) {
                produce(bootstrap, topic, n);
            } else {
                for (ConsumerRecord<String, String> r : Clients.readAll(bootstrap, Clients.partitions(topic, n),
                        Duration.ofSeconds(60))) {
                    System.out.println("record " + r.value());
                }
            }
        } catch (Throwable t) {
            System.out.println("FAIL " + t);
            t.printStackTrace(System.out);
            System.exit(1);
        }
        System.exit(0);
    }

    private static void produce(String bootstrap, String topic, int n) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try (KafkaProducer<String, String> producer = Clients.producer(bootstrap, Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"))) {
            for (int i = 0; i < n; i++) {
                acks.add(producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
        }
        System.out.println("OK produced " + acks.size());
    }
}
