package ripple.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import ripple.serde.SerdeException.Reason;

class WireFormatTest {

    @Test
    void frameIsMagicByteBigEndianIdThenPayload() {
        byte[] framed = WireFormat.frame(0x01020304, new byte[] {9, 8});

        assertThat(framed).containsExactly(0, 1, 2, 3, 4, 9, 8);
        assertThat(WireFormat.schemaId(framed)).isEqualTo(0x01020304);
    }

    @Test
    void headerOnlyFrameIsValid() {
        assertThat(WireFormat.schemaId(WireFormat.frame(-2, new byte[0]))).isEqualTo(-2);
    }

    @Test
    void shorterThanTheHeaderIsMalformed() {
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {0, 0, 0, 1}))
                .isInstanceOfSatisfying(SerdeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_BYTES))
                .hasMessage("4 bytes, a framed record needs at least 5");
    }

    @Test
    void otherMagicByteIsNamed() {
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {(byte) 0xff, 0, 0, 0, 1}))
                .isInstanceOfSatisfying(SerdeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_MAGIC_BYTE))
                .hasMessage("magic byte 0xff, expected 0x00");
    }
}
