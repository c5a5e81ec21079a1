package ripple.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.serde.SerdeException.Reason;

class AvroSerdeTest {

    private static final String TOPIC = "behavior-events";
    private static final String SUBJECT = TOPIC + "-value";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroSerde<BehaviorEvent> serde = AvroSerde.of(registry, BehaviorEvent.class);

    static Stream<SpecificRecord> samples() {
        return SampleRecords.all().stream();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void roundTripsEveryRecordType(SpecificRecord record) {
        AvroSerde<SpecificRecord> recordSerde = serdeFor(record);

        byte[] bytes = recordSerde.serialize("topic", record);

        assertThat(recordSerde.deserialize("topic", bytes)).isEqualTo(record);
    }

    @Test
    void framesWithMagicByteAndTheRegisteredId() {
        byte[] bytes = serde.serialize(TOPIC, SampleRecords.behaviorEvent());

        int id = registry.lookup(SUBJECT, BehaviorEvent.getClassSchema()).orElseThrow();
        assertThat(bytes[0]).isZero();
        assertThat(Arrays.copyOfRange(bytes, 1, 5)).containsExactly(0, 0, 0, id);
        assertThat(WireFormat.schemaId(bytes)).isEqualTo(id);
    }

    @Test
    void registersUnderTopicNameStrategySubjects() {
        serde.serialize(TOPIC, SampleRecords.behaviorEvent());
        AvroSerde.ofKey(registry, BehaviorEvent.class).serialize("keyed", SampleRecords.behaviorEvent());

        assertThat(registry.subjects()).containsExactly("behavior-events-value", "keyed-key");
    }

    @Test
    void nullIsATombstoneBothWays() {
        assertThat(serde.serialize(TOPIC, null)).isNull();
        assertThat(serde.deserialize(TOPIC, null)).isNull();
    }

    @Test
    void oldWriterSchemaReadsWithDefaultsFilledIn() throws IOException {
        Schema old = new Schema.Parser().parse("""
                {"type": "record", "name": "BehaviorEvent", "namespace": "ripple.avro", "fields": [
                  {"name": "eventId", "type": ["null", "string"], "default": null},
                  {"name": "userId", "type": "string"},
                  {"name": "itemId", "type": "string"},
                  {"name": "type", "type": {"type": "enum", "name": "BehaviorType", "default": "UNKNOWN",
                    "symbols": ["UNKNOWN", "BROWSE", "CLICK", "FAVORITE", "CART", "PURCHASE", "LIKE", "COMMENT"]},
                   "default": "UNKNOWN"},
                  {"name": "timestamp", "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}],
                   "default": null},
                  {"name": "dwellMs", "type": ["null", "double"], "default": null}
                ]}""");
        GenericRecord event = new GenericData.Record(old);
        event.put("eventId", "e-1");
        event.put("userId", "u-1");
        event.put("itemId", "i-1");
        event.put("type", new GenericData.EnumSymbol(old.getField("type").schema(), "CART"));
        event.put("timestamp", SampleRecords.T.toEpochMilli());
        event.put("dwellMs", 250.0);

        BehaviorEvent read = serde.deserialize(TOPIC, framed(old, event));

        assertThat(read.getType()).isEqualTo(BehaviorType.CART);
        assertThat(read.getTimestamp()).isEqualTo(SampleRecords.T);
        assertThat(read.getDwellMs()).isEqualTo(250.0);
        assertThat(read.getScenario()).isNull();
        assertThat(read.getContext()).isEmpty();
    }

    @Test
    void newerWriterEnumSymbolReadsAsTheDefaultSymbol() throws IOException {
        Schema newer = new Schema.Parser().parse("""
                {"type": "record", "name": "BehaviorEvent", "namespace": "ripple.avro", "fields": [
                  {"name": "userId", "type": "string"},
                  {"name": "itemId", "type": "string"},
                  {"name": "type", "type": {"type": "enum", "name": "BehaviorType", "default": "UNKNOWN",
                    "symbols": ["UNKNOWN", "BROWSE", "CLICK", "FAVORITE", "CART", "PURCHASE", "LIKE", "COMMENT",
                                "SHARE", "REPOST"]},
                   "default": "UNKNOWN"},
                  {"name": "appVersion", "type": "string", "default": ""}
                ]}""");
        GenericRecord event = new GenericData.Record(newer);
        event.put("userId", "u-1");
        event.put("itemId", "i-1");
        event.put("type", new GenericData.EnumSymbol(newer.getField("type").schema(), "REPOST"));
        event.put("appVersion", "9.1");

        BehaviorEvent read = serde.deserialize(TOPIC, framed(newer, event));

        assertThat(read.getType()).isEqualTo(BehaviorType.UNKNOWN);
        assertThat(read.getUserId()).isEqualTo("u-1");
    }

    @Test
    void writerSchemaThatCannotBeResolvedIsIncompatible() throws IOException {
        Schema wrongTypes = new Schema.Parser().parse("""
                {"type": "record", "name": "BehaviorEvent", "namespace": "ripple.avro", "fields": [
                  {"name": "userId", "type": "long"},
                  {"name": "itemId", "type": "string"}
                ]}""");
        GenericRecord event = new GenericData.Record(wrongTypes);
        event.put("userId", 42L);
        event.put("itemId", "i-1");

        assertReason(framed(wrongTypes, event), Reason.INCOMPATIBLE_SCHEMA)
                .hasMessageContaining("STRING not compatible with writer type: LONG");
    }

    @Test
    void wrongMagicByteIsReported() {
        byte[] bytes = serde.serialize(TOPIC, SampleRecords.behaviorEvent());
        bytes[0] = 7;

        assertReason(bytes, Reason.BAD_MAGIC_BYTE).hasMessage("magic byte 0x07, expected 0x00");
    }

    @Test
    void unknownSchemaIdIsReported() {
        byte[] bytes = WireFormat.frame(999, new byte[] {2, 'u', 2, 'i'});

        assertReason(bytes, Reason.UNKNOWN_SCHEMA_ID)
                .isInstanceOf(UnknownSchemaIdException.class)
                .hasMessageContaining("999");
    }

    @Test
    void shortOrTruncatedOrPaddedBytesAreMalformed() {
        byte[] valid = serde.serialize(TOPIC, SampleRecords.behaviorEvent());
        byte[] padded = Arrays.copyOf(valid, valid.length + 3);

        assertReason(new byte[0], Reason.MALFORMED_BYTES);
        assertReason(new byte[] {0}, Reason.MALFORMED_BYTES);
        assertReason(Arrays.copyOf(valid, 5), Reason.MALFORMED_BYTES);
        assertReason(Arrays.copyOf(valid, valid.length - 1), Reason.MALFORMED_BYTES);
        assertReason(padded, Reason.MALFORMED_BYTES).hasMessageContaining("trailing bytes");
    }

    @Test
    void randomAndMutatedBytesGiveARecordOrASerdeExceptionOnly() {
        Random random = new Random(20240607);
        List<SpecificRecord> records = SampleRecords.all();
        List<AvroSerde<SpecificRecord>> serdes = records.stream().map(this::serdeFor).toList();
        List<byte[]> valid = new ArrayList<>();
        for (int r = 0; r < records.size(); r++) {
            valid.add(serdes.get(r).serialize("fuzz", records.get(r)));
        }

        for (int i = 0; i < 5000; i++) {
            int which = random.nextInt(records.size());
            byte[] input = i % 5 == 0 ? randomBytes(random) : mutate(valid.get(which), random);
            try {
                assertThat(serdes.get(which).deserialize("fuzz", input)).isNotNull();
            } catch (SerdeException expected) {
                // the only failure allowed; anything else fails the test
            }
        }
    }

    @Test
    void recordViolatingItsSchemaIsInvalidAndLeavesTheSerdeUsable() {
        BehaviorEvent missingUser = SampleRecords.behaviorEvent();
        missingUser.setUserId(null);
        BehaviorEvent valid = SampleRecords.behaviorEvent();

        assertThatThrownBy(() -> serde.serialize(TOPIC, missingUser))
                .isInstanceOfSatisfying(SerdeException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_RECORD));
        assertThat(serde.deserialize(TOPIC, serde.serialize(TOPIC, valid))).isEqualTo(valid);
    }

