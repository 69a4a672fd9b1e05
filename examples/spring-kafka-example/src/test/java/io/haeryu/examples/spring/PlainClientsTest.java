package io.haeryu.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.haeryu.test.HaeryuBootstrap;
import io.haeryu.test.HaeryuTest;
import io.haeryu.test.HaeryuTestClients;
import io.haeryu.test.HaeryuTopic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The JUnit 5 extension with plain kafka-clients: no Spring here. */
@HaeryuTest(topics = @HaeryuTopic(name = "orders", partitions = 2))
class PlainClientsTest {

    @Test
    void producesAndConsumes(@HaeryuBootstrap String bootstrap, Admin admin) throws Exception {
        assertThat(admin.listTopics().names().get()).contains("orders");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.send(new ProducerRecord<>("orders", "o-1", "one book")).get();
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "order-readers",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of("orders"));
            List<ConsumerRecord<String, String>> read = HaeryuTestClients.consume(consumer, 1, Duration.ofSeconds(30));
            assertThat(read.get(0).key()).isEqualTo("o-1");
            assertThat(read.get(0).value()).isEqualTo("one book");
        }
    }
}
