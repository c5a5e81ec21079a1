package ripple.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** {@code ripple dev} with one of its ports taken: one line naming the port and the flag, exit code 1. */
class PortInUseTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"--kafka-port", "--registry-port", "--http-port"})
    void aTakenPortIsOneLineNamingItAndTheFlag(String flag) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            // the other ports 0 (any free one), so that only the taken one can fail
            String[] ports = {"--kafka-port", "0", "--registry-port", "0", "--http-port", "0"};
            for (int i = 0; i < ports.length; i += 2) {
                if (ports[i].equals(flag)) {
                    ports[i + 1] = Integer.toString(port);
                }
            }
            String[] args = new String[ports.length + 5];
            args[0] = "dev";
            System.arraycopy(ports, 0, args, 1, ports.length);
            args[ports.length + 1] = "--data-dir";
            args[ports.length + 2] = dir.toString();
            args[ports.length + 3] = "--events";
            args[ports.length + 4] = "1";

            DurationFlagsTest.Run run = DurationFlagsTest.ripple(args);

            assertThat(run.code()).as(run.err()).isEqualTo(CliSupport.EXIT_FAILURE);
            assertThat(run.err().strip().lines()).hasSize(1);
            assertThat(run.err()).contains("port " + port).contains(flag);
            // nothing was started: no broker data was written
            assertThat(dir).isEmptyDirectory();
        }
    }
}
