package ripple.serde;

import java.nio.ByteBuffer;
import ripple.serde.SerdeException.Reason;

/**
 * The Confluent wire format: magic byte 0, the writer schema's id as a 4-byte big-endian int, then
 * the Avro binary encoding of the value.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_LENGTH = 5;

    private WireFormat() {}

    /**
     * The schema id of a framed record.
     *
     * @throws SerdeException MALFORMED_BYTES if shorter than the header, BAD_MAGIC_BYTE if not framed
     */
    public static int schemaId(byte[] framed) {
        if (framed.length < HEADER_LENGTH) {
            throw new SerdeException(Reason.MALFORMED_BYTES, framed.length
                    + " bytes, a framed record needs at least " + HEADER_LENGTH);
        }
        if (framed[0] != MAGIC_BYTE) {
            throw new SerdeException(Reason.BAD_MAGIC_BYTE,
                    String.format("magic byte 0x%02x, expected 0x%02x", framed[0], MAGIC_BYTE));
        }
        return ByteBuffer.wrap(framed, 1, 4).getInt();
    }

    /** Frames an Avro binary payload written with schema {@code schemaId}. */
    public static byte[] frame(int schemaId, byte[] avroPayload) {
        return ByteBuffer.allocate(HEADER_LENGTH + avroPayload.length)
                .put(MAGIC_BYTE)
                .putInt(schemaId)
                .put(avroPayload)
                .array();
    }
}
