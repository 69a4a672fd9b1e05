package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that pipelines requests without ever reading the answers must not grow the broker's memory without
 * bound: like Kafka, the broker stops reading such a connection (its writes then block) or closes it, and keeps
 * serving everyone else (issue 9, reproduction 4: Kafka 4.4 grows by 9 MB and the sender blocks).
 */
@Timeout(240)
class ConnectionBackPressureTest {

    /** The bound from the issue: the broker's resident set may not grow by more than this. */
    private static final long MAX_RSS_GROWTH_BYTES = 300L * 1024 * 1024;
    /** The sender stops after this many requests even if it was never blocked (it then fails the test). */
    private static final long MAX_REQUESTS = 3_000_000;
    private static final Duration MAX_SEND_TIME = Duration.ofSeconds(60);
    /** No progress for this long means the sender's writes are blocked by the broker. */
    private static final Duration STALL = Duration.ofSeconds(3);

    @RegisterExtension
    static final SharedBroker broker = SharedBroker.withOverrides(Map.of("num.partitions", "1"));

    @Test
    void pipelinedApiVersionsWithoutReadingAreBackPressured() throws Exception {
        floodAndCheck(correlationId -> serialize(new ApiVersionsRequest.Builder().build((short) 3), correlationId));
    }

    @Test
    void pipelinedMetadataWithoutReadingAreBackPressured() throws Exception {
        broker.admin().createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("flooded", 8, (short) 1)))
            .all().get();
        floodAndCheck(correlationId -> serialize(
            new MetadataRequest.Builder(List.of("flooded"), false).build((short) 12), correlationId));
    }

    private void floodAndCheck(IntFunction<byte[]> frame) throws Exception {
        long pid = broker.process().pid();
        try (RawConnection warmup = new RawConnection(broker.bootstrap())) {
            warmup.apiVersions();
        }
        long baseline = rss(pid);
        // Many frames per write(): the sender is as fast as the socket allows.
        int perChunk = 1000;
        ByteBuffer chunkBuffer = ByteBuffer.allocate(perChunk * frame.apply(0).length + perChunk * 8);
        for (int i = 0; i < perChunk; i++) {
            chunkBuffer.put(frame.apply(i));
        }
        byte[] chunk = java.util.Arrays.copyOf(chunkBuffer.array(), chunkBuffer.position());

        AtomicLong sent = new AtomicLong();
        AtomicBoolean closedByBroker = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong peakRss = new AtomicLong(baseline);
        try (Socket flooder = connect()) {
            OutputStream out = flooder.getOutputStream();
            Thread sender = new Thread(() -> {
                long deadline = System.nanoTime() + MAX_SEND_TIME.toNanos();
                try {
                    while (!stop.get() && sent.get() < MAX_REQUESTS && System.nanoTime() < deadline) {
                        out.write(chunk);
                        sent.addAndGet(perChunk);
                    }
                } catch (IOException e) {
                    // Unless it is this test closing the socket under a blocked write at the end.
                    closedByBroker.set(!stop.get());
                }
            }, "flooder");
            sender.setDaemon(true);
            sender.start();

            // Back-pressure: the sender's writes stop making progress (or the broker closes the connection).
            long[] lastSent = {-1};
            long[] lastProgress = {System.nanoTime()};
            await().atMost(MAX_SEND_TIME.plusSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                peakRss.accumulateAndGet(rss(pid), Math::max);
                long now = System.nanoTime();
                long s = sent.get();
                if (s != lastSent[0]) {
                    lastSent[0] = s;
                    lastProgress[0] = now;
                }
                return closedByBroker.get() || !sender.isAlive() || now - lastProgress[0] > STALL.toNanos();
            });
            assertThat(closedByBroker.get() || sender.isAlive())
                .as("the broker let a client send %,d requests without reading any answer", sent.get())
                .isTrue();
            // While the flooder is stalled (still connected), the broker serves other clients.
            try (RawConnection other = new RawConnection(broker.bootstrap())) {
                assertThat(other.apiVersions().errorCode()).isZero();
                MetadataResponse metadata = other.call(new MetadataRequest.Builder(List.of(), true), (short) 12);
                assertThat(metadata.data().brokers()).extracting(MetadataResponseData.MetadataResponseBroker::port)
                    .contains(broker.process().port());
            }
            peakRss.accumulateAndGet(rss(pid), Math::max);
            stop.set(true);
            flooder.close();
            sender.join(10_000);
        }
        long growth = peakRss.get() - baseline;
        System.out.printf("flood: %,d requests sent, closed by broker: %s, broker RSS %,d -> peak %,d bytes%n",
            sent.get(), closedByBroker.get(), baseline, peakRss.get());
        assertThat(growth)
            .as("broker RSS grew from %,d to %,d bytes (%,d requests sent, closed by broker: %s)",
                baseline, peakRss.get(), sent.get(), closedByBroker.get())
            .isLessThan(MAX_RSS_GROWTH_BYTES);
        assertThat(broker.process().isAlive()).as("broker alive\n%s", broker.process().logTail(40)).isTrue();
        try (RawConnection after = new RawConnection(broker.bootstrap())) {
            assertThat(after.apiVersions().errorCode()).isZero();
        }
    }

    private Socket connect() throws IOException {
        String bootstrap = broker.bootstrap();
        int colon = bootstrap.lastIndexOf(':');
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(bootstrap.substring(0, colon),
            Integer.parseInt(bootstrap.substring(colon + 1))), 10_000);
        return socket;
    }

    private static byte[] serialize(AbstractRequest request, int correlationId) {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "flooder", correlationId);
        ByteBuffer payload = request.serializeWithHeader(header);
        ByteBuffer framed = ByteBuffer.allocate(4 + payload.remaining());
        framed.putInt(payload.remaining()).put(payload);
        return framed.array();
    }

    /** VmRSS of a process, in bytes. */
    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }
}
