package io.haeryu.cluster;

import org.apache.kafka.common.KafkaException;

/** Thrown when registering a broker whose id is held by another live broker. */
public class BrokerIdInUseException extends KafkaException {
    public BrokerIdInUseException(String message) {
        super(message);
    }
}
