package io.haeryu.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link TcpProxy} against an echo server: forwards, drops everything while cut, resets the cut connections. */
class TcpProxyTest {

    private ServerSocket echo;
    private TcpProxy proxy;

    @BeforeEach
    void setUp() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread c = new Thread(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException closed) {
                            // peer went away
                        }
                    });
                    c.setDaemon(true);
                    c.start();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        proxy = TcpProxy.start("echo", echo.getLocalPort());
    }

    @AfterEach
    void tearDown() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void forwardsThenDropsWhileCutThenResetsAndForwardsAgain() throws IOException {
        try (Socket before = connect()) {
            assertThat(roundTrip(before, "hello")).isEqualTo("hello");

            proxy.cut();
            assertThat(proxy.isCut()).isTrue();
            before.getOutputStream().write("lost".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> before.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            try (Socket during = connect()) {
                during.getOutputStream().write("void".getBytes(StandardCharsets.UTF_8));
                assertThatThrownBy(() -> during.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

                proxy.heal();
                assertThat(endOfStreamOrReset(before)).as("a connection that lived through the cut").isTrue();
                assertThat(endOfStreamOrReset(during)).as("a connection made during the cut").isTrue();
            }
        }
        try (Socket after = connect()) {
            assertThat(roundTrip(after, "again")).isEqualTo("again");
        }
    }

    @Test
    void healWithoutACutLeavesConnectionsAlone() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "one")).isEqualTo("one");
            proxy.heal();
            assertThat(roundTrip(s, "two")).isEqualTo("two");
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(500);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(bytes);
        return new String(s.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
    }

    private static boolean endOfStreamOrReset(Socket s) {
        try {
            InputStream in = s.getInputStream();
            return in.read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
