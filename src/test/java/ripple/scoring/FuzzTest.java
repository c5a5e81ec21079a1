package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static ripple.scoring.ScorerFixture.T0;
import static ripple.scoring.ScorerFixture.event;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.DeadLetter;
import ripple.avro.WeightUpdate;
import ripple.serde.WireFormat;

/**
 * Thousands of random and mutated records mixed with valid ones: the scorer never stops, every record it was
 * sent ends as exactly one weight update or one dead letter, checked record by record (by offset): every valid
 * record is scored, and every record known to be bad is dead-lettered with its own reason and offset.
 */
class FuzzTest {
    private static final int RECORDS = 3000;

    @TempDir
    Path stateDir;

    @Test
    void badRecordsAreContainedAndValidOnesAreAllScored() throws IOException {
        Random rnd = new Random(20261129);
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig(), stateDir)) {
            for (int i = 0; i < 8; i++) {
                f.features.pipeInput("i" + i, ScorerFixture.features("i" + i, i, "v1"));
            }
            Schema newer = new Schema.Parser().parse(BehaviorEvent.getClassSchema().toString()
                    .replace("\"SHARE\"]", "\"SHARE\",\"REPOST\"]"));
            int newerId = f.registry.register("behavior-events-value", newer);

            int valid = 0;
            int mutated = 0;
            int scored = 0;
            Map<String, Integer> reasons = new HashMap<>();
            for (int n = 0; n < RECORDS; n++) {
                String id = "f" + n;
                String user = "u" + rnd.nextInt(50);
                BehaviorEvent e = event(id, user, "i" + rnd.nextInt(8), BehaviorType.values()[1 + rnd.nextInt(8)],
                        T0.plusSeconds(n));
                byte[] key = user.getBytes(StandardCharsets.UTF_8);
                int kind = rnd.nextInt(14);
                String reason = null;
                byte[] value;
                switch (kind) {
                    case 0, 1, 2 -> {
                        valid++;
                        value = encode(f, e);
                    }
                    case 3 -> {
                        value = new byte[5 + rnd.nextInt(64)];
                        rnd.nextBytes(value);
                        value[0] = 1; // never the magic byte, so it cannot decode by chance
                        reason = "BAD_MAGIC_BYTE";
                    }
                    case 4 -> {
                        value = encode(f, e);
                        value = java.util.Arrays.copyOf(value, 5 + rnd.nextInt(value.length - 6));
                        reason = "MALFORMED_BYTES";
                    }
                    case 5 -> {
                        value = encode(f, e);
                        value[1] = 0x55; // an id no registry has handed out
                        reason = "UNKNOWN_SCHEMA_ID";
                    }
                    case 6 -> {
                        e.setItemId("x".repeat(100_000 + rnd.nextInt(1000)));
                        value = encode(f, e);
                        reason = "OVERSIZED_FIELD";
                    }
                    case 7 -> {
                        key = rnd.nextBoolean() ? null : new byte[0];
                        value = encode(f, e);
                        reason = "NULL_KEY";
                    }
                    case 8 -> {
                        value = null;
                        reason = "NULL_VALUE";
                    }
                    case 9 -> {
                        double[] bad = {Double.NaN, -1.0, -1e9, 1e15, Double.POSITIVE_INFINITY};
                        e.setDwellMs(bad[rnd.nextInt(bad.length)]);
                        value = encode(f, e);
                        reason = "INVALID_DWELL";
                    }
                    case 10 -> {
                        boolean future = rnd.nextBoolean();
                        e.setTimestamp(future ? Instant.now().plusSeconds(86_400L * (2 + rnd.nextInt(10_000)))
                                : Instant.ofEpochMilli(-rnd.nextInt(1_000_000_000)));
                        value = encode(f, e);
                        reason = future ? "TIMESTAMP_IN_FUTURE" : "TIMESTAMP_TOO_OLD";
                    }
                    case 11 -> {
                        value = newerProducer(newer, newerId, e);
                        reason = "UNKNOWN_BEHAVIOR_TYPE";
                    }
                    default -> {
                        // random byte flips after the header: may still decode (then it is scored) or not
                        value = encode(f, e);
                        for (int k = 0; k < 1 + rnd.nextInt(4); k++) {
                            value[5 + rnd.nextInt(value.length - 5)] = (byte) rnd.nextInt(256);
                        }
                        mutated++;
                    }
                }
                f.rawEvents.pipeInput(key, value, T0.plusSeconds(n));

                // the driver processes each record before pipeInput returns, so what came out is this record's
                // outcome; the input topic's offsets count from 0, so the record's offset is n
                List<WeightUpdate> updates = f.weightUpdates.readValuesToList();
                List<DeadLetter> dead = f.deadLetters.readValuesToList();
                String what = "record at offset " + n + " (kind " + kind + ", expected "
                        + (reason != null ? reason : kind <= 2 ? "scored" : "scored or dead-lettered") + ")";
                assertThat(updates.size() + dead.size()).as(what + ": outputs").isEqualTo(1);
                dead.forEach(d -> reasons.merge(d.getReason(), 1, Integer::sum));
                scored += updates.size();
                if (kind <= 2) {
                    assertThat(updates).as(what).extracting(WeightUpdate::getEventId).containsExactly(id);
                } else if (reason != null) {
                    assertThat(dead).as(what).extracting(DeadLetter::getReason).containsExactly(reason);
                }
                for (DeadLetter d : dead) {
                    assertThat(d.getOffset()).as(what + ": dead letter's source offset").isEqualTo(n);
                    assertThat(d.getSourceTopic()).as(what).isEqualTo("behavior-events");
                    assertThat(d.getReason()).as(what).isNotBlank();
                }
            }
            System.out.printf("fuzz: %d records in (%d valid, %d mutated), %d scored, %d dead-lettered: %s%n",
                    RECORDS, valid, mutated, scored, RECORDS - scored, reasons);
        }
    }

    private static byte[] encode(ScorerFixture f, BehaviorEvent e) {
        return f.topics.behaviorEvents.valueSerde().serializer().serialize(f.topics.behaviorEvents.name(), e);
    }

    private static byte[] newerProducer(Schema schema, int id, BehaviorEvent e) throws IOException {
        GenericRecord r = new GenericData.Record(schema);
        r.put("eventId", e.getEventId());
        r.put("userId", e.getUserId());
        r.put("itemId", e.getItemId());
        r.put("type", new GenericData.EnumSymbol(schema.getField("type").schema(), "REPOST"));
        r.put("timestamp", e.getTimestamp().toEpochMilli());
        r.put("context", Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(r, enc);
        enc.flush();
        return WireFormat.frame(id, out.toByteArray());
    }
}
