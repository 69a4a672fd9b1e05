package io.haeryu.network;

import io.haeryu.protocol.ApiRegistry;
import io.haeryu.protocol.ApiVersionTable;
import io.haeryu.protocol.CloseConnectionException;
import io.haeryu.protocol.RequestContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.internal.OutOfDirectMemoryError;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per connection: parses each frame into a request, has it handled, and writes responses in the order the
 * requests arrived, however the handlers' futures complete. A request this broker cannot parse closes the
 * connection (as Kafka does), with a log line naming the client; other connections are unaffected.
 *
 * <p>Handlers run on the {@link RequestHandlerPool} (only {@link NetworkThreadApis} run here), one request of the
 * connection at a time and in arrival order, so an idempotent producer's batches are appended in the order sent.
 * Back-pressure as in Kafka's {@code Processor}: the connection stops reading (auto-read off) while
 * {@link #MAX_IN_FLIGHT} requests await their responses, while its outbound buffer is above the write-buffer high
 * water mark, and while the request queue is full; it reads again when those drain. So a client that sends without
 * reading fills its own socket buffers and blocks, and the broker's memory per connection stays bounded. A
 * response that cannot be allocated closes the connection with a log line instead of failing the broker.
 */
final class RequestDispatcher extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

    /** Requests of one connection read but not yet answered, beyond which it stops reading. */
    static final int MAX_IN_FLIGHT = 16;

    /** A request whose response has not been written yet. */
    private static final class Pending {
        final RequestHeader header;
        /** Set once the handler ran (on a handler thread, hence volatile); null while waiting for it. */
        volatile CompletableFuture<AbstractResponse> response;

        Pending(RequestHeader header) {
            this.header = header;
        }

        boolean answered() {
            CompletableFuture<AbstractResponse> r = response;
            return r != null && r.isDone();
        }
    }

    /** A parsed request waiting for its turn on a handler thread; holds the frame its records may point into. */
    private record Handling(Pending pending, ApiRegistry.Api api, RequestContext context, AbstractRequest request,
                            ByteBuf frame) {
    }

    private final ApiRegistry apis;
    private final RequestHandlerPool handlers;
    private final String listenerName;
    private final String connectionId;
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
    /** Requests not yet handed to a handler thread, in arrival order (event-loop confined, as all fields here). */
    private final ArrayDeque<Handling> toHandle = new ArrayDeque<>();
    /**
     * Frames that arrived after this connection stopped reading (the rest of one socket read, or all a peer sent
     * before closing): dispatched in order once there is room again, or once the peer has gone, so a request the
     * broker read is never dropped (an acks=0 producer closes right after its last send).
     */
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    /** A request of this connection is queued or running on a handler thread. */
    private boolean handling;
    /** The request queue was full: waiting for the pool's call-back. */
    private boolean waitingForQueue;
    private ChannelHandlerContext ctx;
    private InetSocketAddress remote;
    private String lastClientId = "?";

    RequestDispatcher(ApiRegistry apis, RequestHandlerPool handlers, String listenerName, String connectionId) {
        this.apis = apis;
        this.handlers = handlers;
        this.listenerName = listenerName;
        this.connectionId = connectionId;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        remote = (InetSocketAddress) ctx.channel().remoteAddress();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        if (!held.isEmpty() || !hasRoom()) {
            held.add(frame);
            return;
        }
        dispatchFrame(frame);
        handleNext();
        updateReading();
    }

    private void dispatchFrame(ByteBuf frame) {
        boolean queuedFrame = false;
        try {
            queuedFrame = dispatch(ctx, frame);
        } finally {
            if (!queuedFrame) {
                frame.release();
            }
        }
    }

    /**
     * Room for another request: few enough unanswered ones, queue space, and a writable socket (a closed one
     * writes nothing, so only the first two count for it).
     */
    private boolean hasRoom() {
        Channel channel = ctx.channel();
        return inFlight.size() < MAX_IN_FLIGHT && !waitingForQueue && (channel.isWritable() || !channel.isActive());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        updateReading();
        super.channelWritabilityChanged(ctx);
    }

    /** Parses the frame; true when it was queued for a handler (which then owns the frame). */
    private boolean dispatch(ChannelHandlerContext ctx, ByteBuf frame) {
        ByteBuffer buffer = frame.nioBuffer();
        RequestHeader header;
        try {
            header = RequestHeader.parse(buffer);
        } catch (RuntimeException e) {
            closeBadClient(ctx, "an unparseable request header (" + e.getMessage() + ")");
            return false;
        }
        lastClientId = header.clientId();
        ApiKeys key = header.apiKey();
        ApiRegistry.Api api = apis.get(key);
        if (api == null) {
            closeBadClient(ctx, "API " + key + " which this broker does not serve");
            return false;
        }
        RequestContext context = new RequestContext(header, connectionId, remote, listenerName);
        if (!api.supports(header.apiVersion())) {
            if (key == ApiKeys.API_VERSIONS) {
                // Clients probe with their newest version; the v0 answer tells them which versions to use.
                Pending pending = new Pending(header);
                pending.response = CompletableFuture.completedFuture(unsupportedApiVersions());
                inFlight.add(pending);
                drain();
                return false;
            }
            closeBadClient(ctx, key + " v" + header.apiVersion() + " (supported: v" + api.minVersion() + "-v"
                + api.maxVersion() + ")");
            return false;
        }
        AbstractRequest request;
        try {
            request = AbstractRequest.parseRequest(key, header.apiVersion(), new ByteBufferAccessor(buffer)).request;
        } catch (RuntimeException e) {
            closeBadClient(ctx, "a malformed " + key + " v" + header.apiVersion() + " request (" + e + ")");
            return false;
        }
        Pending pending = new Pending(header);
        inFlight.add(pending);
        toHandle.add(new Handling(pending, api, context, request, frame));
        return true;
    }

    /**
     * Hands the oldest waiting request to a handler unless one of this connection's requests is still being
     * handled; requests of {@link NetworkThreadApis} run right here when it is their turn.
     */
    private void handleNext() {
        while (!handling && !waitingForQueue && !toHandle.isEmpty()) {
            Handling next = toHandle.peek();
            if (NetworkThreadApis.handledOnNetworkThread(next.pending.header.apiKey())) {
                toHandle.poll();
                handle(next);
                drain();
                continue;
            }
            handling = true;
            boolean offered;
            try {
                offered = handlers.offerRequest(() -> handleOnPool(next), this::queueHasSpace);
            } catch (RejectedExecutionException e) {
                handling = false; // the broker is stopping: nothing more is handled
                clearQueues();
                return;
            }
            if (!offered) {
                handling = false;
                waitingForQueue = true;
                return;
            }
            toHandle.poll();
        }
    }

    private void queueHasSpace() {
        ctx.executor().execute(() -> {
            waitingForQueue = false;
            handleNext();
            updateReading();
        });
    }

    private void handleOnPool(Handling h) {
        try {
            handle(h);
        } catch (Throwable e) {
            // An Error out of a handler (handle() answers RuntimeExceptions): close rather than leave a gap in the
            // connection's ordered answers.
            log.error("{} handler failed for {}; closing the connection", h.pending.header.apiKey(), describe(), e);
            h.pending.response = CompletableFuture.failedFuture(new CloseConnectionException("handler failed"));
        } finally {
            ctx.executor().execute(() -> {
                handling = false;
                drain();
                handleNext();
                updateReading();
            });
        }
    }

    /** Runs the handler and records its future; a response completing later drains on the network thread. */
    private void handle(Handling h) {
        CompletableFuture<AbstractResponse> response;
        try {
            response = invoke(h.api, h.context, h.request);
        } catch (RuntimeException e) {
            log.error("{} handler failed for {}", h.pending.header.apiKey(), h.context.describeClient(), e);
            response = CompletableFuture.completedFuture(h.request.getErrorResponse(e));
        } finally {
            h.frame.release();
        }
        ApiKeys key = h.pending.header.apiKey();
        response = response.exceptionally(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof CloseConnectionException) {
                throw (CloseConnectionException) cause;
            }
            log.error("{} handler failed for {}", key, h.context.describeClient(), cause);
            return h.request.getErrorResponse(cause);
        });
        h.pending.response = response;
        if (!response.isDone()) {
            response.whenComplete((r, e) -> ctx.executor().execute(() -> {
                drain();
                updateReading();
            }));
        }
    }

    /**
     * Dispatches held frames while there is room, then reads while this connection has room: few enough
     * unanswered requests, a writable socket, queue space.
     */
    private void updateReading() {
        while (!held.isEmpty() && hasRoom()) {
            dispatchFrame(held.poll());
            handleNext();
        }
        Channel channel = ctx.channel();
        boolean read = held.isEmpty() && hasRoom();
        if (channel.config().isAutoRead() != read) {
            channel.config().setAutoRead(read);
        }
    }

    @SuppressWarnings("unchecked")
    private static CompletableFuture<AbstractResponse> invoke(ApiRegistry.Api api, RequestContext context,
                                                            AbstractRequest request) {
        return ((io.haeryu.protocol.RequestHandler<AbstractRequest>) api.handler()).handle(context, request);
    }

    private ApiVersionsResponse unsupportedApiVersions() {
        ApiVersionsResponseData data = new ApiVersionsResponseData()
            .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
            .setApiKeys(ApiVersionTable.of(apis));
        return new ApiVersionsResponse(data);
    }

    /** Writes every completed response at the head of the queue, preserving request order. */
    private void drain() {
        Channel channel = ctx.channel();
        boolean wrote = false;
        while (!inFlight.isEmpty() && inFlight.peek().answered()) {
            Pending p = inFlight.poll();
            if (p.response.isCompletedExceptionally()) {
                // The handler asked to close, as Kafka does after a failed acks=0 produce.
                ctx.flush();
                channel.close();
                clearQueues();
                return;
            }
            AbstractResponse response = p.response.join();
            if (response == null) {
                continue; // acks=0 produce: Kafka sends nothing back
            }
            if (!channel.isActive()) {
                continue;
            }
            short version = p.header.apiVersion();
            ApiKeys key = p.header.apiKey();
            // ApiVersions always answers with a v0 header, and at v0 when the client's version is unsupported.
            short bodyVersion = key == ApiKeys.API_VERSIONS && !apis.get(key).supports(version) ? 0 : version;
            short headerVersion = key.responseHeaderVersion(bodyVersion);
            List<Object> parts;
            try {
                parts = ResponseEncoder.encode(ctx.alloc(), p.header.correlationId(), headerVersion, response.data(),
                    bodyVersion);
            } catch (UnsupportedVersionException | IllegalArgumentException e) {
                log.error("Cannot encode {} v{} response for {}; closing the connection", key, version, describe(), e);
                channel.close();
                return;
            } catch (OutOfDirectMemoryError e) {
                log.warn("Closing connection from {}: no memory for its {} response ({} requests unanswered)",
                    describe(), key, inFlight.size() + 1);
                channel.close();
                return;
            }
            for (Object part : parts) {
                ctx.write(part, ctx.voidPromise());
            }
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }

    private String describe() {
        return "client '" + lastClientId + "' at " + remote + " (" + connectionId + ")";
    }

    private void closeBadClient(ChannelHandlerContext ctx, String what) {
        log.warn("Closing connection from {}: it sent {}", describe(), what);
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            log.warn("Closing connection from {}: request frame larger than socket.request.max.bytes ({})",
                describe(), cause.getMessage());
        } else if (cause instanceof CorruptedFrameException) {
            log.warn("Closing connection from {}: malformed frame ({})", describe(), cause.getMessage());
        } else if (cause instanceof java.io.IOException) {
            log.debug("Connection from {} failed: {}", describe(), cause.toString());
        } else {
            log.error("Closing connection from {} after an unexpected error", describe(), cause);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        // Requests already read are still handled, as Kafka's handlers process what its network threads queued (an
        // acks=0 producer closes its connection right after its last send); only their answers are dropped.
        handleNext();
        updateReading();
        super.channelInactive(ctx);
    }

    private void clearQueues() {
        inFlight.clear();
        for (ByteBuf frame : held) {
            frame.release();
        }
        held.clear();
        for (Handling h : toHandle) {
            h.frame.release();
        }
        toHandle.clear();
    }
}
