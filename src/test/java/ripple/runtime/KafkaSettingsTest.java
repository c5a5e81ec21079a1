package ripple.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import ripple.config.ConfigException;
import ripple.config.RippleConfig;

class KafkaSettingsTest {

    private static Properties streams(RippleConfig c) {
        return KafkaSettings.streams(KafkaStreamsSettings.from(c), "");
    }

    @Test
    void clientsReadTheBrokersAndThePassThroughOnlyAndStreamsCheckTheirOwnSettingsAtOnce() {
        RippleConfig c = RippleConfig.of(Map.of("bootstrap.servers", "b1:9092", "kafka.security.protocol", "SSL",
                "processing.guarantee", "at_most_once"), Map.of());
        // a command that only produces or reads does not care about Kafka Streams' settings, as before
        assertThat(KafkaSettings.client(KafkaClientSettings.from(c))).containsOnly(
                Map.entry("bootstrap.servers", "b1:9092"), Map.entry("security.protocol", "SSL"));
        assertThatThrownBy(() -> KafkaStreamsSettings.from(c))
                .isInstanceOf(ConfigException.class).hasMessageContaining("processing.guarantee");
        assertThatThrownBy(() -> KafkaClientSettings.from(c.with("bootstrap.servers", " ")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bootstrap.servers");
    }

    @Test
    void theConfigurationShortcutsGiveWhatTheRecordsGive() {
        RippleConfig c = RippleConfig.of(Map.of("kafka.client.dns.lookup", "use_all_dns_ips",
                "streams.num.standby.replicas", "1", "instance.id", " a "), Map.of());
        assertThat(KafkaSettings.client(c)).isEqualTo(KafkaSettings.client(KafkaClientSettings.from(c)));
        assertThat(KafkaSettings.streams(c, "-x")).isEqualTo(KafkaSettings.streams(KafkaStreamsSettings.from(c), "-x"));
        assertThat(KafkaSettings.streams(c, "-x")).containsEntry(StreamsConfig.APPLICATION_ID_CONFIG,
                c.string("application.id") + "-x").containsEntry("main.consumer.group.instance.id", "a");
    }

    @Test
    void kafkaStreamsKeysPassThroughUnderTheStreamsPrefixAndWinOverRipplesOwn() {
        RippleConfig c = RippleConfig.of(Map.of("streams.commit.interval.ms", "50", "commit.interval", "1s"),
                Map.of("RIPPLE_STREAMS_NUM_STANDBY_REPLICAS", "1"));
        Properties p = streams(c);
        assertThat(p.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo("50");
        assertThat(p.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo("1");
        // and Kafka Streams accepts what came through
        assertThat(new StreamsConfig(p).getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(1);
        assertThat(KafkaSettings.client(KafkaClientSettings.from(c))).doesNotContainKey(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG);
    }

    @Test
    void aBareKafkaStreamsKeyNamesThePrefixToUse() {
        assertThatThrownBy(() -> RippleConfig.of(Map.of("commit.interval.ms", "100"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("streams.commit.interval.ms");
        assertThatThrownBy(() -> RippleConfig.of(Map.of("scoring.topk", "5"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageNotContaining("streams.");
    }

    @Test
    void replicationDefaultsToTheBrokersDefault() {
        RippleConfig c = RippleConfig.defaultConfig();
        assertThat(KafkaStreamsSettings.from(c).replication()).isEqualTo((short) -1);
        assertThat(streams(c).get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(-1);
        assertThat(KafkaStreamsSettings.from(c.with("topics.replication-factor", "3")).replication())
                .isEqualTo((short) 3);
        assertThatThrownBy(() -> KafkaStreamsSettings.from(c.with("topics.replication-factor", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("topics.replication-factor");
    }

    @Test
    void theGlobalAndRestoreConsumersWaitLittleAtTheLogEndAndTheMainConsumerKeepsKafkasDefault() {
        StreamsConfig sc = new StreamsConfig(streams(RippleConfig.defaultConfig()));
        assertThat(sc.getGlobalConsumerConfigs("c").get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG))
                .isEqualTo(KafkaSettings.RESTORE_FETCH_MAX_WAIT_MS);
        assertThat(sc.getRestoreConsumerConfigs("c").get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG))
                .isEqualTo(KafkaSettings.RESTORE_FETCH_MAX_WAIT_MS);
        assertThat(sc.getMainConsumerConfigs("g", "c", 0)).doesNotContainKey(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);
        assertThat(KafkaSettings.RESTORE_FETCH_MAX_WAIT_MS).isLessThan(ConsumerConfig.DEFAULT_FETCH_MAX_WAIT_MS);

        // an operator's own value wins
        RippleConfig own = RippleConfig.of(Map.of("streams.global.consumer.fetch.max.wait.ms", "200"), Map.of());
        assertThat(new StreamsConfig(streams(own)).getGlobalConsumerConfigs("c")
                .get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG)).isEqualTo("200");
    }

    @Test
    void exactlyOnceUsesTransactionalStateStoresUnlessTheOperatorSaysOtherwise() {
        RippleConfig c = RippleConfig.defaultConfig();
        assertThat(new StreamsConfig(streams(c)).getBoolean(
                StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG)).isTrue();
        assertThat(new StreamsConfig(streams(c.with("processing.guarantee", "at_least_once")))
                .getBoolean(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG)).isFalse();
        RippleConfig off = RippleConfig.of(Map.of("streams.enable.transactional.statestores", "false"), Map.of());
        assertThat(new StreamsConfig(streams(off)).getBoolean(
                StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG)).isFalse();
    }
}
