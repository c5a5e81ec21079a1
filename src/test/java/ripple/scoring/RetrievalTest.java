package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import ripple.avro.BehaviorType;
import ripple.config.RippleConfig;
import ripple.features.FeatureLayout;
import ripple.features.ItemCatalog;
import ripple.features.ItemNeighbours;
import ripple.features.RetrievalSettings.Source;
import ripple.features.UserState;

/** The first stage: bounded candidates from every source, each remembering its sources, whatever the catalogue size. */
class RetrievalTest {
    private static final long NOW = ScorerFixture.T0.toEpochMilli();

    private static ScoringSettings settings(String sources) {
        return ScoringSettings.from(ScorerFixture.testConfig()
                .with("scoring.sources", sources).with("scoring.candidates", "20").with("scoring.popular-items", "10"));
    }

    /** items i0..i(n-1) in 50 categories; lower numbers are more popular. */
    private static ItemCatalog catalog(ScoringSettings s, int n) {
        ItemCatalog catalog = s.newCatalog();
        for (int i = 0; i < n; i++) {
            float count = n - i;
            catalog.putInfluence("i" + i, new ItemCatalog.Influence(new float[] {count, 0, 0, 0, 0}, NOW, count,
                    "c" + i % 50));
        }
        return catalog;
    }

    /** Every even-numbered item of the first {@code n} gets a random 16-dim text of the test model. */
    private static void putRandomText(ItemCatalog catalog, int n, java.util.SplittableRandom rnd) {
        for (int i = 0; i < n; i += 2) {
            catalog.putFeatures("i" + i, "test-model", "v1", gaussian(new float[16], rnd), NOW, null, null);
        }
    }

    /** Fills v with standard normal values; returns it. */
    private static float[] gaussian(float[] v, java.util.SplittableRandom rnd) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    private static UserState userWhoTouched(ScoringSettings s, String... items) {
        UserState u = UserState.startingFrom(new float[s.layout().size()], s.layout().textDims(), 0);
        long t = NOW - 1000L * items.length;
        for (String item : items) {
            int i = Integer.parseInt(item.substring(1));
            u.history().observe(item, "c" + i % 50, BehaviorType.CLICK, t++, null, 0.5f, null, s.decay(), 24, 12);
        }
        return u;
    }

    @Test
    void everySourceProposesAndTheCandidatesRememberWhichDid() {
        ScoringSettings s = settings("recent,covisit,popular,category,text");
        ItemCatalog catalog = catalog(s, 2000);
        catalog.putNeighbours("i777", new ItemNeighbours(NOW, 10f, new String[] {"i1500"}, new float[] {4f}));
        UserState user = userWhoTouched(s, "i777");
        Ranker.View view = new Ranker(catalog, s.decay()).view(user, new float[s.layout().size()], NOW);
        Candidates c = view.candidates();

        assertThat(Source.RECENT.in(c.sources(catalog.get("i777")))).isTrue();
        assertThat(Source.COVISIT.in(c.sources(catalog.get("i1500")))).isTrue();
        // i0 is the most popular overall; i27 the most popular of i777's category (c27)
        assertThat(Source.POPULAR.in(c.sources(catalog.get("i0")))).isTrue();
        assertThat(Source.CATEGORY.in(c.sources(catalog.get("i27")))).isTrue();
        for (int i = 0; i < c.size(); i++) {
            assertThat(c.entry(i).category()).isNotNull();
            assertThat(c.sourcesAt(i)).as("every candidate has a source").isNotZero();
        }

        float[] f = new float[s.layout().size()];
        view.features("i1500", null, f);
        int ctx = s.layout().contextOffset();
        assertThat(f[ctx + FeatureLayout.CTX_COVISIT]).isGreaterThan(0f);
        assertThat(f[ctx + FeatureLayout.CTX_SOURCES + Source.COVISIT.ordinal()]).isEqualTo(1f);
        assertThat(f[ctx + FeatureLayout.CTX_SOURCES + Source.RECENT.ordinal()]).isZero();
        view.features("i777", null, f);
        assertThat(f[ctx + FeatureLayout.CTX_RECENT_RANK]).isEqualTo(1f);
        assertThat(f[ctx + FeatureLayout.CTX_TYPE_COUNTS]).as("one click on it").isGreaterThan(0f);
        assertThat(f[ctx + FeatureLayout.CTX_CATEGORY_RECENT_RANK]).isEqualTo(1f);
    }