    @Test
    void oneSerdeIsSafeToShareBetweenThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        BehaviorEvent event = SampleRecords.behaviorEvent();
                        event.setUserId("u-" + thread + "-" + i);
                        event.setContext(Map.of("pad", "x".repeat(i % 300)));
                        assertThat(serde.deserialize(TOPIC, serde.serialize(TOPIC, event))).isEqualTo(event);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @SuppressWarnings("unchecked")
    private AvroSerde<SpecificRecord> serdeFor(SpecificRecord record) {
        return AvroSerde.of(registry, (Class<SpecificRecord>) record.getClass());
    }

    /** Writes {@code record} with its own schema, registered under the topic's subject, as a producer would. */
    private byte[] framed(Schema writerSchema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writerSchema).write(record, encoder);
        encoder.flush();
        return WireFormat.frame(registry.register(SUBJECT, writerSchema), out.toByteArray());
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertReason(byte[] bytes, Reason reason) {
        return assertThatThrownBy(() -> serde.deserialize(TOPIC, bytes))
                .isInstanceOfSatisfying(SerdeException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(40)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Keeps the valid header most of the time, so that the Avro decoder itself is exercised. */
    private static byte[] mutate(byte[] valid, Random random) {
        byte[] bytes = switch (random.nextInt(3)) {
            case 0 -> Arrays.copyOf(valid, WireFormat.HEADER_LENGTH + 1 + random.nextInt(valid.length - 6));
            case 1 -> Arrays.copyOf(valid, valid.length);
            default -> Arrays.copyOf(valid, valid.length + 1 + random.nextInt(8));
        };
        int flips = 1 + random.nextInt(4);
        for (int f = 0; f < flips; f++) {
            int at = WireFormat.HEADER_LENGTH + random.nextInt(bytes.length - WireFormat.HEADER_LENGTH);
            bytes[at] = (byte) random.nextInt(256);
        }
        return bytes;
    }
}
