package ripple.serde;

/**
 * How serializers find the schema id they write, with the names and meanings of Confluent's
 * {@code KafkaAvroSerializer}:
 * <ul>
 *   <li>{@code autoRegister} ({@code auto.register.schemas}, default true): register the record's schema under
 *       its subject (an existing identical version is reused). Off: only look it up, for registries where
 *       producers may not register (RBAC); the schema must already be a version of the subject.</li>
 *   <li>{@code useLatestVersion} ({@code use.latest.version}, default false; with {@code autoRegister} off): write
 *       with the subject's latest version, whatever its id, converting each record to it by Avro's resolution
 *       rules (fields it lacks take their defaults), which the latest version must allow.</li>
 *   <li>the subject name strategies ({@code key.subject.name.strategy}, {@code value.subject.name.strategy}).</li>
 * </ul>
 */
public record SerdeSettings(boolean autoRegister, boolean useLatestVersion, SubjectNameStrategy keyStrategy,
                            SubjectNameStrategy valueStrategy) {

    /** Confluent's defaults: register, topic name strategy. */
    public static final SerdeSettings DEFAULT =
            new SerdeSettings(true, false, SubjectNameStrategy.TOPIC, SubjectNameStrategy.TOPIC);

    public SerdeSettings {
        if (autoRegister && useLatestVersion) {
            // Confluent's serializer ignores use.latest.version while it registers; saying so beats guessing
            throw new IllegalArgumentException("use.latest.version needs auto.register.schemas=false");
        }
    }

    public String subject(String topic, boolean isKey, org.apache.avro.Schema schema) {
        return (isKey ? keyStrategy : valueStrategy).subject(topic, isKey, schema);
    }
}
