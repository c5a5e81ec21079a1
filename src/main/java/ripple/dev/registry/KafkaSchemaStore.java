package ripple.dev.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ripple.registry.SchemaRegistryException;
import ripple.serde.SchemaRegistry;
import ripple.serde.UnknownSchemaIdException;

/**
 * A schema registry kept in a compacted, single-partition Kafka topic ({@code _schemas} by default), the
 * way Confluent's is, and with the same record layout: key {@code {"keytype":"SCHEMA","subject",
 * "version","magic"}} with value {@code {"subject","version","id","schema"}}, and key
 * {@code {"keytype":"CONFIG","subject"}} with value {@code {"compatibilityLevel"}}. Keys are unique per
 * subject and version, so compaction keeps every version.
 *
 * <p>The topic is the state: opening replays it from the beginning, so ids, versions and settings survive
 * restarts. Every change is written with {@code acks=all} and applied to memory only by reading it back
 * from the topic, after the write is acknowledged, so memory never holds what the topic lacks. Each write
 * first reads the topic to its end, so one store sees what an earlier one on the same topic wrote; stores
 * must not write at the same time, though (Confluent elects a single leader for that).
 *
 * <p>A schema is identified by its canonical Avro JSON ({@link Schema#toString()}), docs and defaults
 * included, as {@link ripple.serde.InMemorySchemaRegistry} does: the same schema gets the same id in
 * every subject. Thread-safe.
 */
public final class KafkaSchemaStore implements SchemaRegistry, AutoCloseable {

    public static final String DEFAULT_TOPIC = "_schemas";

