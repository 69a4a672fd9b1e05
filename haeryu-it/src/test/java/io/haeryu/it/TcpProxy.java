package io.haeryu.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder in the test JVM, on 127.0.0.1 and a free port, to {@code 127.0.0.1:targetPort}, that the test can
 * cut like a network partition: while cut, every byte that arrives from either side is dropped (nothing is refused
 * or reset, so peers see silence and must time out, as with lost packets), and new connections are accepted but go
 * nowhere. {@link #heal()} closes every connection that lived through the cut (its streams lost bytes) and forwards
 * again. Used in front of a broker's listener (its advertised address) and of ZooKeeper (a broker's
 * {@code zookeeper.connect}).
 */
final class TcpProxy implements AutoCloseable {

    private final String name;
    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private volatile boolean closed;

    private TcpProxy(String name, int targetPort) {
        this.name = name;
        this.targetPort = targetPort;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "proxy-" + name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts forwarding from a free port to {@code 127.0.0.1:targetPort}. */
    static TcpProxy start(String name, int targetPort) {
        return new TcpProxy(name, targetPort);
    }

    int port() {
        return server.getLocalPort();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    boolean isCut() {
        return cut;
    }

    /** From now on drop everything, in both directions, on old and new connections. */
    void cut() {
        cut = true;
    }

    /** Closes every connection that saw the cut, then forwards again; nothing to do when not cut. */
    void heal() {
        if (!cut) {
            return;
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        cut = false;
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        open.forEach(TcpProxy::closeQuietly);
    }

    @Override
    public String toString() {
        return "proxy " + name + " " + address() + " -> " + targetPort + (cut ? " (cut)" : "");
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            open.add(client);
            Thread t = new Thread(() -> connect(client), "proxy-" + name + "-connect");
            t.setDaemon(true);
            t.start();
        }
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        try {
            if (cut) {
                // a black hole: read and drop until healed (heal closes the client socket)
                pump(client, null, upstream);
                return;
            }
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
            open.add(upstream);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        Thread back = new Thread(() -> pump(upstream, client, client), "proxy-" + name + "-down");
        back.setDaemon(true);
        back.start();
        pump(client, upstream, upstream);
    }

    /** Copies {@code from} to {@code to} (drops the bytes while cut, or always when {@code to} is null). */
    private void pump(Socket from, Socket to, Socket peer) {
        byte[] buf = new byte[64 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to == null ? null : to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (out != null && !cut) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
        } catch (IOException closedOrReset) {
            // one side went away: close both
        } finally {
            open.remove(from);
            open.remove(peer);
            closeQuietly(from);
            closeQuietly(peer);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
