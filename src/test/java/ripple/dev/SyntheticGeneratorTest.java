package ripple.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.Item;
import ripple.dev.SyntheticGenerator.Settings;

class SyntheticGeneratorTest {

    private static final SyntheticGenerator GEN = new SyntheticGenerator(Settings.defaults());
    private static final List<BehaviorEvent> EVENTS = GEN.events(100_000);

    @Test
    void sameSeedGivesSameCatalogueAndStream() {
        SyntheticGenerator again = new SyntheticGenerator(Settings.defaults());
        assertThat(again.items()).isEqualTo(GEN.items());
        assertThat(again.events(1_000)).isEqualTo(EVENTS.subList(0, 1_000));
        // each call restarts the stream
        assertThat(GEN.events(1_000)).isEqualTo(EVENTS.subList(0, 1_000));

        SyntheticGenerator other = new SyntheticGenerator(Settings.defaults().withSeed(7));
        assertThat(other.items()).extracting(Item::getTitle)
                .isNotEqualTo(GEN.items().stream().map(Item::getTitle).toList());
        assertThat(other.events(1_000)).isNotEqualTo(EVENTS.subList(0, 1_000));
    }

    @Test
    void catalogueIsBilingualWithTopicalText() {
        List<Item> items = GEN.items();
        List<Item> zh = items.stream().filter(i -> "zh".equals(i.getLanguage())).toList();
        List<Item> en = items.stream().filter(i -> "en".equals(i.getLanguage())).toList();
        assertThat(zh.size() + en.size()).isEqualTo(items.size());
        assertThat(zh.size()).isBetween(200, 300);
        assertThat(zh).allSatisfy(i -> assertThat(hasHan(i.getTitle())).as(i.getTitle()).isTrue());
        assertThat(en).allSatisfy(i -> assertThat(i.getTitle()).as(i.getTitle()).matches("[\\x20-\\x7E]+"));

        for (Item item : items) {
            int topic = GEN.topicOf(item.getItemId());
            assertThat(item.getCategory()).isEqualTo(GEN.topicName(topic));
            assertThat(item.getTags()).hasSizeBetween(2, 3);
            String text = item.getTitle() + " " + item.getDescription() + " " + String.join(" ", item.getTags());
            for (int other = 0; other < Theme.BUILT_IN.size(); other++) {
                boolean ownTopic = other == topic;
                long mentioned = Theme.BUILT_IN.get(other).products("zh".equals(item.getLanguage())).stream()
                        .filter(text::contains).count();
                // the item's own products, and none of any other topic's
                assertThat(mentioned > 0).as("%s mentions topic %d", text, other).isEqualTo(ownTopic);
            }
        }
        // an adjective inside its product phrase would read "Wireless Wireless Earbuds"
        for (Theme t : Theme.BUILT_IN) {
            for (boolean chinese : new boolean[] {false, true}) {
                for (String adjective : t.adjectives(chinese)) {
                    assertThat(t.products(chinese)).noneMatch(p -> p.contains(adjective));
                }
            }
        }
    }

    @Test
    void activityAndPopularityHaveLongTails() {
        // measured with the defaults over 100,000 events: top 1% of users 24.6%, top 10% of items 50.7%
        Map<String, Long> perUser = count(EVENTS.stream().map(BehaviorEvent::getUserId).toList());
        Map<String, Long> perItem = count(EVENTS.stream()
                .filter(e -> e.getType() == BehaviorType.BROWSE).map(BehaviorEvent::getItemId).toList());
        assertThat(topShare(perUser, GEN.users().size() / 100)).isGreaterThan(0.15);
        assertThat(topShare(perItem, GEN.items().size() / 10)).isGreaterThan(0.40);
    }

    @Test
    void eventsRevealEachUsersFavouriteTopic() {
        Map<String, int[]> perUserTopic = new HashMap<>();
        for (BehaviorEvent e : EVENTS) {
            perUserTopic.computeIfAbsent(e.getUserId(), u -> new int[GEN.settings().topics()])
                    [GEN.topicOf(e.getItemId())]++;
        }
        List<String> active = perUserTopic.keySet().stream()
                .filter(u -> Arrays.stream(perUserTopic.get(u)).sum() >= 30).toList();
        long recovered = active.stream()
                .filter(u -> argmax(perUserTopic.get(u)) == argmax(GEN.taste(u))).count();
        // measured: 833 users, 87.3% recovered
        assertThat(active).hasSizeGreaterThan(500);
        assertThat((double) recovered / active.size()).isGreaterThanOrEqualTo(0.80);
    }

    @Test
    void groundTruthIsConsistent() {
        for (String user : GEN.users().subList(0, 50)) {
            double total = GEN.items().stream().mapToDouble(i -> GEN.affinity(user, i.getItemId())).sum();
            assertThat(total).isCloseTo(1.0, within(1e-9));
            assertThat(GEN.taste(user)).hasSize(GEN.settings().topics());
            assertThat(Arrays.stream(GEN.taste(user)).sum()).isCloseTo(1.0, within(1e-9));

            List<String> top = GEN.idealTopItems(user, 10);
            assertThat(top).hasSize(10).doesNotHaveDuplicates();
            assertThat(top.stream().map(i -> GEN.affinity(user, i)).toList())
                    .isSortedAccordingTo(Comparator.reverseOrder());
        }
        long topInFavourite = GEN.users().stream()
                .filter(u -> GEN.topicOf(GEN.idealTopItems(u, 1).get(0)) == argmax(GEN.taste(u))).count();
        assertThat(topInFavourite).isGreaterThan(GEN.users().size() * 9L / 10);
    }

