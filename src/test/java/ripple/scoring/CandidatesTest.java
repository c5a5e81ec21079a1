package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import ripple.features.ItemCatalog;
import ripple.features.ItemNeighbours;

/** The candidate merge: each entry once, in the order first proposed, with every source's bits and added scores. */
class CandidatesTest {
    /** A catalogue of items i0, i1, ... (catalogue indexes 0, 1, ...). */
    private static ItemCatalog catalogOf(int items) {
        ItemCatalog catalog = ScoringSettings.from(ScorerFixture.testConfig()).newCatalog();
        for (int i = 0; i < items; i++) {
            catalog.putNeighbours("i" + i, new ItemNeighbours(0, 1f, new String[0], new float[0]));
        }
        return catalog;
    }

    @Test
    void mergesLikeAnInsertionOrderedMapThroughEveryGrowth() {
        ItemCatalog catalog = catalogOf(5000);
        SplittableRandom rnd = new SplittableRandom(11);
        Candidates candidates = new Candidates(catalog, 4);
        Map<ItemCatalog.Entry, Integer> bits = new LinkedHashMap<>();
        Map<ItemCatalog.Entry, Double> scores = new LinkedHashMap<>();
        for (int n = 0; n < 3000; n++) {
            // dense and clustered indexes, many repeats: what the sources propose
            ItemCatalog.Entry e = catalog.entry(rnd.nextBoolean() ? rnd.nextInt(200) : rnd.nextInt(5000));
            if (rnd.nextInt(4) == 0) {
                double s = rnd.nextDouble();
                candidates.addScore(e, e.index, s, 0);
                scores.merge(e, s, Double::sum);
                bits.putIfAbsent(e, 0);
            } else {
                int b = 1 << rnd.nextInt(5);
                switch (rnd.nextInt(3)) {
                    case 0 -> candidates.add(e, b);
                    case 1 -> candidates.add(e, e.index, b);
                    // by index alone, as the text neighbours are: the entry is looked up when asked for
                    default -> candidates.add(null, e.index, b);
                }
                bits.merge(e, b, (x, y) -> x | y);
            }
        }
        candidates.add(null, 1);

        assertThat(candidates.size()).isEqualTo(bits.size());
        List<ItemCatalog.Entry> order = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            order.add(candidates.entry(i));
            assertThat(candidates.indexAt(i)).isEqualTo(candidates.entry(i).index);
            assertThat(candidates.sourcesAt(i)).isEqualTo(bits.get(candidates.entry(i)));
        }
        assertThat(order).containsExactlyElementsOf(bits.keySet());
        bits.forEach((e, b) -> {
            assertThat(candidates.contains(e)).isTrue();
            assertThat(candidates.sources(e)).isEqualTo(b);
            assertThat(candidates.score(e)).isCloseTo(scores.getOrDefault(e, 0.0), org.assertj.core.data.Offset.offset(1e-12));
        });
        for (int i = 0; i < catalog.size(); i++) {
            ItemCatalog.Entry e = catalog.entry(i);
            if (!bits.containsKey(e)) {
                assertThat(candidates.contains(e)).isFalse();
                assertThat(candidates.sources(e)).isZero();
                assertThat(candidates.score(e)).isZero();
            }
        }
        assertThat(candidates.contains(null)).isFalse();
    }

    /**
     * A cleared table serves the next view as a new one would, round after round, through its growth and back to
     * small views in the grown table. The indexes are dense, so many share a probe run: a slot left set, or a
     * neighbour's emptied instead, would answer for an item of the round before.
     */
    @Test
    void aClearedTableHoldsNothingOfTheRoundBefore() {
        ItemCatalog catalog = catalogOf(3000);
        SplittableRandom rnd = new SplittableRandom(17);
        Candidates candidates = new Candidates(catalog, 16);
        for (int round = 0; round < 6; round++) {
            Map<ItemCatalog.Entry, Integer> bits = new LinkedHashMap<>();
            Map<ItemCatalog.Entry, Double> scores = new LinkedHashMap<>();
            int proposals = round % 2 == 0 ? 1500 : 40; // a large view, then a small one in the grown table
            for (int n = 0; n < proposals; n++) {
                ItemCatalog.Entry e = catalog.entry(rnd.nextInt(round * 300, round * 300 + 600));
                int b = 1 << rnd.nextInt(5);
                candidates.add(e, b);
                bits.merge(e, b, (x, y) -> x | y);
                if (round < 2 && rnd.nextBoolean()) { // scores left from the first rounds must not reach later ones
                    candidates.addScore(e, e.index, 0.5, 0);
                    scores.merge(e, 0.5, Double::sum);
                }
            }
            assertThat(candidates.size()).as("round %d", round).isEqualTo(bits.size());
            for (int i = 0; i < catalog.size(); i++) {
                ItemCatalog.Entry e = catalog.entry(i);
                assertThat(candidates.sources(e)).as("round %d, item %d", round, i).isEqualTo(bits.getOrDefault(e, 0));
                assertThat(candidates.score(e)).isEqualTo(scores.getOrDefault(e, 0.0));
            }
            List<ItemCatalog.Entry> order = new ArrayList<>();
            for (int i = 0; i < candidates.size(); i++) {
                order.add(candidates.entry(i));
            }
            assertThat(order).containsExactlyElementsOf(bits.keySet());
            candidates.clear();
            assertThat(candidates.isEmpty()).isTrue();
        }
    }

    @Test
    void sortsPositionsByScoreThenCatalogueIndexAsAComparatorWould() {
        ItemCatalog catalog = catalogOf(500);
        SplittableRandom rnd = new SplittableRandom(5);
        Candidates candidates = new Candidates(catalog, 16);
        // sizes around the sort's runs of 16 and their merges, up to a few hundred candidates, growing and shrinking
        // (the sort keeps its buffers from one call to the next)
        int[] previous = null;
        int[] previousCopy = null;
        for (int proposals : new int[] {0, 1, 2, 15, 16, 17, 31, 33, 64, 100, 400, 20, 300, 400}) {
            candidates.clear();
            for (int n = 0; n < proposals; n++) {
                // few distinct scores, so that many ties fall to the catalogue index
                ItemCatalog.Entry e = catalog.entry(rnd.nextInt(500));
                candidates.addScore(e, e.index, rnd.nextInt(6) * 0.25, 0);
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < candidates.size(); i++) {
                expected.add(i);
            }
            expected.sort(java.util.Comparator.<Integer>comparingDouble(i -> -candidates.scoreAt(i))
                    .thenComparingInt(i -> candidates.entry(i).index));
            int[] sorted = candidates.positionsByScore();
            assertThat(sorted).as("%d proposals", proposals)
                    .containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
            if (previous != null) {
                assertThat(previous).as("a result kept from the sort before").containsExactly(previousCopy);
            }
            previous = sorted;
            previousCopy = sorted.clone();
        }
    }

    @Test
    void addBitSaysWhetherTheBitWasNew() {
        ItemCatalog catalog = catalogOf(1);
        ItemCatalog.Entry a = catalog.entry(0);
        Candidates candidates = new Candidates(catalog, 4);
        assertThat(candidates.addBit(a, a.index, 2)).isTrue();
        assertThat(candidates.addBit(a, a.index, 2)).isFalse();
        assertThat(candidates.addBit(a, a.index, 4)).isTrue();
        assertThat(candidates.sources(a)).isEqualTo(6);
        assertThat(candidates.size()).isEqualTo(1);
    }
}
