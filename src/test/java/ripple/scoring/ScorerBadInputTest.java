package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static ripple.scoring.ScorerFixture.T0;
import static ripple.scoring.ScorerFixture.event;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.DeadLetter;
import ripple.serde.WireFormat;

/** Every bad input named in DESIGN.md goes to dead-letters with a reason, and the good record after it flows. */
class ScorerBadInputTest {
    @TempDir
    Path stateDir;
    private ScorerFixture f;
    private int good;

    @BeforeEach
    void start() {
        f = new ScorerFixture(ScorerFixture.testConfig(), stateDir);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private byte[] encode(BehaviorEvent e) {
        return f.topics.behaviorEvents.valueSerde().serializer().serialize(f.topics.behaviorEvents.name(), e);
    }

    private BehaviorEvent valid() {
        return event("ok-" + good, "alice", "i0", BehaviorType.CLICK, T0.plusSeconds(good));
    }

    /** Sends the bad record, then a good one; returns the dead letter after checking the good one was scored. */
    private DeadLetter reject(byte[] key, byte[] value) {
        f.rawEvents.pipeInput(key, value, T0);
        good++;
        f.send(valid());
        List<DeadLetter> dead = f.deadLetters.readValuesToList();
        assertThat(dead).hasSize(1);
        assertThat(f.weightUpdates.readValuesToList()).extracting(w -> w.getEventId()).containsExactly("ok-" + good);
        DeadLetter d = dead.get(0);
        assertThat(d.getSourceTopic()).isEqualTo("behavior-events");
        assertThat(d.getOffset()).isGreaterThanOrEqualTo(0);
        if (value != null) {
            assertThat(d.getOriginalValue().array()).isEqualTo(value);
        }
        return d;
    }

    private static byte[] key(String k) {
        return k.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void malformedBytes() {
        byte[] garbage = {0, 0, 0, 0, 1, (byte) 0xff, (byte) 0xff, 3};
        assertThat(reject(key("alice"), garbage).getReason()).isIn("MALFORMED_BYTES", "UNKNOWN_SCHEMA_ID");
        byte[] ok = encode(valid());
        byte[] truncated = java.util.Arrays.copyOf(ok, ok.length - 3);
        assertThat(reject(key("alice"), truncated).getReason()).isEqualTo("MALFORMED_BYTES");
    }

    @Test
    void wrongMagicByte() {
        byte[] bytes = encode(valid());
        bytes[0] = 7;
        DeadLetter d = reject(key("alice"), bytes);
        assertThat(d.getReason()).isEqualTo("BAD_MAGIC_BYTE");
        assertThat(d.getDetail()).contains("magic");
        assertThat(d.getErrorClass()).isEqualTo("ripple.serde.SerdeException");
    }

    @Test
    void unknownSchemaId() {
        byte[] bytes = encode(valid());
        bytes[1] = 0x7f;
        assertThat(reject(key("alice"), bytes).getReason()).isEqualTo("UNKNOWN_SCHEMA_ID");
    }

    @Test
    void nullOrEmptyKey() {
        assertThat(reject(null, encode(valid())).getReason()).isEqualTo("NULL_KEY");
        assertThat(reject(new byte[0], encode(valid())).getReason()).isEqualTo("NULL_KEY");
    }

    @Test
    void nullValue() {
        assertThat(reject(key("alice"), null).getReason()).isEqualTo("NULL_VALUE");
    }

    @Test
    void unknownBehaviourTypeFromANewerProducer() throws IOException {
        // a producer whose enum has a symbol this version does not know
        String newer = BehaviorEvent.getClassSchema().toString().replace("\"SHARE\"]", "\"SHARE\",\"REPOST\"]");
        Schema schema = new Schema.Parser().parse(newer);
        GenericRecord r = new GenericData.Record(schema);
        r.put("eventId", "x1");
        r.put("userId", "alice");
        r.put("itemId", "i0");
        r.put("type", new GenericData.EnumSymbol(schema.getField("type").schema(), "REPOST"));
        r.put("timestamp", T0.toEpochMilli());
        r.put("context", java.util.Map.of());
        int id = f.registry.register("behavior-events-value", schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(r, enc);
        enc.flush();
        DeadLetter d = reject(key("alice"), WireFormat.frame(id, out.toByteArray()));
        assertThat(d.getReason()).isEqualTo("UNKNOWN_BEHAVIOR_TYPE");
    }

    @Test
    void negativeOrNaNDwell() {
        BehaviorEvent neg = valid();
        neg.setDwellMs(-5.0);
        assertThat(reject(key("alice"), encode(neg)).getReason()).isEqualTo("INVALID_DWELL");
        BehaviorEvent nan = valid();
        nan.setDwellMs(Double.NaN);
        assertThat(reject(key("alice"), encode(nan)).getReason()).isEqualTo("INVALID_DWELL");
    }

    @Test
    void timestampFarInTheFutureOrThePast() {
        BehaviorEvent future = valid();
        future.setTimestamp(java.time.Instant.now().plus(Duration.ofDays(30)));
        assertThat(reject(key("alice"), encode(future)).getReason()).isEqualTo("TIMESTAMP_IN_FUTURE");
        BehaviorEvent past = valid();
        past.setTimestamp(java.time.Instant.parse("1969-07-20T20:17:00Z"));
        assertThat(reject(key("alice"), encode(past)).getReason()).isEqualTo("TIMESTAMP_TOO_OLD");
    }

    @Test
    void oversizedText() {
        BehaviorEvent big = valid();
        big.setItemId("i".repeat(100_000));
        assertThat(reject(key("alice"), encode(big)).getReason()).isEqualTo("OVERSIZED_FIELD");
        BehaviorEvent bigContext = valid();
        bigContext.setContext(java.util.Map.of("note", "x".repeat(5000)));
        assertThat(reject(key("alice"), encode(bigContext)).getReason()).isEqualTo("OVERSIZED_FIELD");
    }

    @Test
    void missingItemOrAKeyThatIsNotTheUser() {
        BehaviorEvent noItem = valid();
        noItem.setItemId("");
        assertThat(reject(key("alice"), encode(noItem)).getReason()).isEqualTo("MISSING_ITEM");
        assertThat(reject(key("mallory"), encode(valid())).getReason()).isEqualTo("KEY_MISMATCH");
    }

    @Test
    void deadLettersAreKeyedByTheOriginalKey() {
        byte[] bytes = encode(valid());
        bytes[0] = 9;
        f.rawEvents.pipeInput(key("alice"), bytes, T0);
        assertThat(f.deadLetters.readKeyValue().key).isEqualTo(key("alice"));
    }
}
