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
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * One per connection: parses each frame into a request, hands it to the API's handler, and writes responses in
 * the order the requests arrived, however the handlers' futures complete. A request this broker cannot parse
 * closes the connection (as Kafka does), with a log line naming the client; other connections are unaffected.
 */
final class RequestDispatcher extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

    /** A request whose response has not been written yet. */
    private static final class Pending {
        final RequestHeader header;
        final CompletableFuture<AbstractResponse> response;

        Pending(RequestHeader header, CompletableFuture<AbstractResponse> response) {
            this.header = header;
            this.response = response;
        }
    }

    private final ApiRegistry apis;
    private final String listenerName;
    private final String connectionId;
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
    private InetSocketAddress remote;
    private String lastClientId = "?";

    RequestDispatcher(ApiRegistry apis, String listenerName, String connectionId) {
        this.apis = apis;
        this.listenerName = listenerName;
        this.connectionId = connectionId;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        remote = (InetSocketAddress) ctx.channel().remoteAddress();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            dispatch(ctx, frame.nioBuffer());
        } finally {
            frame.release();
        }
    }

    private void dispatch(ChannelHandlerContext ctx, ByteBuffer buffer) {
        RequestHeader header;
        try {
            header = RequestHeader.parse(buffer);
        } catch (RuntimeException e) {
            closeBadClient(ctx, "an unparseable request header (" + e.getMessage() + ")");
            return;
        }
        lastClientId = header.clientId();
        ApiKeys key = header.apiKey();
        ApiRegistry.Api api = apis.get(key);
        if (api == null) {
            closeBadClient(ctx, "API " + key + " which this broker does not serve");
            return;
        }
        RequestContext context = new RequestContext(header, connectionId, remote, listenerName);
        if (!api.supports(header.apiVersion())) {
            if (key == ApiKeys.API_VERSIONS) {
                // Clients probe with their newest version; the v0 answer tells them which versions to use.
                enqueue(ctx, header, CompletableFuture.completedFuture(unsupportedApiVersions()));
                return;
            }
            closeBadClient(ctx, key + " v" + header.apiVersion() + " (supported: v" + api.minVersion() + "-v"
                + api.maxVersion() + ")");
            return;
        }
        AbstractRequest request;
        try {
            request = AbstractRequest.parseRequest(key, header.apiVersion(), new ByteBufferAccessor(buffer)).request;
        } catch (RuntimeException e) {
            closeBadClient(ctx, "a malformed " + key + " v" + header.apiVersion() + " request (" + e + ")");
            return;
        }
        CompletableFuture<AbstractResponse> response;
        try {
            response = invoke(api, context, request);
        } catch (RuntimeException e) {
            log.error("{} handler failed for {}", key, context.describeClient(), e);
            response = CompletableFuture.completedFuture(request.getErrorResponse(e));
        }
        enqueue(ctx, header, response.exceptionally(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof CloseConnectionException) {
                throw (CloseConnectionException) cause;
            }
            log.error("{} handler failed for {}", key, context.describeClient(), cause);
            return request.getErrorResponse(cause);
        }));
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

    private void enqueue(ChannelHandlerContext ctx, RequestHeader header, CompletableFuture<AbstractResponse> response) {
        Pending pending = new Pending(header, response);
        inFlight.add(pending);
        if (response.isDone()) {
            drain(ctx);
        } else {
            response.whenComplete((r, e) -> ctx.executor().execute(() -> drain(ctx)));
        }
    }

    /** Writes every completed response at the head of the queue, preserving request order. */
    private void drain(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        boolean wrote = false;
        while (!inFlight.isEmpty() && inFlight.peek().response.isDone()) {
            Pending p = inFlight.poll();
            if (p.response.isCompletedExceptionally()) {
                // The handler asked to close, as Kafka does after a failed acks=0 produce.
                ctx.flush();
                channel.close();
                inFlight.clear();
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
        inFlight.clear();
        super.channelInactive(ctx);
    }
}
