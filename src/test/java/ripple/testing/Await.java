package ripple.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/** Bounded waiting, and free ports, for tests against real servers. */
public final class Await {
    private Await() {
    }

    /** Polls {@code condition} every 200 ms; fails the test naming {@code what} if it is not met in time. */
    public static void until(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within " + timeout).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /**
     * Polls {@code progress} every 200 ms until it reaches {@code target}. Fails naming {@code what} only when it
     * has not moved for {@code stall}: a loaded machine is slow but moves, a stuck system does not, so no fixed
     * deadline has to guess how loaded the machine is (JUnit's default timeout bounds the whole test).
     */
    public static void whileProgressing(Duration stall, String what, long target, LongSupplier progress)
            throws InterruptedException {
        long last = progress.getAsLong();
        long movedAt = System.nanoTime();
        while (last < target) {
            Thread.sleep(200);
            long now = progress.getAsLong();
            if (now != last) {
                last = now;
                movedAt = System.nanoTime();
            }
            assertThat(System.nanoTime() - movedAt).as(what + ": stuck at " + last + " of " + target + " for "
                    + stall).isLessThan(stall.toNanos());
        }
    }

    /** A port free on 127.0.0.1 now, for a server that must keep its port across restarts. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
