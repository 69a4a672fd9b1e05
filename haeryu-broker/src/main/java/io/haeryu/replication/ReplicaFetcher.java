package io.haeryu.replication;

import io.haeryu.cluster.BrokerRegistration;
import io.haeryu.config.Listener;
import io.haeryu.log.LeaderEpochFileCache;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the partitions this broker follows from one leader broker: one thread and one connection per leader, as
 * Kafka's replica fetcher with {@code num.replica.fetchers=1}. Each round is one Fetch (v12, the replica form: our
 * broker id, the leader epoch we know, and the epoch of our last batch) for every partition at its log end offset.
 *
 * <p>The fetch offset tells the leader what we have, which is how its high watermark advances; the leader's answer
 * carries records to append and its high watermark, or a diverging epoch when our tail was never committed under
 * the leader's history (KIP-320). Then we cut the log to where both histories agree, the smaller of the leader's
 * end offset for that epoch and ours, and fetch again; the leader checks again, so several rounds converge on the
 * common prefix.
 */
final class ReplicaFetcher implements Runnable, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicaFetcher.class);
    private static final short FETCH_VERSION = 12;
    /** Pause after a partition-level error such as an epoch the leader has not applied yet. */
    private static final long EPOCH_ERROR_BACKOFF_MS = 50;

    /** Fetch tuning, from the broker config, and the leader's listener to connect to (inter.broker.listener.name). */
    record Settings(int maxWaitMs, int maxBytesPerPartition, int maxBytes, long backoffMs, String listenerName) {
    }

    private final int localBrokerId;
    private final int leaderId;
    private final IntFunction<Optional<BrokerRegistration>> brokers;
    private final Settings settings;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final Thread thread;
    private final Object wakeup = new Object();
    private volatile boolean running = true;
    private Socket socket;
    private DataInputStream in;
    private OutputStream out;
    private int correlationId;

    ReplicaFetcher(int localBrokerId, int leaderId, IntFunction<Optional<BrokerRegistration>> brokers, Settings settings) {
        this.localBrokerId = localBrokerId;
        this.leaderId = leaderId;
        this.brokers = brokers;
        this.settings = settings;
        this.thread = new Thread(this, "haeryu-replica-fetcher-" + localBrokerId + "-from-" + leaderId);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void add(Partition partition) {
        partitions.put(partition.topicPartition(), partition);
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
    }

    void remove(TopicPartition tp) {
        partitions.remove(tp);
    }

    @Override
    public void run() {
        while (running) {
            try {
                if (partitions.isEmpty()) {
                    synchronized (wakeup) {
                        wakeup.wait(1000);
                    }
                    continue;
                }
                fetchOnce();
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("Fetching from broker {} failed: {}", leaderId, e.toString());
                disconnect();
                sleep(settings.backoffMs());
            }
        }
    }

    private void fetchOnce() throws IOException {
        Map<TopicPartition, Partition> round = new HashMap<>(partitions);
        Map<TopicPartition, Integer> epochs = new HashMap<>();
        LinkedHashMap<TopicPartition, FetchRequest.PartitionData> data = new LinkedHashMap<>();
        for (Partition p : round.values()) {
            int epoch = p.leaderEpoch();
            int lastFetchedEpoch = p.log().epochCache().latestEpoch();
            epochs.put(p.topicPartition(), epoch);
            data.put(p.topicPartition(), new FetchRequest.PartitionData(p.log().topicId(), p.log().logEndOffset(),
                p.log().logStartOffset(), settings.maxBytesPerPartition(), Optional.of(epoch),
                lastFetchedEpoch == LeaderEpochFileCache.UNDEFINED_EPOCH ? Optional.empty() : Optional.of(lastFetchedEpoch)));
        }
        FetchRequest request = FetchRequest.Builder.forReplica(FETCH_VERSION, localBrokerId, -1, settings.maxWaitMs(), 1, data)
            .setMaxBytes(settings.maxBytes()).build(FETCH_VERSION);
        FetchResponse response = send(request);
        if (response.error() != Errors.NONE) {
            throw new IOException("fetch failed: " + response.error());
        }
        boolean backOff = false;
        for (FetchResponseData.FetchableTopicResponse topic : response.data().responses()) {
            for (FetchResponseData.PartitionData pd : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.topic(), pd.partitionIndex());
                Partition partition = round.get(tp);
                if (partition == null || partitions.get(tp) != partition) {
                    continue; // stopped following it meanwhile
                }
                backOff |= !handle(partition, epochs.get(tp), pd);
            }
        }
        if (backOff) {
            sleep(EPOCH_ERROR_BACKOFF_MS);
        }
    }

    /** Applies one partition's answer; false if it was an error worth a pause. */
    private boolean handle(Partition partition, int fetchEpoch, FetchResponseData.PartitionData pd) {
        Errors error = Errors.forCode(pd.errorCode());
        if (error == Errors.OFFSET_OUT_OF_RANGE && partition.log().logEndOffset() > partition.log().highWatermark()) {
            // The leader cannot place our tail in its history (its epochs do not reach back to ours): keep only what
            // we know was committed, and let the next fetch check again from there.
            log.info("{}: fetch offset {} out of range at leader {}; truncating to the high watermark {}",
                partition.topicPartition(), partition.log().logEndOffset(), leaderId, partition.log().highWatermark());
            partition.truncateAsFollower(fetchEpoch, partition.log().highWatermark());
            return true;
        }
        if (error != Errors.NONE) {
            log.debug("Fetch of {} from broker {} answered {}", partition.topicPartition(), leaderId, error);
            return false;
        }
        Optional<FetchResponseData.EpochEndOffset> diverging = FetchResponse.divergingEpoch(pd);
        if (diverging.isPresent()) {
            FetchResponseData.EpochEndOffset leaderEnd = diverging.get();
            LeaderEpochFileCache.EpochOffset ours = partition.log().endOffsetForEpoch(leaderEnd.epoch());
            long target = ours.epoch() == LeaderEpochFileCache.UNDEFINED_EPOCH
                ? partition.log().highWatermark()
                : Math.min(leaderEnd.endOffset(), ours.offset());
            log.info("{} diverges from leader {} (its epoch {} ends at {}); truncating to {}", partition.topicPartition(),
                leaderId, leaderEnd.epoch(), leaderEnd.endOffset(), target);
            partition.truncateAsFollower(fetchEpoch, target);
            return true;
        }
        MemoryRecords records = (MemoryRecords) FetchResponse.recordsOrFail(pd);
        partition.appendAsFollower(fetchEpoch, records, pd.highWatermark());
        return true;
    }

    private FetchResponse send(FetchRequest request) throws IOException {
        ensureConnected();
        RequestHeader header = new RequestHeader(ApiKeys.FETCH, request.version(),
            "haeryu-replica-fetcher-" + localBrokerId, correlationId++);
        ByteBuffer payload = request.serializeWithHeader(header);
        ByteBuffer frame = ByteBuffer.allocate(4 + payload.remaining()).putInt(payload.remaining()).put(payload);
        out.write(frame.array(), 0, frame.position());
        out.flush();
        int size = in.readInt();
        if (size < 0) {
            throw new IOException("bad response size " + size);
        }
        byte[] body = new byte[size];
        in.readFully(body);
        return (FetchResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(body), header);
    }

    private void ensureConnected() throws IOException {
        if (socket != null) {
            return;
        }
        BrokerRegistration registration = brokers.apply(leaderId)
            .orElseThrow(() -> new IOException("broker " + leaderId + " is not registered"));
        Listener leader = registration.endpoint(settings.listenerName()).orElseThrow(() -> new IOException(
            "broker " + leaderId + " has no endpoint for inter-broker listener " + settings.listenerName()));
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(leader.host(), leader.port()), 10_000);
            s.setTcpNoDelay(true);
            // A fetch waits at most maxWaitMs at the leader; much longer means the leader is stuck or gone.
            s.setSoTimeout(settings.maxWaitMs() + 30_000);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        in = new DataInputStream(new java.io.BufferedInputStream(s.getInputStream(), 64 * 1024));
        out = s.getOutputStream();
        log.info("Broker {} fetching from leader {} at {}", localBrokerId, leaderId, leader);
    }

    private void disconnect() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        disconnect();
    }
}
