package io.haeryu.it;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A group member in its own JVM, so a test can kill its process. Args: bootstrap group topic sessionTimeoutMs.
 * Prints {@code ASSIGNED gen p,p,...} after every poll whose assignment or generation changed and, after each
 * poll that returned records, {@code CONSUMED v1 v2 ...} (printed before that poll's commitSync).
 */
public final class GroupConsumerMain {

    private GroupConsumerMain() {
    }

    public static void main(String[] args) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.GROUP_ID_CONFIG, args[1]);
        cfg.put(ConsumerConfig.CLIENT_ID_CONFIG, "child");
        cfg.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, args[3]);
        cfg.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "300");
        cfg.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        try (KafkaConsumer<String, String> c = Clients.consumer(args[0], cfg)) {
            c.subscribe(List.of(args[2]), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    c.commitSync();
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                }
            });
            String last = "";
            while (true) {
                var records = c.poll(Duration.ofMillis(100));
                if (!records.isEmpty()) {
                    // reported before the commit: a kill between commit and print would otherwise hide records
                    // that were consumed and committed here
                    StringBuilder sb = new StringBuilder("CONSUMED");
                    records.forEach(r -> sb.append(' ').append(r.value()));
                    System.out.println(sb);
                    System.out.flush();
                    try {
                        c.commitSync();
                    } catch (org.apache.kafka.common.errors.RebalanceInProgressException retryAfterPoll) {
                        // as in Kafka: poll completes the rebalance (committing in onPartitionsRevoked), then retry
                    }
                }
                String now = "ASSIGNED " + c.groupMetadata().generationId() + " "
                        + String.join(",", c.assignment().stream().map(tp -> String.valueOf(tp.partition()))
                                .sorted().toList());
                if (!now.equals(last)) {
                    System.out.println(now);
                    last = now;
                }
                System.out.flush();
            }
        }
    }
}
