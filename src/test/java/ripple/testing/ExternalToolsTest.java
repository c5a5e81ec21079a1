package ripple.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class ExternalToolsTest {

    @Test
    void aMissingProgramSkipsNamingItOnADevelopersMachineAndFailsInCi() {
        assertThatThrownBy(() -> ExternalTools.require(false, "kcat", "apt-get install kcat", false))
                .isInstanceOf(TestAbortedException.class).hasMessageContaining("kcat is not installed")
                .hasMessageContaining("apt-get install kcat");
        assertThatThrownBy(() -> ExternalTools.require(false, "kcat", "apt-get install kcat", true))
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("kcat").hasMessageContaining("CI=true");
        ExternalTools.require(true, "kcat", "apt-get install kcat", true);
    }

    @Test
    void programsAreFoundOnThePathOrByTheirPath() {
        assertThat(ExternalTools.executable("no-such-program-ripple")).isEmpty();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        assertThat(ExternalTools.executable("no-such-program-ripple", javaBin)).contains(javaBin);
    }
}
