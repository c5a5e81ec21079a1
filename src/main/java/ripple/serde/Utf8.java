package ripple.serde;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding of record keys and values: bytes that are not UTF-8 are an error, never replaced with
 * U+FFFD, so that two different byte strings never become the same id. And UTF-8 encoding straight into a buffer,
 * for codecs that write many short strings per record.
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

    /** The length of the text in UTF-8, as {@link #put} writes it (and as {@code String.getBytes(UTF_8)} would). */
    public static int encodedLength(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n += 1;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /**
     * Writes the text as UTF-8 into the buffer, {@link #encodedLength} bytes: the bytes of
     * {@code String.getBytes(UTF_8)} (a lone surrogate becomes '?'), without the array that allocates per string.
     */
    public static void put(ByteBuffer buf, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                buf.put((byte) c);
            } else if (c < 0x800) {
                buf.put((byte) (0xC0 | c >> 6));
                buf.put((byte) (0x80 | c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf.put((byte) (0xF0 | cp >> 18));
                buf.put((byte) (0x80 | cp >> 12 & 0x3F));
                buf.put((byte) (0x80 | cp >> 6 & 0x3F));
                buf.put((byte) (0x80 | cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                buf.put((byte) '?');
            } else {
                buf.put((byte) (0xE0 | c >> 12));
                buf.put((byte) (0x80 | c >> 6 & 0x3F));
                buf.put((byte) (0x80 | c & 0x3F));
            }
        }
    }
}
