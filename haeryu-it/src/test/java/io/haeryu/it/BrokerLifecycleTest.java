package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The process contract: --config FILE, a "started" log line, clean exit on SIGTERM, data and topics kept across a restart. */
@Timeout(180)
class BrokerLifecycleTest {

    @Test
    void logsStartedStopsOnSigtermAndKeepsDataAcrossRestart() throws Exception {
        // --config FILE here; every other test passes --override key=value
        try (BrokerProcess broker = BrokerProcess.start(Map.of("num.partitions", "3"), BrokerProcess.Launch.CONFIG_FILE)) {
            List<String> log = Files.readAllLines(broker.logFile());
            if (BrokerProcess.isKafkaImpl()) {
                assertThat(log).anyMatch(l -> l.contains("started"));
            } else {
                assertThat(log).as("a line with 'started' and the listener\n%s", broker.logTail(40))
                        .anyMatch(l -> l.contains("started") && l.contains(String.valueOf(broker.port())));
            }

            String topic = Clients.uniqueTopic("lifecycle");
            try (Admin admin = Clients.admin(broker.bootstrap())) {
                Clients.createTopic(admin, topic, 3);
            }
            try (KafkaProducer<String, String> p = Clients.producer(broker.bootstrap(), Map.of())) {
                for (int i = 0; i < 600; i++) {
                    p.send(new ProducerRecord<>(topic, "k" + (i % 9), "v" + i));
                }
                p.flush();
            }
            List<TopicPartition> tps = Clients.partitions(topic, 3);
            List<ConsumerRecord<String, String>> before = Clients.readAll(broker.bootstrap(), tps, Duration.ofSeconds(60));
            assertThat(before).hasSize(600);

            broker.stop();
            assertThat(broker.lastStopForced()).as("SIGTERM ended the broker within 30 s\n%s", broker.logTail(40))
                    .isFalse();
            assertThat(broker.isAlive()).isFalse();

            broker.restart();
            try (Admin admin = Clients.admin(broker.bootstrap())) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
                assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(topic).partitions()).hasSize(3);
            }
            List<ConsumerRecord<String, String>> after = Clients.readAll(broker.bootstrap(), tps, Duration.ofSeconds(60));
            assertThat(after).extracting(r -> r.partition() + "@" + r.offset() + "=" + r.key() + ":" + r.value())
                    .containsExactlyInAnyOrderElementsOf(before.stream()
                            .map(r -> r.partition() + "@" + r.offset() + "=" + r.key() + ":" + r.value()).toList());
        }
    }
}
