package ripple.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import ripple.serde.SerdeException.Reason;

/**
 * Avro specific records in the Confluent wire format (see {@link WireFormat}). Writes register the
 * record's schema, or look it up, under the subject its {@link SubjectNameStrategy} names, as
 * {@link SerdeSettings} (Confluent's serializer settings) say. Reads resolve the writer schema named in the frame to the record's schema,
 * so data written with older or newer compatible schemas reads as the current class.
 *
 * <p>Deserialization fails only with {@link SerdeException}, whatever the bytes. Safe to share
 * between threads.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    /** The package of the classes generated from avro/. */
    private static final String GENERATED_PACKAGE = "ripple.avro";

    static {
        // Avro 1.12 instantiates only classes it trusts (CVE-2024-47561), and reading a specific record
        // needs its class: without this, every read fails with a SecurityException. The system property
        // org.apache.avro.SERIALIZABLE_PACKAGES would do, but Avro reads it once, when the validator is
        // first used, which may be before this class loads; the API has no such ordering trap.
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                c -> GENERATED_PACKAGE.equals(c.getPackageName())));
    }

    /** A record larger than this does not keep its buffer alive in the thread afterwards. */
    private static final int MAX_RETAINED_BUFFER = 1 << 20;

    /** Encoder, decoder and output buffer reused by each thread across all serdes. */
    private static final ThreadLocal<Codec> CODEC = ThreadLocal.withInitial(Codec::new);

    private static final class Codec {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder;
        BinaryDecoder decoder;
    }

    private final SchemaRegistry registry;
    private final SerdeSettings settings;
    private final Class<T> type;
    private final Schema schema;
    private final SpecificData model;
    private final SpecificDatumWriter<T> writer;
    private volatile boolean isKey;
    private final Map<String, Target> targetsByTopic = new ConcurrentHashMap<>();
    private final Map<Integer, SpecificDatumReader<T>> readersBySchemaId = new ConcurrentHashMap<>();

    /**
     * What a topic's records are written as: the frame header, and the schema written when it is not this
     * serde's own (use.latest.version), with what converts a record to it.
     */
    private record Target(byte[] header, Schema writerSchema, GenericDatumReader<Object> converter,
                          GenericDatumWriter<Object> writer) {
    }

    private AvroSerde(SchemaRegistry registry, SerdeSettings settings, Class<T> type, boolean isKey) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.type = Objects.requireNonNull(type, "type");
        // The class's own model carries its logical-type conversions (timestamp-millis as Instant).
        this.model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.writer = new SpecificDatumWriter<>(schema, model);
        this.isKey = isKey;
    }

    /** A serde for record values, with Confluent's default settings (register, topic name strategy). */
    public static <T extends SpecificRecord> AvroSerde<T> of(SchemaRegistry registry, Class<T> type) {
        return of(registry, type, SerdeSettings.DEFAULT);
    }

    public static <T extends SpecificRecord> AvroSerde<T> of(SchemaRegistry registry, Class<T> type,
                                                             SerdeSettings settings) {
        return new AvroSerde<>(registry, settings, type, false);
    }

    /** A serde for record keys: registers under {@code <topic>-key} (with the topic name strategy). */
    public static <T extends SpecificRecord> AvroSerde<T> ofKey(SchemaRegistry registry, Class<T> type) {
        return new AvroSerde<>(registry, SerdeSettings.DEFAULT, type, true);
    }

    /**
     * Resolves now what the first write to {@code topic} would: registers the schema, or looks it (or the latest
     * version) up, so that a missing schema fails at start rather than at the first record.
     *
     * @return the subject
     * @throws SerializationException naming the subject when the schema cannot be used
     */
    public String prepare(String topic) {
        targetsByTopic.computeIfAbsent(topic, this::target);
        return subject(topic);
    }

    /**
     * This serde, writing every record as if to {@code topic}, whatever topic it goes to: for internal topics
     * (repartitions), so that they need no subject of their own, which a registry that forbids registration
     * would lack. Reads are by schema id and need none anyway.
     */
    public Serde<T> writingAs(String topic) {
        AvroSerde<T> self = this;
        Serializer<T> serializer = (ignored, record) -> self.serialize(topic, record);
        return org.apache.kafka.common.serialization.Serdes.serdeFrom(serializer, self);
    }

    /** The subject writes to {@code topic} use, by the configured name strategy. */
    public String subject(String topic) {
        return settings.subject(topic, isKey, schema);
    }

    /** The schema this serde writes and reads into. */
    public Schema schema() {
        return schema;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
    }

    @Override
    public void close() {
        // nothing held but caches
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        Target target = targetsByTopic.computeIfAbsent(topic, this::target);
        Codec codec = CODEC.get();
        ByteArrayOutputStream out = codec.out;
        out.reset();
        out.writeBytes(target.header());
        try {
            codec.encoder = EncoderFactory.get().binaryEncoder(out, codec.encoder);
            if (target.writerSchema() == null) {
                writer.write(record, codec.encoder);
            } else {
                target.writer().write(convert(record, target), codec.encoder);
            }
            codec.encoder.flush();
        } catch (IOException | RuntimeException e) {
            // A half-written record may remain buffered in the encoder: drop it rather than reuse it.
            codec.encoder = null;
            throw new SerdeException(Reason.INVALID_RECORD,
                    "cannot write " + type.getName() + " for topic " + topic + ": " + describe(e), e);
        }
        byte[] framed = out.toByteArray();
        if (framed.length > MAX_RETAINED_BUFFER) {
            codec.out = new ByteArrayOutputStream(256);
        }
        return framed;
    }

    private Target target(String topic) {
        String subject = subject(topic);
        if (settings.autoRegister()) {
            return new Target(header(registry.register(subject, schema)), null, null, null);
        }
        if (!settings.useLatestVersion()) {
            int id = registry.lookup(subject, schema).orElseThrow(() -> new SerializationException("subject '" + subject
                    + "' has no version equal to the schema of " + type.getName() + ", and schemas are not registered"
                    + " automatically (auto.register.schemas=false): register it first, or use.latest.version=true"));
            return new Target(header(id), null, null, null);
        }
        Schema latest = registry.latest(subject).orElseThrow(() -> new SerializationException("subject '" + subject
                + "' has no version to write with (use.latest.version=true): register one first"));
        int id = registry.lookup(subject, latest).orElseThrow(() -> new SerializationException(
                "the latest version of subject '" + subject + "' vanished while it was looked up"));
        if (latest.toString().equals(schema.toString())) {
            return new Target(header(id), null, null, null);
        }
        SchemaCompatibility.SchemaPairCompatibility fit = SchemaCompatibility.checkReaderWriterCompatibility(latest, schema);
        if (fit.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new SerializationException("the latest version of subject '" + subject + "' (id " + id
                    + ") cannot hold records of " + type.getName() + " (use.latest.version=true): " + incompatibilities(fit));
        }
        return new Target(header(id), latest, new GenericDatumReader<>(schema, latest, GenericData.get()),
                new GenericDatumWriter<>(latest, GenericData.get()));
    }

    private static byte[] header(int id) {
        return ByteBuffer.allocate(WireFormat.HEADER_LENGTH).put(WireFormat.MAGIC_BYTE).putInt(id).array();
    }

    /** The record as the target's schema sees it, by Avro's resolution of this serde's schema to that one. */
    private Object convert(T record, Target target) throws IOException {
        ByteArrayOutputStream own = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(own, null);
        writer.write(record, encoder);
        encoder.flush();
        return target.converter().read(null, DecoderFactory.get().binaryDecoder(own.toByteArray(), null));
    }

    /** Returns null for null (a tombstone); any other input is a record or a {@link SerdeException}. */
    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int schemaId = WireFormat.schemaId(data);
        SpecificDatumReader<T> reader = readersBySchemaId.computeIfAbsent(schemaId,
                id -> new SpecificDatumReader<>(registry.schemaById(id), schema, model));
        Codec codec = CODEC.get();
        int payloadLength = data.length - WireFormat.HEADER_LENGTH;
        codec.decoder = DecoderFactory.get()
                .binaryDecoder(data, WireFormat.HEADER_LENGTH, payloadLength, codec.decoder);
        T record;
        boolean trailingBytes;
        try {
            record = reader.read(null, codec.decoder);
            trailingBytes = !codec.decoder.isEnd();
        } catch (IOException | RuntimeException e) {
            throw unreadable(schemaId, reader.getSchema(), payloadLength, e);
        }
        if (trailingBytes) {
            throw new SerdeException(Reason.MALFORMED_BYTES,
                    "trailing bytes after a " + type.getName() + " of writer schema id " + schemaId);
        }
        return record;
    }

    /**
     * Names why data could not be read. Only checked on failure, as a writer schema that is not fully
     * compatible may still read (e.g. a union with a branch the reader lacks, when that branch is
     * unused), and a failing record is rare.
     */
    private SerdeException unreadable(int schemaId, Schema writerSchema, int payloadLength, Exception e) {
        if (!writerSchema.equals(schema)) {
            SchemaCompatibility.SchemaPairCompatibility compatibility =
                    SchemaCompatibility.checkReaderWriterCompatibility(schema, writerSchema);
            if (compatibility.getType() == SchemaCompatibility.SchemaCompatibilityType.INCOMPATIBLE) {
                return new SerdeException(Reason.INCOMPATIBLE_SCHEMA, "writer schema id " + schemaId
                        + " cannot be read as " + type.getName() + ": " + incompatibilities(compatibility), e);
            }
        }
        return new SerdeException(Reason.MALFORMED_BYTES, "cannot decode " + payloadLength + " bytes as "
                + type.getName() + " of writer schema id " + schemaId + ": " + describe(e), e);
    }

    private static String incompatibilities(SchemaCompatibility.SchemaPairCompatibility compatibility) {
        return compatibility.getResult().getIncompatibilities().stream()
                .map(i -> i.getMessage() + " at " + i.getLocation())
                .collect(Collectors.joining("; "));
    }

    private static String describe(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
