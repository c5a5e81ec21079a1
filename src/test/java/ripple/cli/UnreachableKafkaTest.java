package ripple.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Commands pointed at an address where no broker listens fail with the same clear line {@code import} gives, after
 * a bounded wait rather than Kafka's own 60 s timeouts and a bare TimeoutException.
 */
class UnreachableKafkaTest {

    static String deadAddress;

    @BeforeAll
    static void findAPortNobodyListensOn() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            deadAddress = "127.0.0.1:" + socket.getLocalPort();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "topics describe", "tail --topic scores"})
    void aDeadAddressFailsWithOneClearLine(String command) {
        String[] words = command.split(" ");
        String[] args = new String[words.length + 4];
        System.arraycopy(words, 0, args, 0, words.length);
        args[words.length] = "--bootstrap-servers";
        args[words.length + 1] = deadAddress;
        // a registry nobody serves either: the command must not get as far as asking it
        args[words.length + 2] = "--registry-url";
        args[words.length + 3] = "http://" + deadAddress;

        DurationFlagsTest.Run run = DurationFlagsTest.ripple(args);

        assertThat(run.code()).as(run.err()).isEqualTo(CliSupport.EXIT_FAILURE);
        assertThat(run.err()).contains("no answer from Kafka at " + deadAddress)
                .contains("--bootstrap-servers").doesNotContain("TimeoutException");
    }
}
