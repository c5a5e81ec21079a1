package ripple.runtime;

import java.util.Map;
import ripple.config.RippleConfig;

/**
 * What every Kafka client of Ripple (admin, producer, consumer, and Kafka Streams underneath) is given: the brokers
 * and the {@code kafka.*} pass-through (security and other client settings), read and checked once at start.
 *
 * @param bootstrapServers {@code bootstrap.servers}
 * @param overrides        the {@code kafka.*} settings, without the prefix
 */
public record KafkaClientSettings(String bootstrapServers, Map<String, String> overrides) {

    public KafkaClientSettings {
        overrides = Map.copyOf(overrides);
    }

    public static KafkaClientSettings from(RippleConfig c) {
        return new KafkaClientSettings(c.nonEmpty("bootstrap.servers"), c.withPrefix(RippleConfig.KAFKA_PREFIX));
    }
}
