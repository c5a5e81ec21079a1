package ripple.cli;

import ripple.testing.ExternalTools;
import ripple.testing.LocalStackExtension;
import ripple.testing.Processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.serde.AvroSerde;
import ripple.serde.WireFormat;

/**
 * Ripple's wire format and registry against third-party clients: kcat (librdkafka) producing and consuming raw
 * Confluent-framed Avro, and Python's confluent-kafka SchemaRegistryClient against Ripple's registry server. The
 * clients are Debian packages that CI installs; a missing one fails the test under CI, and skips it elsewhere, with
 * what to install.
 */
@Tag("integration")
class InteropIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Debian's Python, which has python3-confluent-kafka and python3-avro; a pyenv python3 on PATH has neither. */
    private static final String PYTHON = ExternalTools.DEBIAN_PYTHON;

    @TempDir
    Path work;

    @RegisterExtension
    static final LocalStackExtension stack = new LocalStackExtension();

    @Test
    void kcatProducesFramedAvroThatRippleReads() throws Exception {
        requireKcat();
        createTopic("kcat-in");
        int id = stack.registryClient().register("kcat-in-value", BehaviorEvent.getClassSchema());
        List<BehaviorEvent> sent = List.of(event("e1", "u1", "i1", BehaviorType.CLICK), event("e2", "u1", "i2", BehaviorType.CART),
                event("e3", "u1", "i3", BehaviorType.PURCHASE));
        List<String> command = new ArrayList<>(List.of("kcat", "-b", stack.bootstrapServers(), "-t", "kcat-in", "-P", "-k", "u1"));
        for (BehaviorEvent e : sent) {
            // One file per message: kcat sends each file whole, so Avro bytes that happen to be '\n' stay intact.
            command.add(Files.write(work.resolve(e.getEventId() + ".avro"), WireFormat.frame(id, avroBinary(e))).toString());
        }

        Processes.Result kcat = exec(command, "kcat");

        assertThat(kcat.exitCode()).as(kcat.text()).isZero();
        List<ConsumerRecord<String, BehaviorEvent>> received = stack.readAll("kcat-in", new StringDeserializer(),
                AvroSerde.of(stack.registryClient(), BehaviorEvent.class), 3);
        assertThat(received).extracting(ConsumerRecord::key).containsOnly("u1");
        assertThat(received).extracting(ConsumerRecord::value).containsExactlyElementsOf(sent);
    }

    @Test
    void kcatConsumesWhatRippleProduced() throws Exception {
        requireKcat();
        Path events = Files.writeString(work.resolve("events.jsonl"), """
                {"eventId":"k1","userId":"u1","itemId":"i1","type":"CLICK","timestamp":1700000000000}
                {"eventId":"k2","userId":"u2","itemId":"i2","type":"PURCHASE","timestamp":1700000001000}
                """);
        LocalStackExtension.Run imported = stack.run(new ImportCommand(), "--format", "jsonl", "--input", events.toString(), "--topic", "kcat-out");
        assertThat(imported.exitCode()).as(imported.all()).isZero();
        int id = stack.registryClient().lookup("kcat-out-value", BehaviorEvent.getClassSchema()).orElseThrow();

        // %R: the payload length as a 4-byte big-endian int, then %s: the payload's raw bytes.
        Processes.Result kcat = exec(List.of("kcat", "-b", stack.bootstrapServers(), "-t", "kcat-out", "-C", "-e", "-q",
                "-o", "beginning", "-f", "%R%s"), "kcat");

        assertThat(kcat.exitCode()).as(kcat.text()).isZero();
        List<GenericRecord> decoded = new ArrayList<>();
        ByteBuffer frames = ByteBuffer.wrap(kcat.stdout());
        while (frames.hasRemaining()) {
            byte[] value = new byte[frames.getInt()];
            frames.get(value);
            assertThat(value[0]).as("magic byte").isEqualTo(WireFormat.MAGIC_BYTE);
            assertThat(ByteBuffer.wrap(value, 1, 4).getInt()).as("schema id").isEqualTo(id);
            // Read with plain Avro and the registry's schema, not Ripple's serde: the bytes alone must say it all.
            Schema writer = stack.registryClient().schemaById(id);
            decoded.add(new GenericDatumReader<GenericRecord>(writer).read(null,
                    DecoderFactory.get().binaryDecoder(value, WireFormat.HEADER_LENGTH, value.length - WireFormat.HEADER_LENGTH, null)));
        }
        assertThat(decoded).extracting(r -> r.get("eventId").toString()).containsExactlyInAnyOrder("k1", "k2");
        assertThat(decoded).extracting(r -> r.get("timestamp")).containsExactlyInAnyOrder(1700000000000L, 1700000001000L);
    }

    @Test
    void pythonConfluentClientUsesRipplesRegistryAndItsRecordsReadInRipple() throws Exception {
        ExternalTools.require(ExternalTools.debianPythonHas("confluent_kafka", "avro.io"),
                "Debian's python3 with confluent_kafka and avro", "apt-get install python3-confluent-kafka python3-avro");
        createTopic("python-in");
        Path script = Files.writeString(work.resolve("interop.py"), """
                import io, json, struct, sys
                from datetime import datetime, timezone
                import avro.io, avro.schema
                from confluent_kafka import Producer
                from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

                url, bootstrap, topic, schema_str = sys.argv[1:5]
                subject = topic + "-value"
                client = SchemaRegistryClient({"url": url})
                schema_id = client.register_schema(subject, Schema(schema_str, "AVRO"))
                by_id = client.get_schema(schema_id)
                latest = client.get_latest_version(subject)

                # A BehaviorEvent written by Python's Avro library, framed by hand, produced by librdkafka.
                event = {"eventId": "py-1", "userId": "u-py", "itemId": "i-py", "type": "SHARE",
                         "timestamp": datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc),
                         "dwellMs": 1200.0, "scenario": "social", "context": {"category": "news"}}
                out = io.BytesIO()
                out.write(struct.pack(">bI", 0, schema_id))
                avro.io.DatumWriter(avro.schema.parse(schema_str)).write(event, avro.io.BinaryEncoder(out))
                producer = Producer({"bootstrap.servers": bootstrap})
                producer.produce(topic, key=b"u-py", value=out.getvalue())
                undelivered = producer.flush(30)

                print(json.dumps({"id": schema_id, "byIdSchema": by_id.schema_str, "latestId": latest.schema_id,
                                  "latestVersion": latest.version, "latestSchema": latest.schema.schema_str,
                                  "subjects": client.get_subjects(), "undelivered": undelivered}))
                """);
        String schema = BehaviorEvent.getClassSchema().toString();

        Processes.Result python = exec(List.of(PYTHON, script.toString(), stack.registryUrl(), stack.bootstrapServers(), "python-in", schema), PYTHON);

        assertThat(python.exitCode()).as(python.text()).isZero();
        JsonNode result = JSON.readTree(python.text().lines().reduce((a, b) -> b).orElseThrow());
        int id = result.get("id").asInt();
        assertThat(new Schema.Parser().parse(result.get("byIdSchema").asText())).isEqualTo(BehaviorEvent.getClassSchema());
        assertThat(result.get("latestId").asInt()).isEqualTo(id);
        assertThat(result.get("latestVersion").asInt()).isEqualTo(1);
        assertThat(new Schema.Parser().parse(result.get("latestSchema").asText())).isEqualTo(BehaviorEvent.getClassSchema());
        assertThat(result.get("subjects")).extracting(JsonNode::asText).contains("python-in-value");
        assertThat(result.get("undelivered").asInt()).isZero();
        // What Python registered is what Ripple's own client reads back.
        assertThat(stack.registryClient().schemaById(id)).isEqualTo(BehaviorEvent.getClassSchema());
        List<ConsumerRecord<String, BehaviorEvent>> received = stack.readAll("python-in", new StringDeserializer(),
                AvroSerde.of(stack.registryClient(), BehaviorEvent.class), 1);
        assertThat(received).hasSize(1);
        BehaviorEvent e = received.get(0).value();
        assertThat(received.get(0).key()).isEqualTo("u-py");
        assertThat(e.getType()).isEqualTo(BehaviorType.SHARE);
        assertThat(e.getTimestamp()).isEqualTo(Instant.ofEpochMilli(1700000000000L));
        assertThat(e.getContext()).containsEntry("category", "news");
    }

    private static BehaviorEvent event(String id, String user, String item, BehaviorType type) {
        return BehaviorEvent.newBuilder().setEventId(id).setUserId(user).setItemId(item).setType(type)
                .setTimestamp(Instant.ofEpochMilli(1700000000000L)).setDwellMs(null).setScenario("ecommerce")
                .setContext(Map.of("category", "c1")).build();
    }

    /** Plain Avro binary, without Ripple's serde, so the framing under test is the test's own. */
    private static byte[] avroBinary(BehaviorEvent event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<BehaviorEvent>(BehaviorEvent.getClassSchema(), SpecificData.getForClass(BehaviorEvent.class))
                .write(event, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static void createTopic(String name) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static void requireKcat() {
        ExternalTools.require(ExternalTools.executable("kcat").isPresent(), "kcat", "apt-get install kcat");
    }

    /** Runs a third-party tool for at most a minute; the test has checked it is there. */
    private static Processes.Result exec(List<String> command, String tool) throws Exception {
        try {
            return Processes.run(new ProcessBuilder(command), Duration.ofSeconds(60));
        } catch (IOException e) {
            fail(tool + " could not be started: " + e.getMessage());
            throw e;
        }
    }
}
