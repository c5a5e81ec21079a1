package ripple.cli;

import ripple.testing.LocalStackExtension;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.DeadLetter;
import ripple.avro.Item;
import ripple.serde.AvroSerde;

/** {@code ripple import} and {@code ripple tail} against a real broker and registry, one pair for the class. */
@Tag("integration")
class ImportTailCommandIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path files;

    @RegisterExtension
    static final LocalStackExtension stack = new LocalStackExtension();

    @Test
    void taobaoImportProducesTheGoodRowsAndNamesTheBadLine() throws Exception {
        Path input = Files.writeString(files.resolve("UserBehavior.csv"), """
                1,100,10,pv,1511658000
                1,101,10,buy,1511658060
                2,100,10,cart,1511658120
                301780,543546,4181361,pv,15
                3,102,11,fav,1511658180
                """);

        LocalStackExtension.Run run = stack.run(new ImportCommand(), "--format", "taobao", "--input", input.toString(),
                "--topic", "import-taobao");

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out())
                .contains("1 bad row")
                .contains("line 4: timestamp 15 is 1970-01-01T00:00:15Z, before 2000-01-01T00:00:00Z")
                .contains("-> import-taobao: read 5, produced 4, bad 1");
        List<ConsumerRecord<String, BehaviorEvent>> records = stack.readAll("import-taobao", new StringDeserializer(),
                AvroSerde.of(stack.registryClient(), BehaviorEvent.class), 4);
        assertThat(records).hasSize(4);
        assertThat(records).allSatisfy(r -> assertThat(r.key()).isEqualTo(r.value().getUserId()));
        BehaviorEvent purchase = records.stream().map(ConsumerRecord::value)
                .filter(e -> e.getType() == BehaviorType.PURCHASE).findFirst().orElseThrow();
        assertThat(purchase.getEventId()).isEqualTo("taobao-1-101-buy-1511658060");
        assertThat(purchase.getTimestamp()).isEqualTo(Instant.ofEpochSecond(1511658060));
        assertThat(purchase.getContext()).containsEntry("category", "10");
    }

    @Test
    void itemsAreImportedBeforeEventsAndLimitCaps() throws Exception {
        Path items = Files.writeString(files.resolve("items.jsonl"), """
                {"itemId": "1", "title": "Toy Story (1995)", "category": "Animation Comedy"}
                {"itemId": "2", "title": "Jumanji (1995)", "category": "Adventure"}
                """);
        Path events = Files.writeString(files.resolve("events.jsonl"), """
                {"userId":"u1","itemId":"1","type":"CLICK","timestamp":1700000000000}
                {"userId":"u1","itemId":"2","type":"PURCHASE","timestamp":1700000001000}
                {"userId":"u2","itemId":"1","type":"CLICK","timestamp":1700000002000}
                """);

        LocalStackExtension.Run run = stack.run(new ImportCommand(), "--format", "jsonl", "--input", events.toString(),
                "--items", items.toString(), "--topic", "import-jsonl", "--limit", "2", "--rate", "100");

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).contains("-> items: read 2, produced 2, bad 0").contains("-> import-jsonl: read 2, produced 2, bad 0");
        List<ConsumerRecord<String, Item>> catalogue = stack.readAll("items", new StringDeserializer(),
                AvroSerde.of(stack.registryClient(), Item.class), 2);
        assertThat(catalogue).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("1", "2");
        assertThat(catalogue).extracting(r -> r.value().getTitle()).contains("Toy Story (1995)");
    }

    @Test
    void nothingImportedIsAFailure() throws Exception {
        Path input = Files.writeString(files.resolve("bad.csv"), "1,2,3,pv,15\n");

        LocalStackExtension.Run run = stack.run(new ImportCommand(), "--format", "taobao", "--input", input.toString(),
                "--topic", "import-nothing");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("line 1: timestamp 15");
        assertThat(run.err()).contains("nothing imported");
    }

    @Test
    void optionsThatDoNotFitAreUsageErrors() {
        LocalStackExtension.Run run = stack.run(new ImportCommand(), "--format", "taobao", "--input", "x.csv", "--columns", "user=0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--columns, --types and --header apply to --format csv only");
    }

    @Test
    void tailPrintsJsonLinesAndFiltersByUser() throws Exception {
        Path input = Files.writeString(files.resolve("tail.csv"), """
                7,100,10,pv,1511658000
                8,101,10,buy,1511658060
                7,102,10,cart,1511658120
                9,103,11,fav,1511658180
                """);
        assertThat(stack.run(new ImportCommand(), "--format", "taobao", "--input", input.toString()).exitCode()).isZero();

        LocalStackExtension.Run tail = stack.run(new TailCommand(), "--topic", "behavior-events", "--from-beginning", "--max", "3");

        assertThat(tail.exitCode()).as(tail.all()).isZero();
        List<JsonNode> lines = jsonLines(tail.out());
        assertThat(lines).hasSize(3).allSatisfy(line -> {
            assertThat(line.fieldNames()).toIterable().containsExactly("key", "partition", "offset", "timestamp", "value");
            assertThat(line.get("key").asText()).isEqualTo(line.get("value").get("userId").asText());
            assertThat(line.get("value").get("eventId").asText()).startsWith("taobao-");
            assertThat(Instant.parse(line.get("value").get("timestamp").asText())).isAfter(Instant.parse("2017-11-26T00:00:00Z"));
        });

        LocalStackExtension.Run user7 = stack.run(new TailCommand(), "--topic", "behavior-events", "--from-beginning",
                "--user", "7", "--timeout", "2s");

        assertThat(user7.exitCode()).as(user7.all()).isZero();
        assertThat(jsonLines(user7.out())).extracting(l -> l.get("value").get("itemId").asText())
                .containsExactlyInAnyOrder("100", "102");
    }

    @Test
    void tailShowsBinaryDeadLetterKeysAsBase64AndUndecodableValuesAsErrors() throws Exception {
        byte[] binaryKey = {(byte) 0xff, (byte) 0xfe, 0x01};
        DeadLetter letter = DeadLetter.newBuilder().setSourceTopic("behavior-events").setPartition(0).setOffset(42)
                .setReason("MALFORMED_BYTES").setDetail("magic byte 0x7b").setOriginalKey(java.nio.ByteBuffer.wrap(binaryKey))
                .setOriginalValue(java.nio.ByteBuffer.wrap("{".getBytes(StandardCharsets.UTF_8)))
                .setFailedAt(Instant.parse("2024-01-01T00:00:00Z")).build();
        AvroSerde<DeadLetter> serde = AvroSerde.of(stack.registryClient(), DeadLetter.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("dead-letters", binaryKey, serde.serialize("dead-letters", letter))).get();
            producer.send(new ProducerRecord<>("dead-letters", "text-key".getBytes(StandardCharsets.UTF_8),
                    "not avro".getBytes(StandardCharsets.UTF_8))).get();
        }

        LocalStackExtension.Run tail = stack.run(new TailCommand(), "--topic", "dead-letters", "--from-beginning", "--timeout", "2s");

        assertThat(tail.exitCode()).as(tail.all()).isZero();
        List<JsonNode> lines = jsonLines(tail.out());
        assertThat(lines).hasSize(2);
        // different keys, so possibly different partitions: no order between the two
        JsonNode decoded = lines.stream().filter(l -> l.has("keyBase64")).findFirst().orElseThrow();
        assertThat(decoded.get("keyBase64").asText()).isEqualTo(Base64.getEncoder().encodeToString(binaryKey));
        assertThat(decoded.get("value").get("reason").asText()).isEqualTo("MALFORMED_BYTES");
        assertThat(decoded.get("value").get("originalKey").asText()).isEqualTo(Base64.getEncoder().encodeToString(binaryKey));
        assertThat(decoded.get("value").get("failedAt").asText()).isEqualTo("2024-01-01T00:00:00Z");
        JsonNode undecodable = lines.stream().filter(l -> l.has("key")).findFirst().orElseThrow();
        assertThat(undecodable.get("key").asText()).isEqualTo("text-key");
        assertThat(undecodable.get("error").asText()).contains("magic byte");
        assertThat(undecodable.get("valueBase64").asText()).isEqualTo(Base64.getEncoder().encodeToString("not avro".getBytes(StandardCharsets.UTF_8)));
    }

    private static List<JsonNode> jsonLines(String out) {
        return out.lines().filter(l -> !l.isBlank()).map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("not a JSON line: " + l, e);
            }
        }).toList();
    }
}
