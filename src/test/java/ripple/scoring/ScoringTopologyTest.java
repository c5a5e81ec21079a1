package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static ripple.scoring.ScorerFixture.T0;
import static ripple.scoring.ScorerFixture.event;
import static ripple.scoring.ScorerFixture.features;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.TopologyDescription;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.features.UserState;
import ripple.avro.Recommendations;
import ripple.avro.RecommendedItem;
import ripple.avro.ScoreUpdate;
import ripple.avro.WeightUpdate;
import ripple.config.RippleConfig;
import ripple.serde.InMemorySchemaRegistry;
import ripple.metrics.RippleMetrics;
import ripple.testing.TestDrivers;
import ripple.topics.Topics;
import ripple.features.CoVisit;
import ripple.features.CooccurrenceAggregator;
import ripple.features.FeatureLayout;
import ripple.features.ItemNeighbours;
import ripple.features.ItemSignal;
import ripple.features.UserState;

class ScoringTopologyTest {
    private static final Offset<Double> EPS = Offset.offset(1e-5);
    /** A user's own weights are stored in float16: within this of what was learned (weights near 1 or less). */
    private static final float STORED_PRECISION = 2e-3f;

    @TempDir
    Path stateDir;

    @Test
    void anEventYieldsAScoreARecommendationAndAWeightUpdate() {
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig(), stateDir)) {
            for (int i = 0; i < 6; i++) {
                f.features.pipeInput("i" + i, features("i" + i, i, "v1"));
            }
            // bob's view makes i1 popular, so a source retrieves it for alice: she learns from what she was served
            f.send(event("e0", "bob", "i1", BehaviorType.BROWSE, T0.minusSeconds(1)));
            f.scores.readValue();
            f.recommendations.readValue();
            f.weightUpdates.readValue();
            f.send(event("e1", "alice", "i1", BehaviorType.PURCHASE, T0));

            ScoreUpdate score = f.scores.readValue();
            assertThat(score.getEventId()).isEqualTo("e1");
            assertThat(score.getHasTextFeatures()).isTrue();
            assertThat(score.getModelVersion()).isEqualTo("test-model@v1");
            // learning from a purchase raises the purchased item's score
            assertThat(score.getScoreAfter()).isGreaterThan(score.getScoreBefore());

            Recommendations recs = f.recommendations.readValue();
            assertThat(recs.getItems()).hasSize(6);
            assertThat(recs.getItems().get(0).getItemId()).isEqualTo("i1");

            WeightUpdate w = f.weightUpdates.readValue();
            // R(u,i) = w . f, recomputed apart from the ranker's fused per-group pass: w as published, which is
            // the stored prior plus alice's own part up to the float16 the store keeps that part in; f as the full
            // feature vector of each item
            float[] learned = new float[w.getWeights().size()];
            for (int i = 0; i < learned.length; i++) {
                learned[i] = w.getWeights().get(i);
            }
            float[] stored = learnedWeights(f, "alice");
            for (int i = 0; i < learned.length; i++) {
                assertThat(stored[i]).as("stored weight %d", i).isCloseTo(learned[i], within(STORED_PRECISION));
            }
            Ranker.View view = new Ranker(f.catalog, ScoringSettings.from(f.config).decay())
                    .view(storedUser(f, "alice"), learned, T0.toEpochMilli());
            FeatureLayout layout = f.catalog.layout();
            for (RecommendedItem r : recs.getItems()) {
                float[] x = new float[layout.size()];
                view.features(r.getItemId(), null, x);
                assertThat(r.getScore()).as("score of %s", r.getItemId()).isCloseTo(dot(learned, x, 0, x.length), EPS);
                assertThat(r.getText()).as("text of %s", r.getItemId())
                        .isCloseTo(dot(learned, x, 0, layout.textDims()), EPS);
                assertThat(r.getInfluence()).as("influence of %s", r.getItemId())
                        .isCloseTo(dot(learned, x, layout.influenceOffset(), layout.contextOffset()), EPS);
                assertThat(r.getContext()).as("context of %s", r.getItemId())
                        .isCloseTo(dot(learned, x, layout.contextOffset(), x.length), EPS);
            }

            assertThat(w.getStep()).isEqualTo(1);
            assertThat(w.getDeltaNorm()).isPositive();
            assertThat(w.getWeights()).hasSize(8 + FeatureLayout.INFLUENCE + FeatureLayout.CONTEXT);
            assertThat(w.getLoss()).isPositive();
            assertThat(f.deadLetters.isEmpty()).isTrue();
        }
    }

    @Test
    void eachEventLearnsWithItsOwnScenariosStrength() {
        // social purchases teach nothing here; events alternate between the two scenarios
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig().with("learning.strengths.social",
                "PURCHASE:0"), stateDir)) {
            for (int i = 0; i < 6; i++) {
                f.features.pipeInput("i" + i, features("i" + i, i, "v1"));
            }
            f.send(event("e0", "bob", "i1", BehaviorType.BROWSE, T0.minusSeconds(1)));
            f.weightUpdates.readValue();
            String[] scenarios = {"ecommerce", "social", "social", "ecommerce", "social"};
            for (int n = 0; n < scenarios.length; n++) {
                BehaviorEvent e = event("p" + n, "u" + n, "i1", BehaviorType.PURCHASE, T0.plusSeconds(n));
                e.setScenario(scenarios[n]);
                f.send(e);
                WeightUpdate w = f.weightUpdates.readValue();
                if (scenarios[n].equals("social")) {
                    assertThat(w.getLoss()).as("event %d (%s)", n, scenarios[n]).isZero();
                } else {
                    assertThat(w.getLoss()).as("event %d (%s)", n, scenarios[n]).isPositive();
                }
            }
        }
    }

    @Test
    void learnsEachUsersTasteFromTextFeatures() {
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig(), stateDir)) {
            for (int i = 0; i < 8; i++) {
                f.features.pipeInput("i" + i, features("i" + i, i, "v1"));
            }
            // alice buys around axis 1, bob around axis 5; neither ever touches i2 or i6
            for (int n = 0; n < 30; n++) {
                f.send(event("a" + n, "alice", n % 2 == 0 ? "i0" : "i1", BehaviorType.CLICK, T0.plusSeconds(n)));
                f.send(event("b" + n, "bob", n % 2 == 0 ? "i4" : "i5", BehaviorType.CLICK, T0.plusSeconds(n)));
            }
            List<Recommendations> all = f.recommendations.readValuesToList();
            Recommendations alice = last(all, "alice");
            Recommendations bob = last(all, "bob");
            assertThat(rank(alice, "i2")).isLessThan(rank(alice, "i6"));
            assertThat(rank(bob, "i6")).isLessThan(rank(bob, "i2"));
        }
    }

    @Test
    void itemsWithoutAnEmbeddingAreScoredOnTheOtherGroupsAndSaySo() {
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig(), stateDir)) {
            f.features.pipeInput("i0", features("i0", 0, "v1"));
            f.send(event("e1", "alice", "unknown-item", BehaviorType.CLICK, T0));
            ScoreUpdate s = f.scores.readValue();
            assertThat(s.getHasTextFeatures()).isFalse();
            assertThat(f.deadLetters.isEmpty()).isTrue();
        }
    }

    @Test
    void neverMixesEmbeddingsOfTwoModelVersions() {
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig(), stateDir)) {
            f.features.pipeInput("i0", features("i0", 0, "v1"));
            f.features.pipeInput("i1", features("i1", 1, "v1"));
            // the model changed: i1 is re-embedded by v2 (computed later), i0 not yet
            var newer = features("i1", 1, "v2");
            newer.setComputedAt(T0.plusSeconds(60));
            f.features.pipeInput("i1", newer);
            // bob's view makes i1 popular, so a source retrieves it for alice
            f.send(event("e0", "bob", "i1", BehaviorType.CLICK, T0.plusSeconds(60)));
            f.scores.readValue();
            f.recommendations.readValue();
            f.send(event("e1", "alice", "i0", BehaviorType.CLICK, T0.plusSeconds(61)));
            assertThat(f.scores.readValue().getHasTextFeatures()).isFalse();
            Recommendations recs = f.recommendations.readValue();
            assertThat(recs.getModelVersion()).isEqualTo("test-model@v2");
            RecommendedItem i0 = recs.getItems().stream().filter(r -> r.getItemId().equals("i0")).findFirst().orElseThrow();
            RecommendedItem i1 = recs.getItems().stream().filter(r -> r.getItemId().equals("i1")).findFirst().orElseThrow();
            assertThat(i0.getHasTextFeatures()).isFalse();
            assertThat(i0.getText()).isZero();
            assertThat(i1.getHasTextFeatures()).isTrue();
        }
    }

    @Test
    void otherUsersBehaviourRaisesAnItemsInfluence() {
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig(), stateDir)) {
            f.features.pipeInput("i0", features("i0", 0, "v1"));
            f.features.pipeInput("hot", features("hot", 3, "v1"));
            f.send(event("e0", "alice", "i0", BehaviorType.PURCHASE, T0));
            double before = influenceOf(f.recommendations.readValuesToList(), "hot");
            for (int u = 0; u < 20; u++) {
                f.send(event("h" + u, "user" + u, "hot", BehaviorType.PURCHASE, T0.plusSeconds(1 + u)));
            }
            f.recommendations.readValuesToList();
            // alice never touched "hot", yet everyone's purchases move her score of it
            f.send(event("e1", "alice", "i0", BehaviorType.PURCHASE, T0.plusSeconds(30)));
            double after = influenceOf(f.recommendations.readValuesToList(), "hot");
            assertThat(before).isZero();
            // raises: everyone's purchases must count for the item, not against it
            assertThat(after).isPositive();
        }
    }

    @Test
    void coVisitsReachEveryCataloguesNeighboursThroughTheByItemTopic() {
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig(), stateDir)) {
            f.send(event("e0", "alice", "i1", BehaviorType.CLICK, T0));
            f.send(event("e1", "alice", "i2", BehaviorType.CLICK, T0.plusSeconds(5)));
            // both directions, and both aggregates fed from the one repartition topic
            assertThat(f.catalog.get("i1").neighbours().ids()).containsExactly("i2");
            assertThat(f.catalog.get("i2").neighbours().ids()).containsExactly("i1");
            assertThat(f.catalog.get("i1").influence()).isNotNull();
            assertThat(f.catalog.get("i2").influence()).isNotNull();
        }
    }

    /**
     * A signal's co-visits update the item's co-occurrence aggregate once, together, and leave it as one co-visit a
     * signal would have: the item's co-visit with itself skipped, the others counted in turn.
     */
    @Test
    void aSignalsCoVisitsCountInOneUpdateAsTheyWouldOneBySignal() {
        long t = T0.toEpochMilli();
        List<ItemSignal> together = List.of(new ItemSignal(null,
                List.of(new CoVisit("a", t), new CoVisit("x", t), new CoVisit("b", t + 60_000))));
        List<ItemSignal> apart = List.of(ItemSignal.of(new CoVisit("a", t)), ItemSignal.of(new CoVisit("x", t)),
                ItemSignal.of(new CoVisit("b", t + 60_000)));
        ByItemRun one = byItemRun(together, stateDir.resolve("together"));
        ByItemRun each = byItemRun(apart, stateDir.resolve("apart"));

        assertThat(one.published()).hasSize(1);
        assertThat(each.published()).hasSize(2);
        assertThat(one.kept()).isEqualTo(each.kept());
        ItemNeighbours last = one.published().get(0);
        ItemNeighbours lastApart = each.published().get(1);
        assertThat(last.ids()).containsExactly("b", "a").isEqualTo(lastApart.ids());
        assertThat(last.counts()).isEqualTo(lastApart.counts());
        assertThat(last.selfCount()).isEqualTo(lastApart.selfCount());
    }

    /** What the by-item topology published for item x, and kept in its co-occurrence store, after the signals. */
    private record ByItemRun(List<ItemNeighbours> published, byte[] kept) {
    }

    private static ByItemRun byItemRun(List<ItemSignal> signals, Path dir) {
        RippleConfig config = ScorerFixture.testConfig();
        ScoringSettings settings = ScoringSettings.from(config);
        Topics topics = Topics.create(config, new InMemorySchemaRegistry());
        try (TopologyTestDriver driver = new TopologyTestDriver(
                ScoringTopology.byItem(settings, topics, ScoringTopology.Wiring.live(RippleMetrics.noop())),
                TestDrivers.props("ripple-test-by-item", dir), T0)) {
            TestInputTopic<String, ItemSignal> in = driver.createInputTopic(topics.itemSignals.name(),
                    Serdes.String().serializer(), topics.itemSignals.valueSerde().serializer());
            TestOutputTopic<String, ItemNeighbours> out = driver.createOutputTopic(topics.itemNeighbours.name(),
                    Serdes.String().deserializer(), topics.itemNeighbours.valueSerde().deserializer());
            for (ItemSignal s : signals) {
                in.pipeInput("x", s, T0);
            }
            KeyValueStore<String, ValueAndTimestamp<byte[]>> store =
                    driver.getTimestampedKeyValueStore(CooccurrenceAggregator.STORE);
            return new ByItemRun(out.readValuesToList(), store.get("x").value());
        }
    }

    @Test
    void theByItemAggregatesAreOneSubTopologyOfTheirOwnApartFromTheScorer() {
        RippleConfig config = ScorerFixture.testConfig();
        ScoringSettings settings = ScoringSettings.from(config);
        Topics topics = Topics.create(config, new InMemorySchemaRegistry());
        ScoringTopology.Wiring wiring = ScoringTopology.Wiring.live(RippleMetrics.noop());
        TopologyDescription scorer = ScoringTopology.scorer(settings, topics, settings.newCatalog(), wiring).describe();
        TopologyDescription byItem = ScoringTopology.byItem(settings, topics, wiring).describe();

        // the scorer only writes the signals: nothing by item on its thread, and no repartition
        Set<String> scorerNodes = new TreeSet<>();
        Set<String> scorerSinks = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : scorer.subtopologies()) {
            for (TopologyDescription.Node n : sub.nodes()) {
                scorerNodes.add(n.name());
                if (n instanceof TopologyDescription.Sink sink && sink.topic() != null) {
                    scorerSinks.add(sink.topic());
                }
            }
        }
        assertThat(scorerNodes).doesNotContain("item-influence", "item-cooccurrence");
        assertThat(scorerSinks).contains(topics.itemSignals.name()).noneMatch(t -> t.endsWith("-repartition"));

        // under exactly-once, each task with a changed cached aggregate costs a produce round trip at every commit
        assertThat(byItem.subtopologies()).hasSize(1);
        TopologyDescription.Subtopology sub = byItem.subtopologies().iterator().next();
        Set<String> nodes = new TreeSet<>();
        Set<String> sources = new TreeSet<>();
        for (TopologyDescription.Node n : sub.nodes()) {
            nodes.add(n.name());
            if (n instanceof TopologyDescription.Source source) {
                sources.addAll(source.topicSet());
            }
        }
        assertThat(nodes).contains("item-influence", "item-cooccurrence");
        assertThat(sources).containsExactly(topics.itemSignals.name());
    }

    @Test
    void dropsDuplicateEventIdsWithinTheWindowOnly() {
        var config = ScorerFixture.testConfig().with("events.dedupe-window", "10m");
        try (ScorerFixture f = new ScorerFixture(config, stateDir)) {
            f.send(event("dup", "alice", "i0", BehaviorType.CLICK, T0));
            f.send(event("dup", "alice", "i0", BehaviorType.CLICK, T0.plusSeconds(5)));
            f.send(event("other", "alice", "i0", BehaviorType.CLICK, T0.plusSeconds(6)));
            // outside the window the same id is a new event again
            f.send(event("dup", "alice", "i0", BehaviorType.CLICK, T0.plus(Duration.ofMinutes(30))));
            List<String> ids = f.weightUpdates.readValuesToList().stream().map(WeightUpdate::getEventId).toList();
            assertThat(ids).containsExactly("dup", "other", "dup");
        }
    }

    @Test
    void fillsMissingFieldsWithDefaults() {
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig(), stateDir)) {
            BehaviorEvent e = event(null, "", "i0", BehaviorType.CLICK, null);
            e.setScenario(null);
            f.events.pipeInput("alice", e, T0.plusSeconds(7));
            ScoreUpdate s = f.scores.readValue();
            assertThat(s.getUserId()).isEqualTo("alice");
            assertThat(s.getEventId()).startsWith("derived-");
            assertThat(s.getEventTime()).isEqualTo(T0.plusSeconds(7));
            // the derived id is stable: a re-sent copy is a duplicate
            f.events.pipeInput("alice", event(null, "alice", "i0", BehaviorType.CLICK, null), T0.plusSeconds(7));
            assertThat(f.scores.isEmpty()).isTrue();
        }
    }

    /** Restart with the same state directory is covered on a real broker in ScorerIntegrationTest: this driver wipes its directory on close. */
    @Test
    void userStateLivesInRocksDb() {
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig(), stateDir)) {
            f.features.pipeInput("i0", features("i0", 0, "v1"));
            f.send(event("e1", "alice", "i0", BehaviorType.CART, T0));
            var store = f.driver.getKeyValueStore(ScoringProcessor.USER_STORE);
            assertThat(store.persistent()).isTrue();
            assertThat(store.get("alice")).isNotNull();
            Path rocks = stateDir.resolve("ripple-test/0_0/rocksdb/" + ScoringProcessor.USER_STORE);
            assertThat(rocks.resolve("CURRENT")).as("a RocksDB database for the user store").exists();
        }
    }

    /**
     * With learning.prior-checkpoint-interval above 0 the prior reaches its store (and its changelog) on that
     * wall-clock schedule, and only then; at 0ms, the default, after every event.
     */
    @Test
    void thePriorIsCheckpointedOnItsScheduleOrAfterEveryEventAtZero() {
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig()
                .with("learning.prior-checkpoint-interval", "100ms"), stateDir)) {
            f.features.pipeInput("i0", features("i0", 0, "v1"));
            f.features.pipeInput("i1", features("i1", 1, "v1"));
            f.send(event("e0", "alice", "i0", BehaviorType.CART, T0));
            f.send(event("e1", "alice", "i1", BehaviorType.CART, T0.plusSeconds(1)));
            assertThat(storedPriorStep(f)).as("nothing written before the first checkpoint").isNull();
            f.driver.advanceWallClockTime(Duration.ofMillis(100));
            long first = storedPriorStep(f);
            assertThat(first).as("the prior learned, and the checkpoint wrote it").isPositive();
            f.send(event("e2", "alice", "i0", BehaviorType.CART, T0.plusSeconds(2)));
            assertThat(storedPriorStep(f)).as("unchanged until the next checkpoint").isEqualTo(first);
            f.driver.advanceWallClockTime(Duration.ofMillis(100));
            assertThat(storedPriorStep(f)).isGreaterThan(first);
        }
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig()
                .with("learning.prior-checkpoint-interval", "0ms"), stateDir.resolve("every-event"))) {
            f.features.pipeInput("i0", features("i0", 0, "v1"));
            f.features.pipeInput("i1", features("i1", 1, "v1"));
            f.send(event("e0", "alice", "i0", BehaviorType.CART, T0));
            f.send(event("e1", "alice", "i1", BehaviorType.CART, T0.plusSeconds(1)));
            long afterTwo = storedPriorStep(f);
            assertThat(afterTwo).isPositive();
            f.send(event("e2", "alice", "i0", BehaviorType.CART, T0.plusSeconds(2)));
            assertThat(storedPriorStep(f)).isGreaterThan(afterTwo);
        }
    }

    /** The step of the prior in its store, or null when none was written. */
    private static Long storedPriorStep(ScorerFixture f) {
        byte[] prior = f.driver.<String, byte[]>getKeyValueStore(ScoringProcessor.PRIOR_STORE)
                .get(ScoringProcessor.PRIOR_KEY);
        return prior == null ? null : UserState.decode(prior).weights().step;
    }

    @Test
    void aUsersOwnPartIsStoredInFloat16AndThePriorInFull() {
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig(), stateDir)) {
            for (int i = 0; i < 4; i++) {
                f.features.pipeInput("i" + i, features("i" + i, i, "v1"));
            }
            for (int i = 0; i < 6; i++) {
                f.send(event("e" + i, "alice", "i" + i % 4, BehaviorType.CART, T0.plusSeconds(i)));
            }
            byte[] user = f.driver.<String, byte[]>getKeyValueStore(ScoringProcessor.USER_STORE).get("alice");
            byte[] prior = f.driver.<String, byte[]>getKeyValueStore(ScoringProcessor.PRIOR_STORE)
                    .get(ScoringProcessor.PRIOR_KEY);
            // version 5, then the flags: bit 0 is "the user's part in float16", bit 2 "catalogue hints" (UserStateCodec)
            assertThat(user[0]).isEqualTo((byte) 5);
            assertThat(user[1] & 1).as("a user's part, AdaGrad by default: float16").isEqualTo(1);
            assertThat(user[1] & 4).as("where the ranker found the user's items").isEqualTo(4);
            assertThat(prior[0]).isEqualTo((byte) 5);
            assertThat(prior[1] & 1).as("the shared prior: float32").isZero();
            assertThat(UserState.decode(prior).weights().step).as("the prior learned").isPositive();
        }
    }

    @Test
    void anErasureTombstoneRemovesEverythingKeptAboutTheUser() {
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig(), stateDir)) {
            f.features.pipeInput("i0", features("i0", 0, "v1"));
            f.send(event("e1", "alice", "i0", BehaviorType.CART, T0));
            f.send(event("e2", "bob", "i0", BehaviorType.CART, T0));
            f.recommendations.readValuesToList();
            var erasure = f.driver.createInputTopic(f.topics.userErasure.name(),
                    org.apache.kafka.common.serialization.Serdes.String().serializer(),
                    org.apache.kafka.common.serialization.Serdes.ByteArray().serializer());
            erasure.pipeInput("alice", null, T0.plusSeconds(1));

            assertThat(f.driver.getKeyValueStore(ScoringProcessor.USER_STORE).get("alice")).isNull();
            assertThat(f.driver.getKeyValueStore(ScoringProcessor.USER_STORE).get("bob")).isNotNull();
            var tombstone = f.recommendations.readKeyValue();
            assertThat(tombstone.key).isEqualTo("alice");
            assertThat(tombstone.value).isNull();
            // the changelog's last word on alice is a tombstone, so compaction removes her state there too
            var changelog = f.driver.createOutputTopic("ripple-test-" + ScoringProcessor.USER_STORE + "-changelog",
                    org.apache.kafka.common.serialization.Serdes.String().deserializer(),
                    org.apache.kafka.common.serialization.Serdes.ByteArray().deserializer());
            byte[] lastForAlice = new byte[0];
            for (var kv : changelog.readKeyValuesToList()) {
                if (kv.key.equals("alice")) {
                    lastForAlice = kv.value;
                }
            }
            assertThat(lastForAlice).isNull();
            // a later event starts alice afresh
            f.send(event("e3", "alice", "i0", BehaviorType.CLICK, T0.plusSeconds(2)));
            assertThat(f.weightUpdates.readValuesToList()).last().extracting(WeightUpdate::getStep).isEqualTo(1L);
        }
    }

    @Test
    void coalescesABurstIntoOneRecomputationPerInterval() {
        var config = ScorerFixture.testConfig().with("scoring.coalesce-interval", "10s");
        try (ScorerFixture f = new ScorerFixture(config, stateDir)) {
            for (int i = 0; i < 4; i++) {
                f.features.pipeInput("i" + i, features("i" + i, i, "v1"));
            }
            for (int n = 0; n < 5; n++) {
                f.send(event("b" + n, "alice", "i" + (n % 4), BehaviorType.CLICK, T0.plusMillis(300L * n)));
            }
            assertThat(f.weightUpdates.readValuesToList()).hasSize(5);
            assertThat(f.recommendations.readValuesToList()).extracting(Recommendations::getEventId).containsExactly("b0");
            f.driver.advanceWallClockTime(Duration.ofSeconds(10));
            List<Recommendations> later = f.recommendations.readValuesToList();
            assertThat(later).extracting(Recommendations::getEventId).containsExactly("b4");
            assertThat(later.get(0).getEventTime()).isEqualTo(T0.plusMillis(1200));
            // nothing pending any more: the next tick publishes nothing
            f.driver.advanceWallClockTime(Duration.ofSeconds(10));
            assertThat(f.recommendations.isEmpty()).isTrue();
            // an event after the interval recomputes at once
            f.send(event("b5", "alice", "i1", BehaviorType.CLICK, T0.plusSeconds(30)));
            assertThat(f.recommendations.readValuesToList()).extracting(Recommendations::getEventId).containsExactly("b5");
        }
    }

    @Test
    void aLongPauseThenABurstIsProcessedCompletely() {
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig(), stateDir)) {
            for (int i = 0; i < 8; i++) {
                f.features.pipeInput("i" + i, features("i" + i, i, "v1"));
            }
            for (int n = 0; n < 50; n++) {
                f.send(event("before" + n, "u" + (n % 5), "i" + (n % 8), BehaviorType.CLICK, T0.plusSeconds(n)));
            }
            // a week of silence (the wall clock moves on too), then 2,000 events within two seconds
            f.driver.advanceWallClockTime(Duration.ofDays(7));
            java.time.Instant after = T0.plus(Duration.ofDays(7));
            for (int n = 0; n < 2000; n++) {
                f.send(event("burst" + n, "u" + (n % 40), "i" + (n % 8), BehaviorType.values()[1 + n % 5],
                        after.plusMillis(n)));
            }
            List<WeightUpdate> updates = f.weightUpdates.readValuesToList();
            assertThat(updates).hasSize(2050);
            assertThat(updates.stream().map(WeightUpdate::getEventId).distinct().count()).isEqualTo(2050);
            assertThat(f.deadLetters.isEmpty()).isTrue();
            assertThat(updates).allSatisfy(w -> assertThat(w.getLoss()).isFinite());
        }
    }

    /** The weights the scorer ranks a user with: the task's stored prior plus the user's own stored part. */
    private static float[] learnedWeights(ScorerFixture f, String user) {
        UserModels models = new UserModels(f.catalog);
        byte[] prior = (byte[]) f.driver.getKeyValueStore(ScoringProcessor.PRIOR_STORE).get(ScoringProcessor.PRIOR_KEY);
        return models.load(user, (byte[]) f.driver.getKeyValueStore(ScoringProcessor.USER_STORE).get(user),
                models.prior(prior)).weights();
    }

    private static UserState storedUser(ScorerFixture f, String user) {
        UserModels models = new UserModels(f.catalog);
        return models.load(user, (byte[]) f.driver.getKeyValueStore(ScoringProcessor.USER_STORE).get(user),
                models.prior(null)).user();
    }

    private static double dot(float[] w, float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (double) w[i] * x[i];
        }
        return s;
    }

    private static Recommendations last(List<Recommendations> all, String user) {
        Recommendations r = null;
        for (Recommendations x : all) {
            if (x.getUserId().equals(user)) {
                r = x;
            }
        }
        return r;
    }

    private static int rank(Recommendations r, String item) {
        for (int i = 0; i < r.getItems().size(); i++) {
            if (r.getItems().get(i).getItemId().equals(item)) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    private static double influenceOf(List<Recommendations> all, String item) {
        Recommendations r = all.get(all.size() - 1);
        return r.getItems().stream().filter(x -> x.getItemId().equals(item)).findFirst().orElseThrow().getInfluence();
    }
}
