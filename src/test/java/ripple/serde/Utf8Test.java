package ripple.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {
    /** An invalid two-byte sequence: a lenient decoder would read it as U+FFFD followed by '('. */
    private static final byte[] MALFORMED = {(byte) 0xC3, (byte) 0x28};

    @Test
    void validTextDecodes() throws Exception {
        assertThat(Utf8.decode("用户-7".getBytes(StandardCharsets.UTF_8))).isEqualTo("用户-7");
        assertThat(Utf8.decodeOrNull("u1".getBytes(StandardCharsets.UTF_8))).isEqualTo("u1");
    }

    @Test
    void malformedBytesAreAnErrorNotAReplacementCharacter() {
        assertThatThrownBy(() -> Utf8.decode(MALFORMED)).isInstanceOf(CharacterCodingException.class);
        assertThat(Utf8.decodeOrNull(MALFORMED)).isNull();
    }
}
