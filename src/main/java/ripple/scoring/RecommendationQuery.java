package ripple.scoring;

import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import ripple.features.ItemCatalog;
import ripple.ops.UserLookup;

/**
 * A user's current recommendations through Kafka Streams interactive queries on the scorer's {@code user-state}
 * store. The user's partition may live on another instance; the answer then names that instance, found in the
 * metadata every instance publishes through {@code application.server}.
 */
public final class RecommendationQuery implements UserLookup {
    private final KafkaStreams scorer;
    private final ItemCatalog catalog;
    private final ScoringSettings settings;
    private final HostInfo self;

    public RecommendationQuery(KafkaStreams scorer, ItemCatalog catalog, ScoringSettings settings, HostInfo self) {
        this.scorer = scorer;
        this.catalog = catalog;
        this.settings = settings;
        this.self = self;
    }

    @Override
    public Answer recommendations(String userId) {
        KeyQueryMetadata where = scorer.queryMetadataForKey(ScoringProcessor.USER_STORE, userId,
                Serdes.String().serializer());
        if (where == null || where.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return new Unavailable("the scorer's partitions are not assigned yet (state " + scorer.state() + ")");
        }
        if (!where.activeHost().equals(self)) {
            return new Elsewhere(where.activeHost());
        }
        try {
            // the user's own partition for both stores: each task keeps its own prior, and ranks with every task's
            return UserRanking.of(userId, store(ScoringProcessor.USER_STORE, where.partition()),
                            store(ScoringProcessor.PRIOR_STORE, where.partition()),
                            settings.sharesPriors() ? globalStore(ScoringTopology.TASK_PRIORS_STORE) : null,
                            where.partition(), catalog, settings)
                    .<Answer>map(r -> new Found(json(r)))
                    .orElseGet(NotFound::new);
        } catch (InvalidStateStoreException e) {
            // migrating or restoring: the partition is ours in the metadata but its store is not open for reading
            return new Unavailable("the user's state is not queryable now: " + e.getMessage());
        }
    }

    private ReadOnlyKeyValueStore<String, byte[]> store(String name, int partition) {
        return scorer.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, byte[]>keyValueStore())
                .withPartition(partition));
    }

    private ReadOnlyKeyValueStore<String, byte[]> globalStore(String name) {
        return scorer.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, byte[]>keyValueStore()));
    }

    /** The JSON body: records, so Jackson writes the fields in this order. */
    public record Body(String userId, String asOf, long step, String modelVersion, String servedBy, List<Item> items) {
    }

    public record Item(String itemId, double score, Contributions contributions, boolean hasText) {
    }

    /** What each feature group added to the score: "why this item". */
    public record Contributions(double text, double influence, double context) {
    }

    private Body json(UserRanking r) {
        List<Item> items = r.items().stream().map(s -> new Item(s.itemId(), s.score(),
                new Contributions(s.text(), s.influence(), s.context()), s.hasText())).toList();
        return new Body(r.userId(), r.asOf().toString(), r.step(), r.modelVersion(), self.host() + ":" + self.port(),
                items);
    }
}
