package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.Item;
import ripple.avro.ItemFeatures;
import ripple.avro.Recommendations;
import ripple.avro.RecommendedItem;
import ripple.config.RippleConfig;
import ripple.dev.SyntheticGenerator;
import ripple.embedding.DeviceMode;
import ripple.embedding.ItemEmbedder;
import ripple.embedding.ItemText;
import ripple.embedding.ModelSpec;
import ripple.embedding.TextEmbedder;

/**
 * Does online learning recover the synthetic users' hidden tastes? Items get real bge-small-zh embeddings of their
 * title, tags and description, without the category label; events carry no category either, so only what BERT
 * makes of the text can tell the topics apart. Default learning settings. Hit-rate@10 on held-out first visits is
 * compared with global popularity and with the generator's ground truth (its own affinities), over several seeds,
 * and a control run on shuffled items must not show the same gain.
 */
class LearningTest {
    private static final int EVENTS = 16_000;
    private static final double HELD_OUT_FROM = 0.5;
    private static final int K = 10;
    private static final long[] SEEDS = {7, 11, 23};
    /**
     * The share of the gap from popularity to the oracle that Ripple must close, on the mean over seeds. Measured
     * 0.509 (seeds 7, 11, 23: 0.55, 0.48, 0.50) with titles embedded without the category label, once topics were
     * read from the text (0.285 before); later 0.579 (0.62, 0.54, 0.57) at learning.rate 0.3 and 0.604 (0.62, 0.59,
     * 0.59) at 0.1, and 0.604 (0.63, 0.61, 0.57) with the faster ranking pass. The bar is the target, half
     * the gap; the margin above it leaves room for embeddings that differ slightly between CPUs.
     */
    static final double MIN_GAP_CLOSED = 0.5;

    private static SyntheticGenerator generator;
    private static Map<String, float[]> embeddings;
    /** As the embedder names them: declared, else read from the text. */
    private static Map<String, String> languages;
    private static String modelVersion;

    @TempDir
    Path stateDir;

    /** Embeds the catalogue of one seed: title, tags and description, not the category. */
    static void embedCatalogue(long seed) {
        generator = new SyntheticGenerator(SyntheticGenerator.Settings.defaults()
                .withUsers(300).withItems(240).withSeed(seed));
        embeddings = new HashMap<>();
        languages = new HashMap<>();
        try (TextEmbedder embedder = TextEmbedder.open(ModelSpec.builtIn("bge-small-zh"), DeviceMode.CPU, 2)) {
            List<Item> items = generator.items();
            List<String> texts = new ArrayList<>();
            for (Item item : items) {
                texts.add(ItemText.of(item.getTitle(), null, item.getTags(), item.getDescription(), item.getLanguage(),
                        10_000).text());
                languages.put(item.getItemId(), ItemEmbedder.PICKER.pick(item.getLanguage(), texts.get(texts.size() - 1)));
            }
            for (int from = 0; from < items.size(); from += 32) {
                int to = Math.min(items.size(), from + 32);
                float[][] v = embedder.embed(texts.subList(from, to));
                for (int i = from; i < to; i++) {
                    embeddings.put(items.get(i).getItemId(), v[i - from]);
                }
            }
            modelVersion = embedder.modelVersion();
        }
    }

    record HitRates(double ripple, double popularity, double oracle, int evaluated) {
        double gapClosed() {
            return (ripple - popularity) / (oracle - popularity);
        }
    }

    @Test
    void beatsPopularityByAMarginTheGroundTruthAllowsAndAShuffledControlDoesNot() {
        double closed = 0;
        double controlExcess = 0;
        double gap = 0;
        for (long seed : SEEDS) {
            embedCatalogue(seed);
            List<BehaviorEvent> events = withoutCategories(generator.events(EVENTS));
            HitRates real = run(events, true, "real-" + seed);
            System.out.printf("learning test, seed %d: hr@10 ripple=%.3f popularity=%.3f oracle=%.3f on %d held-out "
                    + "first visits; gap closed %.2f%n", seed, real.ripple, real.popularity, real.oracle,
                    real.evaluated, real.gapClosed());
            assertThat(real.evaluated).isGreaterThan(1000);
            assertThat(real.oracle).as("the ground truth leaves room above popularity").isGreaterThan(real.popularity + 0.05);
            HitRates control = run(shuffleItems(events, new Random(seed)), false, "control-" + seed);
            System.out.printf("shuffled control, seed %d: hr@10 ripple=%.3f popularity=%.3f on %d%n",
                    seed, control.ripple, control.popularity, control.evaluated);
            closed += real.gapClosed() / SEEDS.length;
            gap += (real.oracle - real.popularity) / SEEDS.length;
            controlExcess += (control.ripple - control.popularity) / SEEDS.length;
        }
        System.out.printf("learning test: mean gap closed %.3f over %d seeds; shuffled control excess %.3f%n",
                closed, SEEDS.length, controlExcess);
        assertThat(closed).as("Ripple closes at least %.2f of the gap from popularity to the oracle, on the mean "
                + "over seeds", MIN_GAP_CLOSED).isGreaterThan(MIN_GAP_CLOSED);
        assertThat(controlExcess).as("with tastes destroyed there is nothing to learn beyond popularity")
                .isLessThan(MIN_GAP_CLOSED * gap);
    }