    @Test
    void streamIsAnOrderedFunnel() {
        Map<BehaviorType, Long> types = new EnumMap<>(count(EVENTS.stream().map(BehaviorEvent::getType).toList()));
        assertThat(types.get(BehaviorType.BROWSE)).isGreaterThan(types.get(BehaviorType.CLICK));
        assertThat(types.get(BehaviorType.CLICK)).isGreaterThan(types.get(BehaviorType.CART));
        assertThat(types.get(BehaviorType.CART)).isGreaterThan(types.get(BehaviorType.PURCHASE));
        assertThat(types).containsKey(BehaviorType.FAVORITE)
                .doesNotContainKeys(BehaviorType.LIKE, BehaviorType.COMMENT, BehaviorType.SHARE, BehaviorType.UNKNOWN);

        assertThat(EVENTS.stream().map(BehaviorEvent::getEventId).distinct().count()).isEqualTo(EVENTS.size());
        assertThat(IntStream.range(1, EVENTS.size())
                .filter(i -> !EVENTS.get(i).getTimestamp().isAfter(EVENTS.get(i - 1).getTimestamp())))
                .isEmpty();

        Set<String> browsed = new HashSet<>();
        List<BehaviorEvent> malformed = EVENTS.stream().filter(e -> {
            String userItem = e.getUserId() + "/" + e.getItemId();
            if (e.getType() == BehaviorType.BROWSE) {
                browsed.add(userItem);
            }
            boolean view = e.getType() == BehaviorType.BROWSE || e.getType() == BehaviorType.CLICK;
            return !browsed.contains(userItem)
                    || !"ecommerce".equals(e.getScenario())
                    || !GEN.item(e.getItemId()).getCategory().equals(e.getContext().get("category"))
                    || (e.getDwellMs() != null) != view;
        }).toList();
        // every step follows a browse of its item, and only views carry a dwell time
        assertThat(malformed).isEmpty();
    }

    @Test
    void usersEngageMoreWithTheirFavouriteTopic() {
        int[] browses = new int[2];
        int[] clicks = new int[2];
        double[] dwell = new double[2];
        for (BehaviorEvent e : EVENTS) {
            int favourite = GEN.topicOf(e.getItemId()) == argmax(GEN.taste(e.getUserId())) ? 1 : 0;
            if (e.getType() == BehaviorType.BROWSE) {
                browses[favourite]++;
                dwell[favourite] += e.getDwellMs();
            } else if (e.getType() == BehaviorType.CLICK) {
                clicks[favourite]++;
            }
        }
        double favouriteClickRate = (double) clicks[1] / browses[1];
        double otherClickRate = (double) clicks[0] / browses[0];
        assertThat(favouriteClickRate).isGreaterThan(otherClickRate + 0.15);
        assertThat(dwell[1] / browses[1]).isGreaterThan(1.3 * dwell[0] / browses[0]);
    }

    @Test
    void socialScenarioUsesSocialActions() {
        SyntheticGenerator social = new SyntheticGenerator(Settings.defaults().withScenario("social"));
        Map<BehaviorType, Long> types = count(social.events(20_000).stream().map(BehaviorEvent::getType).toList());
        assertThat(types).containsKeys(BehaviorType.BROWSE, BehaviorType.CLICK,
                        BehaviorType.LIKE, BehaviorType.COMMENT, BehaviorType.SHARE)
                .doesNotContainKeys(BehaviorType.FAVORITE, BehaviorType.CART, BehaviorType.PURCHASE);
        assertThat(social.events(10)).allSatisfy(e -> assertThat(e.getScenario()).isEqualTo("social"));
    }

    @Test
    void rejectsImpossibleSettings() {
        Settings defaults = Settings.defaults();
        assertThatThrownBy(() -> defaults.withTopics(SyntheticGenerator.BUILT_IN_TOPICS + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withScenario("video")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GEN.taste("nobody")).isInstanceOf(IllegalArgumentException.class);
    }

    private static boolean hasHan(String s) {
        return s.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN);
    }

    private static <T> Map<T, Long> count(List<T> values) {
        Map<T, Long> counts = new HashMap<>();
        values.forEach(v -> counts.merge(v, 1L, Long::sum));
        return counts;
    }

    /** The share of the total held by the n largest counts. */
    private static double topShare(Map<?, Long> counts, int n) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        long top = counts.values().stream().sorted(Comparator.reverseOrder()).limit(n).mapToLong(Long::longValue).sum();
        return (double) top / total;
    }

    private static int argmax(int[] a) {
        return IntStream.range(0, a.length).reduce((i, j) -> a[j] > a[i] ? j : i).orElseThrow();
    }

    private static int argmax(double[] a) {
        return IntStream.range(0, a.length).reduce((i, j) -> a[j] > a[i] ? j : i).orElseThrow();
    }
}
