package ripple.features;

import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ripple.avro.ItemFeatures;

/**
 * Global-store processors that keep an {@link ItemCatalog} in step with the item-features and item-influence
 * topics. On start they load whatever the global store restored, then apply each new record.
 * A record that cannot be decoded is logged and skipped: a global store cannot forward to dead-letters, and
 * one bad record must not stop every scorer.
 */
public final class CatalogUpdaters {
    private static final Logger log = LoggerFactory.getLogger(CatalogUpdaters.class);

    public static final String FEATURES_STORE = "item-features-global";
    public static final String INFLUENCE_STORE = "item-influence-global";
    public static final String NEIGHBOURS_STORE = "item-neighbours-global";

    private CatalogUpdaters() {
    }

    /** Stores raw bytes and hands each decoded value to the catalog. */
    private abstract static class Updater implements Processor<String, byte[], Void, Void> {
        private final String storeName;
        private KeyValueStore<String, byte[]> store;

        Updater(String storeName) {
            this.storeName = storeName;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(storeName);
            try (KeyValueIterator<String, byte[]> it = store.all()) {
                int n = 0;
                while (it.hasNext()) {
                    var kv = it.next();
                    apply(kv.key, kv.value);
                    n++;
                }
                log.info("loaded {} entries from {}", n, storeName);
            }
        }

        @Override
        public void process(Record<String, byte[]> record) {
            if (record.key() == null) {
                return;
            }
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
            }
            apply(record.key(), record.value());
        }

        private void apply(String key, byte[] value) {
            try {
                update(key, value);
            } catch (RuntimeException e) {
                log.warn("skipped undecodable record for key '{}' in {}: {}", key, storeName, e.toString());
            }
        }

        abstract void update(String key, byte[] value);
    }

    public static Processor<String, byte[], Void, Void> features(ItemCatalog catalog, Deserializer<ItemFeatures> deserializer,
                                                                  String topic) {
        return new Updater(FEATURES_STORE) {
            @Override
            void update(String itemId, byte[] value) {
                if (value == null) {
                    catalog.removeFeatures(itemId);
                    return;
                }
                ItemFeatures f = deserializer.deserialize(topic, value);
                float[] embedding = new float[f.getEmbedding().size()];
                for (int i = 0; i < embedding.length; i++) {
                    embedding[i] = f.getEmbedding().get(i);
                }
                catalog.putFeatures(itemId, f.getModelId(), f.getModelVersion(), embedding,
                        f.getComputedAt().toEpochMilli(), f.getCategory(), f.getLanguage());
            }
        };
    }

    /**
     * A global store's processor that keeps each record's bytes in {@code storeName} and hands it (null: deleted)
     * to {@code update}, as the catalogue's are; at start, every stored one. A record {@code update} cannot decode
     * is logged and skipped.
     */
    public static Processor<String, byte[], Void, Void> updater(String storeName,
                                                                 BiConsumer<String, byte[]> update) {
        return new Updater(storeName) {
            @Override
            void update(String key, byte[] value) {
                update.accept(key, value);
            }
        };
    }

    public static Processor<String, byte[], Void, Void> influence(ItemCatalog catalog) {
        InfluenceSerde serde = new InfluenceSerde();
        return new Updater(INFLUENCE_STORE) {
            @Override
            void update(String itemId, byte[] value) {
                if (value != null) {
                    catalog.putInfluence(itemId, serde.deserialize(null, value));
                }
            }
        };
    }

    public static Processor<String, byte[], Void, Void> neighbours(ItemCatalog catalog) {
        ItemNeighboursSerde serde = new ItemNeighboursSerde();
        return new Updater(NEIGHBOURS_STORE) {
            @Override
            void update(String itemId, byte[] value) {
                if (value != null) {
                    catalog.putNeighbours(itemId, serde.deserialize(null, value));
                }
            }
        };
    }
}
