package io.haeryu.it;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** A plain java.net.Socket speaking (or deliberately mis-speaking) the Kafka wire protocol. */
public final class RawConnection implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId = 1;

    public RawConnection(String bootstrap) throws IOException {
        this(bootstrap, Duration.ofSeconds(15));
    }

    /** Connects; each read waits at most {@code readTimeout} for the broker. */
    public RawConnection(String bootstrap, Duration readTimeout) throws IOException {
        int colon = bootstrap.lastIndexOf(':');
        socket = new Socket();
        socket.connect(new InetSocketAddress(bootstrap.substring(0, colon),
                Integer.parseInt(bootstrap.substring(colon + 1))), 10_000);
        socket.setSoTimeout((int) readTimeout.toMillis());
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Writes bytes exactly as given (no size prefix). */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Writes a 4-byte big-endian size followed by the payload. */
    public void sendFrame(byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 + payload.length);
        b.putInt(payload.length).put(payload);
        sendRaw(b.array());
    }

    public void sendFrame(ByteBuffer payload) throws IOException {
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        sendFrame(bytes);
    }

    /** Reads one size-prefixed response frame (without the size). */
    public ByteBuffer receiveFrame() throws IOException {
        int size = in.readInt();
        if (size < 0 || size > 64 * 1024 * 1024) {
            throw new IOException("bad response size " + size);
        }
        byte[] b = new byte[size];
        in.readFully(b);
        return ByteBuffer.wrap(b);
    }

    /**
     * True when the broker closes the connection (EOF or reset) within {@code within}; false when it stays open
     * that long. Any response bytes that arrive meanwhile are discarded.
     */
    public boolean closedByPeer(Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        byte[] buf = new byte[4096];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout((int) Math.max(1, left));
            try {
                if (in.read(buf) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (EOFException | SocketException e) {
                return true;
            }
        }
    }

    public int nextCorrelationId() {
        return correlationId++;
    }

    /** Serializes {@code builder} at {@code version}, sends it, and parses the matching response. */
    @SuppressWarnings("unchecked")
    public <R extends AbstractResponse> R call(AbstractRequest.Builder<?> builder, short version) throws IOException {
        AbstractRequest request = builder.build(version);
        RequestHeader header = new RequestHeader(request.apiKey(), version, "haeryu-it-raw", nextCorrelationId());
        sendFrame(request.serializeWithHeader(header));
        return (R) AbstractResponse.parseResponse(receiveFrame(), header);
    }

    /** Produces {@code records} to one partition (acks=all) and returns that partition's answer. */
    public ProduceResponseData.PartitionProduceResponse produce(short version, String topic, int partition,
                                                                MemoryRecords records) throws IOException {
        ProduceRequestData data = new ProduceRequestData()
            .setAcks((short) -1)
            .setTimeoutMs(15_000)
            .setTopicData(new ProduceRequestData.TopicProduceDataCollection(List.of(
                new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(List.of(
                    new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(records))))));
        ProduceResponse response = call(new ProduceRequest.Builder(version, version, data), version);
        List<ProduceResponseData.TopicProduceResponse> topics = List.copyOf(response.data().responses());
        if (topics.size() != 1 || topics.get(0).partitionResponses().size() != 1) {
            throw new AssertionError("expected one partition's answer, got " + response.data());
        }
        return topics.get(0).partitionResponses().get(0);
    }

    /** ApiVersions v3 (what current clients send first). */
    public ApiVersionsResponseData apiVersions() throws IOException {
        ApiVersionsResponse r = call(new ApiVersionsRequest.Builder(), (short) 3);
        return r.data();
    }

    /** The highest version of {@code api} that both the broker and this client library support, capped. */
    public short negotiatedVersion(ApiKeys api, short cap) throws IOException {
        ApiVersionsResponseData.ApiVersion v = apiVersions().apiKeys().find(api.id);
        if (v == null) {
            throw new AssertionError("broker does not advertise " + api);
        }
        return (short) Math.min(Math.min(v.maxVersion(), api.latestVersion()), cap);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