    private static final Logger log = LoggerFactory.getLogger(KafkaSchemaStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Compatibility DEFAULT_COMPATIBILITY = Compatibility.BACKWARD;

    /** One registered version of a subject. */
    public record SchemaVersion(String subject, int version, int id, Schema schema) {}

    private final TopicPartition partition;
    private final Duration timeout;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;

    // State rebuilt from the topic; guarded by this.
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, Integer> idsByText = new HashMap<>();
    private final Map<String, TreeMap<Integer, Integer>> idsBySubjectVersion = new TreeMap<>();
    /** Soft-deleted versions: no longer served, still counted for the next version number. */
    private final Map<String, TreeMap<Integer, Integer>> deletedVersions = new TreeMap<>();
    private final Map<String, Compatibility> subjectCompatibility = new HashMap<>();
    private Compatibility globalCompatibility = DEFAULT_COMPATIBILITY;
    private final Map<String, Mode> subjectModes = new HashMap<>();
    private Mode globalMode = Mode.READWRITE;

    /**
     * Confluent's registry modes. READONLY refuses registrations, as a registry where producers may not register
     * does; IMPORT (registering with given ids) is not supported.
     */
    public enum Mode {
        READWRITE, READONLY, READONLY_OVERRIDE;

        /** @throws SchemaRegistryException (42204) for a name that is not a supported mode */
        public static Mode parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new SchemaRegistryException(SchemaRegistryException.INVALID_MODE,
                        "Invalid mode " + name + ": expected READWRITE, READONLY or READONLY_OVERRIDE");
            }
        }
    }

    private KafkaSchemaStore(Map<String, Object> clientProps, String topic, Duration timeout) {
        this.partition = new TopicPartition(topic, 0);
        this.timeout = timeout;
        Map<String, Object> producerProps = new HashMap<>(clientProps);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        producerProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        Map<String, Object> consumerProps = new HashMap<>(clientProps);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The consumer is polled only to read back a write or catch up, never idly: a short fetch wait
        // makes a registration take milliseconds rather than the default 500 ms.
        consumerProps.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        this.producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());
        this.consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer());
    }

    /**
     * Creates the topic if it is missing (compacted, one partition, the broker's default replication)
     * and replays it.
     *
     * @param clientProps Kafka client settings: {@code bootstrap.servers} and any security settings
     * @param timeout     the limit for creating the topic, replaying it, and each later write
     */
    public static KafkaSchemaStore open(Map<String, Object> clientProps, String topic, Duration timeout) {
        createTopicIfMissing(clientProps, topic, timeout);
        KafkaSchemaStore store = new KafkaSchemaStore(clientProps, topic, timeout);
        try {
            store.consumer.assign(Set.of(store.partition));
            synchronized (store) {
                store.catchUp();
            }
            log.info("Schema store on topic {}: {} schemas in {} subjects", topic, store.schemasById.size(),
                    store.idsBySubjectVersion.size());
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static void createTopicIfMissing(Map<String, Object> clientProps, String topic, Duration timeout) {
        NewTopic newTopic = new NewTopic(topic, Optional.of(1), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try (Admin admin = Admin.create(clientProps)) {
            admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            log.info("Created schema topic {}", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw storeError("cannot create schema topic " + topic, e.getCause());
            }
        } catch (TimeoutException e) {
            throw storeError("cannot create schema topic " + topic + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw storeError("interrupted while creating schema topic " + topic, e);
        }
    }

    // ---- SchemaRegistry ----

    /**
     * Registers {@code schema} as the subject's next version unless it is already one of its versions,
     * after checking it against the subject's compatibility level.
     *
     * @throws SchemaRegistryException 409 if incompatible, 50001 if the topic cannot be written
     */
    @Override
    public synchronized int register(String subject, Schema schema) {
        catchUp();
        String text = schema.toString();
        Optional<SchemaVersion> existing = find(subject, schema);
        if (existing.isPresent()) {
            return existing.get().id();
        }
        if (mode(subject) != Mode.READWRITE) {
            throw new SchemaRegistryException(SchemaRegistryException.OPERATION_NOT_PERMITTED,
                    "Subject " + subject + " is in read-only mode");
        }
        List<Schema> previous = versionsOf(subject).values().stream().map(schemasById::get).toList();
        List<String> violations = compatibility(subject).violations(schema, previous);
        if (!violations.isEmpty()) {
            throw new SchemaRegistryException(SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                    "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                            + "\" (" + compatibility(subject) + "): " + String.join("; ", violations));
        }
        int id = idsByText.getOrDefault(text, nextId());
        // numbers of soft-deleted versions are not reused, as in Confluent's registry
        int version = Math.max(versionsOf(subject).isEmpty() ? 0 : versionsOf(subject).lastKey(),
                deletedVersions.getOrDefault(subject, new TreeMap<>()).isEmpty() ? 0
                        : deletedVersions.get(subject).lastKey()) + 1;
        ObjectNode key = JSON.createObjectNode()
                .put("keytype", "SCHEMA").put("subject", subject).put("version", version).put("magic", 1);
        ObjectNode value = JSON.createObjectNode()
                .put("subject", subject).put("version", version).put("id", id).put("schema", text)
                .put("deleted", false);
        write(key, value);
        log.info("Registered schema id {} as version {} of subject {}", id, version, subject);
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new UnknownSchemaIdException(id);
        }
        return schema;
    }

    @Override
    public synchronized Optional<Integer> lookup(String subject, Schema schema) {
        return find(subject, schema).map(SchemaVersion::id);
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(idsBySubjectVersion.keySet());
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        return List.copyOf(versionsOf(subject).keySet());
    }

    @Override
    public synchronized Optional<Schema> latest(String subject) {
        return latestVersion(subject).map(SchemaVersion::schema);
    }

    // ---- beyond SchemaRegistry: what the REST API also needs ----

    /** The version of {@code subject} that is {@code schema}, if there is one. */
    public synchronized Optional<SchemaVersion> find(String subject, Schema schema) {
        Integer id = idsByText.get(schema.toString());
        if (id == null) {
            return Optional.empty();
        }
        return versionsOf(subject).entrySet().stream()
                .filter(e -> e.getValue().equals(id))
                .findFirst()
                .map(e -> new SchemaVersion(subject, e.getKey(), id, schemasById.get(id)));
    }

    public synchronized Optional<SchemaVersion> version(String subject, int version) {
        Integer id = versionsOf(subject).get(version);
        return id == null ? Optional.empty() : Optional.of(new SchemaVersion(subject, version, id, schemasById.get(id)));
    }

    public synchronized Optional<SchemaVersion> latestVersion(String subject) {
        TreeMap<Integer, Integer> versions = versionsOf(subject);
        return versions.isEmpty() ? Optional.empty() : version(subject, versions.lastKey());
    }

    /** The level new versions of {@code subject} are checked with: its own, else the global one. */
    public synchronized Compatibility compatibility(String subject) {
        return subjectCompatibility.getOrDefault(subject, globalCompatibility);
    }

    /** The subject's own level, if it has one. */
    public synchronized Optional<Compatibility> subjectCompatibility(String subject) {
        return Optional.ofNullable(subjectCompatibility.get(subject));
    }

    public synchronized Compatibility globalCompatibility() {
        return globalCompatibility;
    }

    /** Sets the level of {@code subject}, or the global level when {@code subject} is null. */
    public synchronized void setCompatibility(String subject, Compatibility level) {
        catchUp();
        ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG").put("subject", subject).put("magic", 0);
        write(key, JSON.createObjectNode().put("compatibilityLevel", level.name()));
    }

    /** Why {@code schema} may not follow the given version (all versions when null) by the subject's level. */
    public synchronized List<String> compatibilityViolations(String subject, Schema schema, Integer version) {
        List<Schema> against = version == null
                ? versionsOf(subject).values().stream().map(schemasById::get).toList()
                : List.of(schemasById.get(versionsOf(subject).get(version)));
        Compatibility level = compatibility(subject);
        // against one given version, a transitive level is its plain self
        return (version == null ? level : Compatibility.parse(level.name().replace("_TRANSITIVE", "")))
                .violations(schema, against);
    }

    /** Removes the subject's level, so that the global one applies. */
    public synchronized void deleteCompatibility(String subject) {
        catchUp();
        write(JSON.createObjectNode().put("keytype", "CONFIG").put("subject", subject).put("magic", 0), null);
    }

    /** The mode of {@code subject}: its own, else the global one. */
    public synchronized Mode mode(String subject) {
        return subject == null ? globalMode : subjectModes.getOrDefault(subject, globalMode);
    }

    public synchronized Optional<Mode> subjectMode(String subject) {
        return Optional.ofNullable(subjectModes.get(subject));
    }

    /** Sets the mode of {@code subject}, or the global mode when {@code subject} is null; null removes it. */
    public synchronized void setMode(String subject, Mode mode) {
        catchUp();
        ObjectNode key = JSON.createObjectNode().put("keytype", "MODE").put("magic", 0);
        if (subject != null) {
            key.put("subject", subject);
        }
        write(key, mode == null ? null : JSON.createObjectNode().put("mode", mode.name()));
    }

    /**
     * Deletes the given versions of a subject (every one when {@code version} is null). Soft deletion stops
     * serving them (schemas stay readable by id, as records still name them); permanent deletion removes versions
     * already soft-deleted, as Confluent's registry requires.
     *
     * @return the version numbers deleted
     */
    public synchronized List<Integer> delete(String subject, Integer version, boolean permanent) {
        catchUp();
        TreeMap<Integer, Integer> live = versionsOf(subject);
        TreeMap<Integer, Integer> deleted = deletedVersions.getOrDefault(subject, new TreeMap<>());
        if (live.isEmpty() && deleted.isEmpty()) {
            throw new SchemaRegistryException(SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
        }
        List<Integer> targets;
        if (!permanent) {
            if (version == null && live.isEmpty()) {
                throw new SchemaRegistryException(SchemaRegistryException.SUBJECT_SOFT_DELETED,
                        "Subject '" + subject + "' was soft deleted. Set permanent=true to delete permanently");
            }
            if (version != null && !live.containsKey(version)) {
                throw deleted.containsKey(version)
                        ? new SchemaRegistryException(SchemaRegistryException.VERSION_SOFT_DELETED, "Version " + version
                        + " of subject '" + subject + "' was soft deleted. Set permanent=true to delete permanently")
                        : new SchemaRegistryException(SchemaRegistryException.VERSION_NOT_FOUND, "Version " + version + " not found.");
            }
            targets = version == null ? List.copyOf(live.keySet()) : List.of(version);
        } else {
            if (version == null && !live.isEmpty()) {
                throw new SchemaRegistryException(SchemaRegistryException.SUBJECT_NOT_SOFT_DELETED, "Subject '" + subject
                        + "' was not deleted first before being permanently deleted");
            }
            if (version != null && live.containsKey(version)) {
                throw new SchemaRegistryException(SchemaRegistryException.VERSION_NOT_SOFT_DELETED, "Version " + version
                        + " of subject '" + subject + "' was not deleted first before being permanently deleted");
            }
            if (version != null && !deleted.containsKey(version)) {
                throw new SchemaRegistryException(SchemaRegistryException.VERSION_NOT_FOUND, "Version " + version + " not found.");
            }
            targets = version == null ? List.copyOf(deleted.keySet()) : List.of(version);
        }
        for (int v : targets) {
            ObjectNode key = JSON.createObjectNode()
                    .put("keytype", "SCHEMA").put("subject", subject).put("version", v).put("magic", 1);
            if (permanent) {
                write(key, null);
            } else {
                int id = live.get(v);
                write(key, JSON.createObjectNode().put("subject", subject).put("version", v).put("id", id)
                        .put("schema", schemasById.get(id).toString()).put("deleted", true));
            }
        }
        log.info("{} deleted versions {} of subject {}", permanent ? "Permanently" : "Soft", targets, subject);
        return targets;
    }

    @Override
    public void close() {
        producer.close(timeout);
        synchronized (this) {
            consumer.close(CloseOptions.timeout(timeout));
        }
    }

    // ---- the topic ----

    private int nextId() {
        return schemasById.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
    }

    private TreeMap<Integer, Integer> versionsOf(String subject) {
        return idsBySubjectVersion.getOrDefault(subject, new TreeMap<>());
    }

    /** Writes one record (null value: a tombstone), waits for all in-sync replicas to have it, then reads it back. */
    private void write(ObjectNode key, ObjectNode value) {
        long offset;
        try {
            // delivery.timeout.ms bounds the wait: the future completes, one way or the other, within it.
            offset = producer.send(new ProducerRecord<>(partition.topic(), partition.partition(),
                    key.toString(), value == null ? null : value.toString())).get().offset();
        } catch (ExecutionException e) {
            throw storeError("cannot write to schema topic " + partition.topic(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw storeError("interrupted while writing to schema topic " + partition.topic(), e);
        }
        readUntil(offset + 1);
    }

    /** Reads the topic up to its current end. */
    private void catchUp() {
        long end;
        try {
            end = consumer.endOffsets(Set.of(partition), timeout).get(partition);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw storeError("cannot read the end of schema topic " + partition.topic(), e);
        }
        readUntil(end);
    }

    private void readUntil(long offset) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (consumer.position(partition, timeout) < offset) {
            if (System.nanoTime() > deadline) {
                throw storeError("cannot read schema topic " + partition.topic() + " to offset " + offset
                        + " within " + timeout, null);
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                apply(r);
            }
        }
    }

    /** Applies one record; later records win, as they do after compaction. Unknown key types are skipped. */
    private void apply(ConsumerRecord<String, String> record) {
        try {
            JsonNode key = JSON.readTree(record.key());
            JsonNode value = record.value() == null ? null : JSON.readTree(record.value());
            switch (key.path("keytype").asText()) {
                case "SCHEMA" -> applySchema(key, value);
                case "CONFIG" -> applyConfig(key, value);
                case "MODE" -> applyMode(key, value);
                default -> log.debug("Skipping record of key type {} at offset {}", key.path("keytype"), record.offset());
            }
        } catch (IOException | RuntimeException e) {
            // One bad record (written by hand, say) must not make every other schema unreadable.
            log.warn("Skipping unreadable record at offset {} of {}: {}", record.offset(), partition.topic(), e.toString());
        }
    }

    private void applySchema(JsonNode key, JsonNode value) {
        if (value == null) {
            // permanently deleted; the schema stays readable by id while any record may name it
            String subject = key.get("subject").asText();
            int version = key.get("version").asInt();
            forget(idsBySubjectVersion, subject, version);
            forget(deletedVersions, subject, version);
            return;
        }
        String subject = value.get("subject").asText();
        int version = value.get("version").asInt();
        int id = value.get("id").asInt();
        Schema schema = new Schema.Parser().parse(value.get("schema").asText());
        schemasById.put(id, schema);
        idsByText.put(schema.toString(), id);
        boolean deleted = value.path("deleted").asBoolean(false);
        forget(deleted ? idsBySubjectVersion : deletedVersions, subject, version);
        (deleted ? deletedVersions : idsBySubjectVersion).computeIfAbsent(subject, s -> new TreeMap<>()).put(version, id);
    }

    private static void forget(Map<String, TreeMap<Integer, Integer>> versions, String subject, int version) {
        TreeMap<Integer, Integer> of = versions.get(subject);
        if (of != null) {
            of.remove(version);
            if (of.isEmpty()) {
                versions.remove(subject);
            }
        }
    }

    private void applyMode(JsonNode key, JsonNode value) {
        applySetting(key, value == null ? null : Mode.parse(value.get("mode").asText()), subjectModes,
                mode -> globalMode = mode == null ? Mode.READWRITE : mode);
    }

    private void applyConfig(JsonNode key, JsonNode value) {
        applySetting(key, value == null ? null : Compatibility.parse(value.get("compatibilityLevel").asText()),
                subjectCompatibility, level -> globalCompatibility = level == null ? DEFAULT_COMPATIBILITY : level);
    }

    /** A subject's setting, or the global one when the key names no subject; null removes it (to the default). */
    private static <S> void applySetting(JsonNode key, S setting, Map<String, S> bySubject,
                                         java.util.function.Consumer<S> global) {
        JsonNode subject = key.path("subject");
        if (!subject.isTextual()) {
            global.accept(setting);
        } else if (setting == null) {
            bySubject.remove(subject.asText());
        } else {
            bySubject.put(subject.asText(), setting);
        }
    }

    private static SchemaRegistryException storeError(String message, Throwable cause) {
        String detail = cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage();
        return new SchemaRegistryException(SchemaRegistryException.statusOf(SchemaRegistryException.STORE_ERROR),
                SchemaRegistryException.STORE_ERROR, message + detail, cause);
    }
}
