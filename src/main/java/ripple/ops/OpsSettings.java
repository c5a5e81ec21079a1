package ripple.ops;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import ripple.config.ConfigException;
import ripple.config.RippleConfig;

/**
 * Where the operations HTTP server listens and who may ask it for users' recommendations.
 *
 * @param host            address to bind ({@code http.host})
 * @param port            port to bind, 0 for a free one ({@code http.port}, env {@code RIPPLE_HTTP_PORT})
 * @param bearerToken     empty for no authentication; otherwise {@code /users/...} needs
 *                        {@code Authorization: Bearer <token>} ({@code http.bearer-token})
 * @param advertisedHost  how other instances reach this one, for forwarded queries ({@code http.advertised-host})
 * @param shutdownTimeout how long closing the whole runtime may take ({@code shutdown.timeout})
 */
public record OpsSettings(String host, int port, String bearerToken, String advertisedHost, Duration shutdownTimeout) {

    public static OpsSettings from(RippleConfig c) {
        String host = c.nonEmpty("http.host");
        String advertised = c.string("http.advertised-host");
        if (advertised.isBlank()) {
            advertised = reachable(host);
        }
        Duration shutdown = c.duration("shutdown.timeout");
        if (shutdown.isNegative() || shutdown.isZero()) {
            throw new ConfigException("shutdown.timeout", "must be positive, was " + shutdown);
        }
        return new OpsSettings(host, c.intValue("http.port"), c.string("http.bearer-token"), advertised,
                shutdown);
    }

    /** A wildcard bind address is no address to give other instances: use this machine's name instead. */
    private static String reachable(String host) {
        if (!host.equals("0.0.0.0") && !host.equals("::")) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new ConfigException("http.advertised-host",
                    "http.host is a wildcard and this machine's name does not resolve: set the address other instances use");
        }
    }

    public boolean authenticates() {
        return !bearerToken.isEmpty();
    }
}
