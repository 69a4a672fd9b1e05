package io.haeryu.network;

import io.haeryu.config.Listener;
import io.haeryu.protocol.ApiRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts client connections on every configured listener. Uses epoll where the native transport loads (Linux),
 * NIO elsewhere. The event-loop threads ({@code num.network.threads}) read requests and write responses; the
 * handlers run on the {@link RequestHandlerPool}, one request of a connection at a time and in arrival order
 * (which idempotent producers rely on). The {@link RequestDispatcher} holds the frames of a read that arrive after
 * a connection stopped reading, so its back-pressure takes effect at once, and handles them even if the peer
 * closes meanwhile.
 *
 * <p>As Kafka's {@code SocketServer}, start-up is two steps: {@link #start} binds every listener (so the broker can
 * register the ports it really got) but accepts nothing; {@link #enableRequestProcessing} starts accepting once the
 * broker has started. Clients connecting in between wait in the listen backlog and are served then, so no request
 * is answered from a metadata view that does not yet list this broker.
 */
public final class SocketServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SocketServer.class);

    /** Socket settings taken from the broker config. */
    public record Settings(int maxRequestBytes, int sendBufferBytes, int receiveBufferBytes, int networkThreads) {
    }

    private final ApiRegistry apis;
    private final RequestHandlerPool handlers;
    private final Settings settings;
    private final AtomicLong connectionIds = new AtomicLong();
    private final Map<String, InetSocketAddress> boundAddresses = new LinkedHashMap<>();
    private final List<Channel> serverChannels = new ArrayList<>();
    private EventLoopGroup acceptors;
    private EventLoopGroup workers;

    public SocketServer(ApiRegistry apis, RequestHandlerPool handlers, Settings settings) {
        this.apis = apis;
        this.handlers = handlers;
        this.settings = settings;
    }

    /** Binds every listener; connections are accepted only after {@link #enableRequestProcessing}. */
    public void start(List<Listener> listeners) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        acceptors = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("haeryu-acceptor", true), io);
        workers = new MultiThreadIoEventLoopGroup(settings.networkThreads(),
            new DefaultThreadFactory("haeryu-network", true), io);
        for (Listener listener : listeners) {
            ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                // A server channel that does not read does not accept: connections queue in the backlog.
                .option(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (settings.sendBufferBytes() > 0) {
                            ch.config().setSendBufferSize(settings.sendBufferBytes());
                        }
                        if (settings.receiveBufferBytes() > 0) {
                            ch.config().setReceiveBufferSize(settings.receiveBufferBytes());
                        }
                        String id = listener.name() + "-" + connectionIds.incrementAndGet();
                        ch.pipeline()
                            .addLast("frames", new KafkaFrameDecoder(settings.maxRequestBytes()))
                            .addLast("requests", new RequestDispatcher(apis, handlers, listener.name(), id));
                    }
                });
            InetSocketAddress address = listener.host().isEmpty()
                ? new InetSocketAddress(listener.port())
                : new InetSocketAddress(listener.host(), listener.port());
            Channel channel = bootstrap.bind(address).sync().channel();
            serverChannels.add(channel);
            InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
            boundAddresses.put(listener.name(), bound);
            log.info("Bound {} to {} ({} transport); accepting once the broker has started", listener.name(), bound,
                epoll ? "epoll" : "nio");
        }
    }

    /** Starts accepting connections (and so reading requests) on every bound listener. */
    public void enableRequestProcessing() {
        for (Channel channel : serverChannels) {
            channel.config().setAutoRead(true);
        }
        log.info("Accepting connections on {}", boundAddresses.keySet());
    }

    /** The address each listener is bound to (the real port when the config said 0). */
    public Map<String, InetSocketAddress> boundAddresses() {
        return boundAddresses;
    }

    @Override
    public void close() {
        for (Channel channel : serverChannels) {
            channel.close().syncUninterruptibly();
        }
        if (acceptors != null) {
            acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
