package io.haeryu.log;

/**
 * When idle idempotent producers are forgotten, as Kafka's {@code producer.id.expiration.ms} and
 * {@code producer.id.expiration.check.interval.ms}: every check interval, each log drops the state of producers whose
 * last batch's timestamp is at least the expiration time old. A forgotten producer that comes back is treated as
 * new (any sequence is accepted), so the state kept per partition stays bounded by the producers actually active.
 */
public record ProducerIdExpiration(long expirationMs, long checkIntervalMs) {
    /** Kafka's defaults: one day, checked every ten minutes. */
    private static final ProducerIdExpiration DEFAULTS = new ProducerIdExpiration(86_400_000L, 600_000L);

    public ProducerIdExpiration {
        if (expirationMs < 1 || checkIntervalMs < 1) {
            throw new IllegalArgumentException("producer id expiration and its check interval must be positive");
        }
    }

    public static ProducerIdExpiration defaults() {
        return DEFAULTS;
    }
}
