package io.haeryu.protocol;

import java.net.InetSocketAddress;
import org.apache.kafka.common.requests.RequestHeader;

/** Who sent a request and how: the parsed header plus the connection it came on. */
public record RequestContext(RequestHeader header, String connectionId, InetSocketAddress clientAddress,
                             String listenerName) {

    public short apiVersion() {
        return header.apiVersion();
    }

    public String clientId() {
        return header.clientId();
    }

    /** For log lines: names the client the way an operator can find it. */
    public String describeClient() {
        return "client '" + header.clientId() + "' at " + clientAddress + " (" + connectionId + ")";
    }
}
