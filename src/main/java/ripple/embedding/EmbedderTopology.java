package ripple.embedding;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;
import ripple.avro.DeadLetter;
import ripple.avro.ItemFeatures;
import ripple.events.DeadLetters;
import ripple.topics.Topics;

/**
 * The embedder role: items in, item features and dead letters out.
 * <pre>
 * items (bytes) -> embed (validate, skip unchanged text, buffer, embed in batches) -+-> item-features
 *                                                                                   +-> dead-letters
 * </pre>
 * A deleted item (a tombstone) deletes its features. An item whose text, declared language and model are
 * unchanged since its last embedding is not embedded again.
 *
 * <p><b>Model changes.</b> The embedder runs under its own application id, which includes the embedder's
 * version: {@link #applicationId}. When the configured model changes, so does the version, and with it the
 * consumer group: the new group has no committed offsets, reads the compacted items topic from the
 * beginning and re-embeds the whole catalogue, with fresh state stores, while features of the old version
 * stay readable until each item is overwritten. The scorer never mixes versions: it scores with the newest
 * version of each model only.
 */
public final class EmbedderTopology {
    private EmbedderTopology() {
    }

    public static Topology build(EmbedderSettings settings, Topics topics, ItemEmbedder embedder) {
        return build(settings, topics, embedder, new EmbedderMetrics());
    }

    /** With given counters, so that the runtime can export them and a test can read them. */
    public static Topology build(EmbedderSettings settings, Topics topics, ItemEmbedder embedder,
                                 EmbedderMetrics metrics) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(EmbedderProcessor.PENDING_STORE), Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(EmbedderProcessor.HASH_STORE), Serdes.String(), Serdes.String()));

        // raw bytes, so that a record the serde cannot read becomes a dead letter instead of a stopped task
        KStream<String, SpecificRecord> embedded = builder
                .stream(topics.items.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .process(() -> new EmbedderProcessor(settings, embedder, topics.items.valueSerde().deserializer(),
                        metrics), Named.as("embed"), EmbedderProcessor.PENDING_STORE, EmbedderProcessor.HASH_STORE);
        Map<String, KStream<String, SpecificRecord>> split = embedded.split(Named.as("embed-"))
                .branch((k, v) -> v instanceof DeadLetter, Branched.as("rejected"))
                .defaultBranch(Branched.as("features"));
        // the features branch also carries the tombstones (null values) of deleted items
        split.get("embed-features").mapValues(v -> (ItemFeatures) v)
                .to(topics.itemFeatures.name(), topics.itemFeatures.produced());
        split.get("embed-rejected")
                .map((k, v) -> KeyValue.pair(DeadLetters.originalKey((DeadLetter) v), (DeadLetter) v))
                .to(topics.deadLetters.name(), topics.deadLetters.produced());
        return builder.build();
    }

    /**
     * {@code <base>-embedder-<first 12 characters of the embedder version>}: one consumer group, and one
     * set of state stores, per model version (see the class comment).
     */
    public static String applicationId(String baseAppId, String embedderVersion) {
        // versions are hex; anything else (a hand-made ItemEmbedder) is made legal for a group id and topic names
        String v = embedderVersion.replaceAll("[^A-Za-z0-9._-]", "_");
        return baseAppId + "-embedder-" + v.substring(0, Math.min(12, v.length()));
    }
}
