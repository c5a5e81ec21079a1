package ripple.topics;

import ripple.config.ConfigException;
import ripple.config.RippleConfig;
import ripple.serde.SerdeSettings;
import ripple.serde.SubjectNameStrategy;

/**
 * The {@code topics.*} settings and the serializers' {@code schema.registry.*} ones, read and checked once at start,
 * so that {@link Topics} and {@link TopicAdmin} need no configuration of their own.
 *
 * @param partitions  of the topics Ripple creates
 * @param byItemPartitions of the item-signals topic, which carries events and co-visits by item to the item
 *                    aggregates ({@code topics.by-item-partitions}; 0 in the settings reads as {@code partitions})
 * @param replication of the topics Ripple creates and its changelogs; -1 for the broker's default
 */
public record TopicSettings(String behaviorEvents, String items, String itemFeatures, String scores,
                            String recommendations, String weightUpdates, String deadLetters, String itemInfluence,
                            String itemNeighbours, String taskPriors, String userErasure, String itemSignals,
                            int partitions, int byItemPartitions, short replication,
                            SerdeSettings serde) {

    public static TopicSettings from(RippleConfig c) {
        return new TopicSettings(c.nonEmpty("topics.behavior-events"), c.nonEmpty("topics.items"),
                c.nonEmpty("topics.item-features"), c.nonEmpty("topics.scores"), c.nonEmpty("topics.recommendations"),
                c.nonEmpty("topics.weight-updates"), c.nonEmpty("topics.dead-letters"),
                c.nonEmpty("topics.item-influence"), c.nonEmpty("topics.item-neighbours"),
                c.nonEmpty("topics.task-priors"),
                c.nonEmpty("topics.user-erasure"), c.nonEmpty("topics.item-signals"), c.intValue("topics.partitions"),
                byItemPartitions(c), replicationFactor(c), serdeSettings(c));
    }

    private static int byItemPartitions(RippleConfig c) {
        int n = c.intValue("topics.by-item-partitions");
        return n == 0 ? c.intValue("topics.partitions") : n;
    }

    /**
     * {@code topics.replication-factor}: -1 (the default) leaves it to the broker's {@code default.replication.factor},
     * so that a production cluster's changelogs and topics get its replication rather than 1.
     */
    public static short replicationFactor(RippleConfig c) {
        int rf = c.intValue("topics.replication-factor");
        if (rf == 0) {
            throw new ConfigException("topics.replication-factor",
                    "invalid value '0': expected -1 (the broker's default.replication.factor) or a positive number");
        }
        return (short) rf;
    }

    /** The serializer settings, Confluent's names after {@code schema.registry.}. */
    public static SerdeSettings serdeSettings(RippleConfig c) {
        boolean register = c.bool("schema.registry.auto.register.schemas");
        boolean latest = c.bool("schema.registry.use.latest.version");
        if (register && latest) {
            throw new ConfigException("schema.registry.use.latest.version",
                    "true needs schema.registry.auto.register.schemas=false (a registering serializer writes its own schema)");
        }
        return new SerdeSettings(register, latest, strategy(c, "schema.registry.key.subject.name.strategy"),
                strategy(c, "schema.registry.value.subject.name.strategy"));
    }

    private static SubjectNameStrategy strategy(RippleConfig c, String key) {
        try {
            return SubjectNameStrategy.parse(c.string(key));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, e.getMessage());
        }
    }
}