    @Test
    void aSourceLeftOutProposesNothing() {
        ScoringSettings s = settings("recent,popular");
        ItemCatalog catalog = catalog(s, 500);
        catalog.putNeighbours("i77", new ItemNeighbours(NOW, 10f, new String[] {"i400"}, new float[] {4f}));
        UserState user = userWhoTouched(s, "i77");
        Candidates c = new Ranker(catalog, s.decay()).view(user, new float[s.layout().size()], NOW).candidates();
        assertThat(c.size()).isGreaterThan(1);
        for (int i = 0; i < c.size(); i++) {
            assertThat(Source.COVISIT.in(c.sourcesAt(i)) || Source.CATEGORY.in(c.sourcesAt(i))).isFalse();
        }
        assertThat(c.contains(catalog.get("i400"))).isFalse();
        assertThat(c.contains(catalog.get("i77"))).isTrue();
    }

    /** A catalogue 100 times larger gives the same number of candidates: the cost of an event does not grow with it. */
    @Test
    void theCandidateCountDoesNotGrowWithTheCatalogue() {
        ScoringSettings s = settings("recent,covisit,popular,category,text");
        int small = candidateCount(s, 1_000);
        int large = candidateCount(s, 100_000);
        assertThat(small).isGreaterThan(20);
        assertThat(large).isEqualTo(small);
    }

    /**
     * scoring.candidates bounds each source, the category source too, though it reads two lists per category: a
     * user of six categories takes the head of every list (each list's first items) within the bound.
     */
    @Test
    void theCategorySourceProposesAtMostItsBoundTakingTheHeadOfEveryList() {
        ScoringSettings s = settings("category"); // 20 per source, 10 items per popularity list
        ItemCatalog catalog = catalog(s, 2000);
        // six categories (c1..c6), each with two lists of 10: 60 distinct items before the bound
        UserState user = userWhoTouched(s, "i1", "i2", "i3", "i4", "i5", "i6");
        Candidates c = new Ranker(catalog, s.decay()).view(user, new float[s.layout().size()], NOW).candidates();
        assertThat(c.size()).isEqualTo(20);
        for (int category = 1; category <= 6; category++) {
            // i<category> is its category's most popular item, all-time and recently: it must be in
            assertThat(c.contains(catalog.get("i" + category))).as("head of c%d", category).isTrue();
        }
    }

    /**
     * The popular source reads two lists (recent and all-time) under one bound: with lists as long as the bound
     * and no item in both, it proposes the bound, the recent list first.
     */
    @Test
    void thePopularSourceKeepsOneBoundForItsTwoLists() {
        ScoringSettings s = ScoringSettings.from(ScorerFixture.testConfig().with("scoring.sources", "popular")
                .with("scoring.candidates", "20").with("scoring.popular-items", "20"));
        ItemCatalog catalog = s.newCatalog();
        long monthAgo = NOW - 30L * 24 * 3600 * 1000;
        for (int i = 0; i < 40; i++) {
            // i0..i19: many events a month ago (all-time leaders, decayed away); i20..i39: a few events now
            boolean old = i < 20;
            float count = old ? 1000 - i : 60 - i;
            catalog.putInfluence("i" + i, new ItemCatalog.Influence(new float[] {count, 0, 0, 0, 0},
                    old ? monthAgo : NOW, count, "c"));
        }
        UserState user = userWhoTouched(s);
        Candidates c = new Ranker(catalog, s.decay()).view(user, new float[s.layout().size()], NOW).candidates();
        assertThat(c.size()).isEqualTo(20);
        for (int i = 20; i < 40; i++) {
            assertThat(c.contains(catalog.get("i" + i))).as("recently popular i%d", i).isTrue();
        }
    }

