package io.haeryu.it;

import io.haeryu.it.FaultChecker.Ack;
import io.haeryu.it.FaultChecker.Write;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The fault suite's load: {@code producers} idempotent {@code acks=all} Java producers, each on its own thread,
 * sending to every partition in turn, key {@code k<partition>}, value {@code p<producer>-<partition>-<seq>} with a
 * sequence per producer and partition; every send handed to a producer is recorded as a {@link Write} with the
 * phase (nemesis) of the moment, every acknowledgement as an {@link Ack} (partition, offset). Sends are paced and
 * the records awaiting an answer bounded, so a long outage does not pile up memory.
 */
final class FaultWorkload implements AutoCloseable {

    private static final int MAX_UNANSWERED_PER_PRODUCER = 2_000;

    private final ConcurrentLinkedQueue<Write> writes = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final AtomicLong failures = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final List<KafkaProducer<String, String>> clients = new ArrayList<>();
    private volatile boolean running = true;

    FaultWorkload(String bootstrap, String topic, int partitions, int producers, long pauseMillis,
                  Supplier<String> phase) {
        for (int p = 0; p < producers; p++) {
            KafkaProducer<String, String> producer = Clients.producer(bootstrap, Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5",
                ProducerConfig.LINGER_MS_CONFIG, "5",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000",
                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "100"));
            clients.add(producer);
            int id = p;
            Thread t = new Thread(() -> run(producer, id, topic, partitions, pauseMillis, phase), "fault-load-" + p);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void run(KafkaProducer<String, String> producer, int id, String topic, int partitions, long pauseMillis,
                     Supplier<String> phase) {
        Semaphore unanswered = new Semaphore(MAX_UNANSWERED_PER_PRODUCER);
        long[] seq = new long[partitions];
        for (long i = 0; running; i++) {
            int partition = (int) (i % partitions);
            String value = "p" + id + "-" + partition + "-" + seq[partition];
            Write write = new Write(value, id, partition, seq[partition]++, phase.get());
            try {
                if (!unanswered.tryAcquire(30, TimeUnit.SECONDS)) {
                    continue; // the producer is stuck; check running and try again
                }
                producer.send(new ProducerRecord<>(topic, partition, "k" + partition, value), (md, e) -> {
                    unanswered.release();
                    if (e == null) {
                        acks.add(new Ack(value, md.partition(), md.offset()));
                    } else {
                        failures.incrementAndGet();
                    }
                });
                writes.add(write);
                Thread.sleep(pauseMillis); // pacing, not waiting for a condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                unanswered.release(); // not handed to the producer (e.g. metadata timeout): not a write
                failures.incrementAndGet();
            }
        }
    }

    long acked() {
        return acks.size();
    }

    long failures() {
        return failures.get();
    }

    List<Write> writes() {
        return List.copyOf(writes);
    }

    List<Ack> acks() {
        return List.copyOf(acks);
    }

    /** Stops sending, then gives the producers up to {@code grace} to get answers for what they hold. */
    void stop(Duration grace) throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(40));
        }
        for (KafkaProducer<String, String> c : clients) {
            c.close(grace);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (running) {
            stop(Duration.ofSeconds(5));
        }
    }
}
