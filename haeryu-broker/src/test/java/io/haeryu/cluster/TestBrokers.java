package io.haeryu.cluster;

import io.haeryu.config.Listener;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/** Registrations for tests: one PLAINTEXT listener named PLAINTEXT, as a default broker has. */
public final class TestBrokers {

    private TestBrokers() {
    }

    public static BrokerRegistration plaintext(int id, String host, int port, String rack) {
        return new BrokerRegistration(id, List.of(new Listener("PLAINTEXT", host, port)),
            Map.of("PLAINTEXT", SecurityProtocol.PLAINTEXT), rack);
    }
}
