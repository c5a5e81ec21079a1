package ripple.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A port Ripple must listen on is taken. The message is the one line a user needs: the port, what wanted it and
 * how to choose another, since the usual cause is a Kafka, a registry or a web server already running.
 */
public final class PortInUseException extends RuntimeException {
    private final int port;

    /**
     * @param likelyOwner what usually holds the port, e.g. "another Kafka broker"
     * @param howToChange the flag or setting that picks another port, e.g. "--kafka-port"
     */
    public PortInUseException(String host, int port, String likelyOwner, String howToChange) {
        super("port " + port + " on " + host + " is in use (" + likelyOwner + "?); choose another with " + howToChange);
        this.port = port;
    }

    public int port() {
        return port;
    }

    /**
     * Fails with a {@link PortInUseException} when {@code host:port} cannot be bound now. Checked before anything
     * starts, so that a taken port costs one line rather than a half-started stack's stack traces. Port 0 (any free
     * port) always passes.
     */
    public static void requireFree(String host, int port, String likelyOwner, String howToChange) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            // as servers bind: a port whose old connections linger in TIME_WAIT is free to them
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (BindException e) {
            if (String.valueOf(e.getMessage()).contains("in use")) {
                throw new PortInUseException(host, port, likelyOwner, howToChange);
            }
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }
}
