package ripple.serde;

import java.util.Locale;
import org.apache.avro.Schema;

/**
 * How a topic's records name their registry subject, as Confluent's serializers do
 * ({@code key.subject.name.strategy}, {@code value.subject.name.strategy}).
 */
public enum SubjectNameStrategy {
    /** {@code <topic>-value} / {@code <topic>-key}: one schema (and its versions) per topic; Confluent's default. */
    TOPIC("io.confluent.kafka.serializers.subject.TopicNameStrategy"),
    /** The record's full name ({@code ripple.avro.BehaviorEvent}): one schema across topics. */
    RECORD("io.confluent.kafka.serializers.subject.RecordNameStrategy"),
    /** {@code <topic>-<record full name>}: several record types in one topic. */
    TOPIC_RECORD("io.confluent.kafka.serializers.subject.TopicRecordNameStrategy");

    private final String confluentClass;

    SubjectNameStrategy(String confluentClass) {
        this.confluentClass = confluentClass;
    }

    public String subject(String topic, boolean isKey, Schema schema) {
        return switch (this) {
            case TOPIC -> topic + (isKey ? "-key" : "-value");
            case RECORD -> schema.getFullName();
            case TOPIC_RECORD -> topic + "-" + schema.getFullName();
        };
    }

    /**
     * {@code topic}, {@code record} or {@code topic-record}, or the name of Confluent's strategy class (so that
     * a Confluent client's setting can be copied as it is).
     *
     * @throws IllegalArgumentException naming what is accepted
     */
    public static SubjectNameStrategy parse(String text) {
        String t = text.trim();
        for (SubjectNameStrategy s : values()) {
            if (s.name().replace('_', '-').equalsIgnoreCase(t) || s.confluentClass.equals(t)
                    || s.confluentClass.substring(s.confluentClass.lastIndexOf('.') + 1).equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("expected topic, record or topic-record (or Confluent's "
                + TOPIC.confluentClass.substring(0, TOPIC.confluentClass.lastIndexOf('.') + 1)
                + "TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy), got '" + text + "'");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
