package io.haeryu.it;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 that forwards every connection to one broker port and records each request frame the
 * clients send (the payload after the 4-byte size: request header and body, exactly as the client serialized it).
 * Started before the broker, with the broker advertising the proxy's port, it sees every connection the clients
 * open, not just the bootstrap one.
 */
public final class RecordingProxy implements AutoCloseable {

    private final ServerSocket server;
    private volatile int targetPort = -1;
    private final List<byte[]> frames = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** Listens at once; connections are forwarded once {@link #forwardTo} named the broker's port. */
    public RecordingProxy() throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "recording-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The broker port to forward to; set before the broker starts, so that its readiness check can pass. */
    public void forwardTo(int brokerPort) {
        this.targetPort = brokerPort;
    }

    /** The request frames recorded so far, in the order they arrived (per connection). */
    public List<byte[]> frames() {
        return new ArrayList<>(frames);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket broker = new Socket();
                broker.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 10_000);
                client.setTcpNoDelay(true);
                broker.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(broker);
                start("recording-proxy-requests", () -> copyFrames(client, broker));
                start("recording-proxy-responses", () -> copyBytes(broker, client));
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("recording proxy failed to accept", e);
                }
            }
        }
    }

    private static void start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private void copyFrames(Socket from, Socket to) {
        try (from; to) {
            DataInputStream in = new DataInputStream(from.getInputStream());
            OutputStream out = to.getOutputStream();
            while (true) {
                int size = in.readInt();
                byte[] payload = new byte[size];
                in.readFully(payload);
                frames.add(payload);
                out.write(new byte[] {(byte) (size >>> 24), (byte) (size >>> 16), (byte) (size >>> 8), (byte) size});
                out.write(payload);
                out.flush();
            }
        } catch (EOFException e) {
            // client closed
        } catch (IOException e) {
            // either side closed
        }
    }

    private static void copyBytes(Socket from, Socket to) {
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            in.transferTo(out);
        } catch (IOException e) {
            // either side closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