    private HitRates run(List<BehaviorEvent> events, boolean withOracle, String name) {
        RippleConfig config = RippleConfig.defaultConfig()
                .with("features.text.models", "bge-small-zh")
                .with("scoring.exclude-seen", "true")
                .with("scoring.top-k", String.valueOf(K))
                .with("features.recent-items", "255");
        Path dir = stateDir.resolve(name);
        try (ScorerFixture f = new ScorerFixture(config, dir)) {
            for (Item item : generator.items()) {
                List<Float> e = new ArrayList<>();
                for (float x : embeddings.get(item.getItemId())) {
                    e.add(x);
                }
                f.features.pipeInput(item.getItemId(), ItemFeatures.newBuilder().setItemId(item.getItemId())
                        .setModelId("bge-small-zh").setModelVersion(modelVersion).setEmbedding(e)
                        .setComputedAt(ScorerFixture.T0).setLanguage(languages.get(item.getItemId())).build());
            }
            Map<String, List<String>> latest = new HashMap<>();
            Map<String, Set<String>> seen = new HashMap<>();
            Map<String, Integer> popularity = new HashMap<>();
            int evaluated = 0;
            int rippleHits = 0;
            int popularityHits = 0;
            int oracleHits = 0;
            for (int n = 0; n < events.size(); n++) {
                BehaviorEvent e = events.get(n);
                Set<String> userSeen = seen.computeIfAbsent(e.getUserId(), u -> new HashSet<>());
                boolean firstVisit = e.getType() == BehaviorType.BROWSE && !userSeen.contains(e.getItemId());
                if (n >= HELD_OUT_FROM * events.size() && firstVisit && latest.containsKey(e.getUserId())) {
                    evaluated++;
                    if (latest.get(e.getUserId()).contains(e.getItemId())) {
                        rippleHits++;
                    }
                    if (topByPopularity(popularity, userSeen).contains(e.getItemId())) {
                        popularityHits++;
                    }
                    if (withOracle && topByAffinity(e.getUserId(), userSeen).contains(e.getItemId())) {
                        oracleHits++;
                    }
                }
                f.send(e);
                userSeen.add(e.getItemId());
                popularity.merge(e.getItemId(), 1, Integer::sum);
                for (Recommendations r : f.recommendations.readValuesToList()) {
                    latest.put(r.getUserId(), r.getItems().stream().map(RecommendedItem::getItemId).toList());
                }
                f.scores.readValuesToList();
                f.weightUpdates.readValuesToList();
            }
            assertThat(f.deadLetters.isEmpty()).isTrue();
            return new HitRates((double) rippleHits / evaluated, (double) popularityHits / evaluated,
                    (double) oracleHits / evaluated, evaluated);
        }
    }

    private static List<String> topByPopularity(Map<String, Integer> counts, Set<String> exclude) {
        return counts.entrySet().stream().filter(c -> !exclude.contains(c.getKey()))
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(K).map(Map.Entry::getKey).toList();
    }

    private static List<String> topByAffinity(String user, Set<String> exclude) {
        return generator.items().stream().map(Item::getItemId).filter(i -> !exclude.contains(i))
                .sorted(Comparator.comparingDouble((String i) -> -generator.affinity(user, i)))
                .limit(K).toList();
    }

    private static List<BehaviorEvent> withoutCategories(List<BehaviorEvent> events) {
        List<BehaviorEvent> out = new ArrayList<>(events.size());
        for (BehaviorEvent e : events) {
            BehaviorEvent copy = BehaviorEvent.newBuilder(e).setContext(Map.of()).build();
            out.add(copy);
        }
        return out;
    }

    /** Same users, times and behaviour types; each event's item drawn from another event. */
    private static List<BehaviorEvent> shuffleItems(List<BehaviorEvent> events, Random random) {
        List<String> items = new ArrayList<>(events.stream().map(BehaviorEvent::getItemId).toList());
        Collections.shuffle(items, random);
        List<BehaviorEvent> out = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            out.add(BehaviorEvent.newBuilder(events.get(i)).setItemId(items.get(i)).build());
        }
        return out;
    }
}
