package io.haeryu.examples.spring;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** A tiny Spring Kafka application: greetings sent with a KafkaTemplate are received by a @KafkaListener. */
@SpringBootApplication
public class GreetingsApplication {

    public static final String TOPIC = "greetings";

    public static void main(String[] args) {
        SpringApplication.run(GreetingsApplication.class, args);
    }

    /** Keeps what it received, in order, for whoever wants to look. */
    @Component
    public static class GreetingsListener {
        private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

        @KafkaListener(topics = TOPIC, groupId = "greetings-app")
        void onGreeting(String greeting) {
            received.add(greeting);
        }

        public BlockingQueue<String> received() {
            return received;
        }
    }
}