    private static int candidateCount(ScoringSettings s, int n) {
        ItemCatalog catalog = catalog(s, n);
        UserState user = userWhoTouched(s, "i3", "i5", "i8");
        return new Ranker(catalog, s.decay()).view(user, new float[s.layout().size()], NOW).candidates().size();
    }

    /** The ranker's one-pass scoring of a candidate is exactly w . f with f as learning and the probe see it. */
    @Test
    void aCandidatesScoreIsTheDotProductOfItsFeatures() {
        ScoringSettings s = settings("recent,covisit,popular,category,text");
        ItemCatalog catalog = catalog(s, 300);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(9);
        putRandomText(catalog, 300, rnd);
        catalog.putNeighbours("i4", new ItemNeighbours(NOW, 10f, new String[] {"i8", "i9"}, new float[] {4f, 2f}));
        UserState user = userWhoTouched(s, "i4", "i6", "i7", "i10", "i4");
        gaussian(user.history().textProfile, rnd);
        float[] w = gaussian(new float[s.layout().size()], rnd);
        Ranker.View view = new Ranker(catalog, s.decay()).view(user, w, NOW);
        List<Ranker.Scored> ranked = view.rankCandidates();
        assertThat(ranked).hasSizeGreaterThan(20);
        assertThat(ranked).anyMatch(Ranker.Scored::hasText).anyMatch(r -> !r.hasText());
        for (Ranker.Scored r : ranked) {
            float[] f = view.candidateFeatures(catalog.get(r.itemId()));
            // the ranking pass sums the text products in float, the feature path in double
            double dot = OnlineLearner.dot(w, f);
            assertThat(r.score()).as(r.itemId()).isCloseTo(dot,
                    org.assertj.core.data.Offset.offset(1e-6 * Math.max(1, Math.abs(dot))));
            assertThat(r.score()).isCloseTo(r.text() + r.influence() + r.context(), org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThat(ranked).isSortedAccordingTo(Ranker.ORDER);
    }

    /**
     * topK selects with a bounded heap instead of sorting every candidate: it must be the head of the full ranking,
     * ties included (zero weights: every score is 0, so the catalogue index alone orders them), minus the user's
     * recent items under exclude-seen.
     */
    @Test
    void topKIsTheHeadOfTheFullRankingWithoutTheSeenItems() {
        ScoringSettings s = settings("recent,covisit,popular,category,text");
        ItemCatalog catalog = catalog(s, 300);
        UserState user = userWhoTouched(s, "i4", "i6", "i7", "i10", "i4", "i0", "i1");
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        float[] random = gaussian(new float[s.layout().size()], rnd);
        for (float[] w : List.of(new float[s.layout().size()], random)) {
            Ranker.View view = new Ranker(catalog, s.decay()).view(user, w, NOW);
            List<Ranker.Scored> ranked = view.rankCandidates();
            for (int k : new int[] {1, 5, 20, ranked.size() + 3}) {
                assertThat(view.topK(k, false)).as("k=%d", k)
                        .isEqualTo(ranked.subList(0, Math.min(k, ranked.size())));
                List<Ranker.Scored> unseen = ranked.stream()
                        .filter(r -> user.history().recentRank(r.itemId()) < 0).limit(k).toList();
                assertThat(unseen).noneMatch(r -> List.of("i0", "i1", "i4").contains(r.itemId()));
                assertThat(view.topK(k, true)).as("k=%d, exclude-seen", k).isEqualTo(unseen);
            }
        }
    }

    /**
     * The view after an event takes the catalogue lookups of the view before it (by the history's records, which
     * the event reorders) and must rank exactly as a view made afresh: the event repeats an item (moved to the
     * front) and brings a new one in a new category, so lookups taken by position would go wrong.
     */
    @Test
    void theViewAfterAnEventRanksAsAFreshViewDoes() {
        ScoringSettings s = settings("recent,covisit,popular,category");
        ItemCatalog catalog = catalog(s, 300);
        catalog.putNeighbours("i6", new ItemNeighbours(NOW, 10f, new String[] {"i250", "i251"}, new float[] {4f, 2f}));
        catalog.putNeighbours("i99", new ItemNeighbours(NOW, 10f, new String[] {"i260"}, new float[] {3f}));
        UserState user = userWhoTouched(s, "i4", "i6", "i7", "i10", "i0", "i1");
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(9);
        float[] w = gaussian(new float[s.layout().size()], rnd);
        Ranker ranker = new Ranker(catalog, s.decay());
        for (String item : List.of("i6", "i99")) {
            Ranker.View before = ranker.view(user, w, NOW);
            before.candidates();
            int i = Integer.parseInt(item.substring(1));
            user.history().observe(item, "c" + i % 50, BehaviorType.CART, NOW, null, 0.5f, null, s.decay(), 24, 12);
            Ranker.View after = ranker.view(user, w, NOW, before);
            Ranker.View fresh = ranker.view(user, w, NOW);

            assertThat(after.rankCandidates()).as("after %s", item).isEqualTo(fresh.rankCandidates());
            assertThat(after.topK(10, true)).as("after %s, exclude-seen", item).isEqualTo(fresh.topK(10, true));
        }
    }

    /**
     * A ranker reuses its candidate tables: a view keeps its own while one later view is made (the view after the
     * event), and reading it after a second one fails rather than reading another user's candidates.
     */
    @Test
    void aViewIsRefusedOnceTwoLaterViewsTookItsTables() {
        ScoringSettings s = settings("recent,popular");
        ItemCatalog catalog = catalog(s, 100);
        float[] w = new float[s.layout().size()];
        Ranker ranker = new Ranker(catalog, s.decay());
        Ranker.View first = ranker.view(userWhoTouched(s, "i4", "i6"), w, NOW);
        List<Ranker.Scored> ranked = first.rankCandidates();
        ranker.view(userWhoTouched(s, "i50"), w, NOW).candidates();
        assertThat(first.rankCandidates()).as("one later view").isEqualTo(ranked);
        ranker.view(userWhoTouched(s, "i70"), w, NOW).candidates();
        org.assertj.core.api.Assertions.assertThatThrownBy(first::rankCandidates)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("two later views");
    }

    /**
     * A user with fewer events than scoring.text-query.cold-events is searched with the prior's text query, and
     * every such user shares that search; from then on with their own. Items i0..i39 lie along one text direction,
     * i40..i79 along another; the prior's text weights point along the first, the user's along the second.
     */
    @Test
    void aColdUserIsSearchedWithThePriorsTextQueryAndAWarmOneWithTheirOwn() {
        ScoringSettings s = settings("text");
        ItemCatalog catalog = catalog(s, 80);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (int i = 0; i < 80; i++) {
            float[] embedding = new float[16];
            embedding[i < 40 ? 0 : 1] = 1f;
            for (int d = 2; d < embedding.length; d++) {
                embedding[d] = (float) (0.05 * rnd.nextGaussian());
            }
            catalog.putFeatures("i" + i, "test-model", "v1", embedding, NOW, null, null);
        }
        float[] priorWeights = new float[s.layout().size()];
        catalog.textFeatures(catalog.get("i0"), priorWeights);
        java.util.Arrays.fill(priorWeights, s.layout().textDims(), priorWeights.length, 0f);
        float[] own = new float[s.layout().size()];
        catalog.textFeatures(catalog.get("i40"), own);
        java.util.Arrays.fill(own, s.layout().textDims(), own.length, 0f);
        UserState prior = UserState.startingFrom(priorWeights, s.layout().textDims(), 0);
        Ranker ranker = new Ranker(catalog, s.decay());
        int cold = s.retrieval().textQueryColdEvents();
        assertThat(cold).as("the default").isEqualTo(16);

        UserState newcomer = userWhoTouched(s);
        newcomer.weights().step = cold - 1;
        List<Integer> priorHits = textCandidates(ranker.view("u1", newcomer, prior, own, NOW).candidates());
        assertThat(priorHits).hasSize(20).allMatch(i -> i < 40);
        assertThat(textCandidates(ranker.view("u2", userWhoTouched(s), prior, own, NOW).candidates()))
                .as("another cold user: the same search").isEqualTo(priorHits);

        UserState regular = userWhoTouched(s);
        regular.weights().step = cold;
        assertThat(textCandidates(ranker.view("u3", regular, prior, own, NOW).candidates()))
                .hasSize(20).allMatch(i -> i >= 40);
        assertThat(textCandidates(ranker.view(newcomer, null, own, NOW).candidates()))
                .as("without a prior, the user's own query").allMatch(i -> i >= 40);
    }

    /**
     * A view asked about one item (the event's, before it is learned) answers without gathering every candidate when
     * no source's list holds it, and must answer as if it had: the same source bits, the same co-occurrence score
     * to the bit, so the same features and score. Every bounded source here has more in its lists than its bound
     * (co-occurrence: 3 recent items with 10 neighbours each, over a bound of 20; categories: 6 with two lists of
     * 10), so items in a list but cut by the bound are asked about too.
     */
    @Test
    void anItemsSourcesAndScoreAreTheSameWhetherOrNotEveryCandidateWasGathered() {
        ScoringSettings s = settings("recent,covisit,popular,category,text");
        ItemCatalog catalog = catalog(s, 400);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(13);
        putRandomText(catalog, 400, rnd);
        String[] touched = {"i4", "i61", "i117", "i202", "i303", "i355"};
        for (String item : touched) {
            String[] ids = new String[10];
            float[] counts = new float[ids.length];
            for (int j = 0; j < ids.length; j++) {
                ids[j] = "i" + rnd.nextInt(400);
                counts[j] = (float) rnd.nextDouble(1, 8);
            }
            catalog.putNeighbours(item, new ItemNeighbours(NOW, 20f, ids, counts));
        }
        UserState user = userWhoTouched(s, touched);
        gaussian(user.history().textProfile, rnd);
        float[] w = gaussian(new float[s.layout().size()], rnd);
        Ranker.View full = new Ranker(catalog, s.decay()).view(user, w, NOW);
        Candidates all = full.candidates();
        assertThat(all.size()).isGreaterThan(60);
        Ranker ranker = new Ranker(catalog, s.decay());
        int answeredAlone = 0;
        for (int i = 0; i < 400; i++) {
            String item = "i" + i;
            Ranker.View alone = ranker.view(user, w, NOW);
            assertThat(alone.score(item, null)).as(item).isEqualTo(full.score(item, null));
            assertThat(alone.proposed(item)).as(item).isEqualTo(all.contains(catalog.get(item)));
            if (!alone.gathered()) {
                answeredAlone++;
                assertThat(all.contains(catalog.get(item))).as(item).isFalse();
            }
        }
        assertThat(answeredAlone).as("items no list holds, answered without gathering").isGreaterThan(100);
        assertThat(ranker.view(user, w, NOW).score("not-in-catalogue", "c3")).isEqualTo(full.score("not-in-catalogue", "c3"));
    }

    /**
     * The co-occurrence source and feature, by their definition: a neighbour's score is the sum over the user's
     * recent items (most recent first) of its normalised co-occurrence with each over 1 + the item's place; the
     * source proposes the neighbours in the order first found when they all fit the bound, else the best by score,
     * best first. Checked where they fit (three recent items with 5 neighbours each, summed into the candidates
     * directly) and where they do not (three with 10 each, over a bound of 20: through a table of their own).
     */
    @Test
    void coOccurrenceScoresAndOrderAreTheSameWhetherEveryNeighbourFitsTheBoundOrNot() {
        ScoringSettings s = settings("recent,covisit");
        for (int perItem : new int[] {5, 10}) {
            ItemCatalog catalog = catalog(s, 400);
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(perItem);
            String[] touched = {"i4", "i61", "i117"};
            for (String item : touched) {
                String[] ids = new String[perItem];
                float[] counts = new float[perItem];
                for (int j = 0; j < perItem; j++) {
                    ids[j] = j == 0 ? "i300" : "i" + rnd.nextInt(400); // i300 a neighbour of all three
                    counts[j] = (float) rnd.nextDouble(1, 8);
                }
                catalog.putNeighbours(item, new ItemNeighbours(NOW, 20f, ids, counts));
            }
            UserState user = userWhoTouched(s, touched);
            Map<Integer, Double> expected = new java.util.LinkedHashMap<>();
            for (int pos = 0; pos < touched.length; pos++) {
                ItemCatalog.Covisits c = catalog.covisits(catalog.get(touched[touched.length - 1 - pos]), NOW);
                for (int i = 0; i < c.indexes().length; i++) {
                    if (c.scores()[i] > 0) {
                        expected.merge(c.indexes()[i], 1.0 / (1 + pos) * c.scores()[i], Double::sum);
                    }
                }
            }
            List<Integer> proposed = new java.util.ArrayList<>(expected.keySet());
            if (proposed.size() > 20) {
                proposed.sort((a, b) -> Double.compare(expected.get(b), expected.get(a)) != 0
                        ? Double.compare(expected.get(b), expected.get(a)) : Integer.compare(a, b));
                proposed = proposed.subList(0, 20);
            }

            Ranker.View view = new Ranker(catalog, s.decay()).view(user, new float[s.layout().size()], NOW);
            Candidates all = view.candidates();
            List<Integer> covisitOrder = new java.util.ArrayList<>();
            for (int p = 0; p < all.size(); p++) {
                int index = all.indexAt(p);
                if (Source.COVISIT.in(all.sourcesAt(p))) {
                    covisitOrder.add(index);
                }
                assertThat(all.scoreAt(p)).as("%d neighbours each: i%d", perItem, index)
                        .isEqualTo(expected.getOrDefault(index, 0.0));
            }
            // in the order first found when all fit, else best first
            List<Integer> firstFound = new java.util.ArrayList<>(expected.size() > 20 ? proposed : expected.keySet());
            List<Integer> recentFirst = new java.util.ArrayList<>();
            for (int r = touched.length - 1; r >= 0; r--) {
                int index = catalog.get(touched[r]).index;
                if (firstFound.contains(index)) {
                    recentFirst.add(index); // the recent source proposed it first
                }
            }
            firstFound.removeAll(recentFirst);
            recentFirst.addAll(firstFound);
            assertThat(covisitOrder).as("%d neighbours each", perItem).containsExactlyElementsOf(recentFirst);
            float[] f = new float[s.layout().size()];
            view.features("i300", null, f);
            assertThat((double) f[s.layout().contextOffset() + FeatureLayout.CTX_COVISIT])
                    .isEqualTo((double) (float) (double) expected.get(catalog.get("i300").index));
        }
    }

    /** The catalogue numbers of the candidates the text source proposed, in the order proposed. */
    private static List<Integer> textCandidates(Candidates c) {
        List<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            if (Source.TEXT.in(c.sourcesAt(i))) {
                out.add(Integer.parseInt(c.entry(i).itemId.substring(1)));
            }
        }
        return out;
    }

    @Test
    void equalScoresGoToTheEarlierCatalogueItem() {
        List<Ranker.Scored> scored = new java.util.ArrayList<>(List.of(
                new Ranker.Scored("b", 5, 1.0, 0, 0, 0, false, 0),
                new Ranker.Scored("a", 2, 1.0, 0, 0, 0, false, 0),
                new Ranker.Scored("c", 9, 2.0, 0, 0, 0, false, 0)));
        scored.sort(Ranker.ORDER);
        assertThat(scored).extracting(Ranker.Scored::itemId).containsExactly("c", "a", "b");
    }

    @Test
    void anUnknownSourceNameFailsNamingTheSetting() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScoringSettings.from(RippleConfig.defaultConfig()
                        .with("scoring.sources", "recent,friends")))
                .hasMessageContaining("scoring.sources").hasMessageContaining("friends");
    }
}
