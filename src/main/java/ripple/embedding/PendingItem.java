package ripple.embedding;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * A valid item waiting in the pending store for its batch: what embedding it needs, and where it came
 * from with its original bytes, in case it must be dead-lettered later, from a punctuation that has no
 * source record of its own.
 */
record PendingItem(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                   ItemText text, String category, String textHash) implements RecordMetadata {

    /** Bumped when the layout changes, so that an old changelog is refused rather than misread. */
    private static final byte FORMAT = 1;

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + value.length + 3 * text.text().length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            writeString(out, topic);
            out.writeInt(partition);
            out.writeLong(offset);
            out.writeLong(timestamp);
            writeBytes(out, key);
            writeBytes(out, value);
            writeString(out, text.text());
            writeString(out, text.declaredLanguage());
            writeString(out, category);
            writeString(out, textHash);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static PendingItem decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("pending item in format " + format + ", this version reads " + FORMAT);
            }
            String topic = readString(in);
            int partition = in.readInt();
            long offset = in.readLong();
            long timestamp = in.readLong();
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            ItemText text = new ItemText(readString(in), readString(in));
            return new PendingItem(topic, partition, offset, timestamp, key, value, text, readString(in),
                    readString(in));
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt pending item", e);
        }
    }

    // strings as length-prefixed UTF-8 rather than writeUTF, which stops at 64 KB

    private static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = readBytes(in);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        return n < 0 ? null : in.readNBytes(n);
    }
}
