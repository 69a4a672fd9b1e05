package io.haeryu.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.haeryu.test.HaeryuClusterOptions;
import io.haeryu.test.HaeryuExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Spring Boot test: the application's KafkaTemplate and @KafkaListener against an in-process Haeryu whose
 * address {@code @DynamicPropertySource} hands to Spring. {@code @DirtiesContext} stops the application (and its
 * listener) before the extension stops the cluster.
 */
@SpringBootTest(properties = "spring.kafka.consumer.auto-offset-reset=earliest")
@DirtiesContext
class GreetingsApplicationTest {

    @RegisterExtension
    static final HaeryuExtension haeryu = HaeryuExtension.perClass(HaeryuClusterOptions.builder()
        .topic(GreetingsApplication.TOPIC, 1, 1).build());

    @DynamicPropertySource
    static void kafkaProperties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> haeryu.cluster().bootstrapServers());
    }

    @Autowired
    KafkaTemplate<String, String> template;

    @Autowired
    GreetingsApplication.GreetingsListener listener;

    @Test
    void listenerReceivesWhatTheTemplateSent() throws Exception {
        template.send(GreetingsApplication.TOPIC, "hello, Haeryu").get(30, TimeUnit.SECONDS);
        assertThat(listener.received().poll(30, TimeUnit.SECONDS)).isEqualTo("hello, Haeryu");
    }
}
