package io.haeryu.protocol;

/**
 * Completes a handler's future when the connection must be closed instead of answered: Kafka closes the
 * connection after a failed acks=0 produce, so the producer notices and refreshes its metadata.
 */
public final class CloseConnectionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CloseConnectionException(String reason) {
        super(reason, null, false, false);
    }
}
