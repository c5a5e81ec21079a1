package ripple.serde;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding of record keys and values: bytes that are not UTF-8 are an error, never replaced with
 * U+FFFD, so that two different byte strings never become the same id.
 */
public final class Utf8 {
    private Utf8() {
    }

    /** @throws CharacterCodingException when the bytes are not valid UTF-8 */
    public static String decode(byte[] bytes) throws CharacterCodingException {
        // a decoder per call: decoders are not thread-safe, and this runs on every stream thread
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
    }

    /** The text, or null when the bytes are not valid UTF-8. */
    public static String decodeOrNull(byte[] bytes) {
        try {
            return decode(bytes);
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
