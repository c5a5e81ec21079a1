package ripple.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Topics read from the text give items without a category one; a category of their own always wins. */
class TextClustersTest {
    private static final FeatureLayout LAYOUT = new FeatureLayout(List.of("m"), 8);

    /**
     * Items around three far-apart directions: each direction is one topic, and no topic mixes two. Up to ten
     * topics are allowed: the silhouette must find that there are three.
     */
    @Test
    void itemsOfOneTextTopicShareATextCategoryAndTopicsDoNotMix() {
        ItemCatalog catalog = catalog(10);
        SplittableRandom rnd = new SplittableRandom(4);
        int perTopic = 20;
        for (int topic = 0; topic < 3; topic++) {
            for (int i = 0; i < perTopic; i++) {
                float[] v = new float[8];
                for (int d = 0; d < 8; d++) {
                    v[d] = (float) (0.05 * rnd.nextGaussian());
                }
                v[topic] += 1f;
                catalog.putFeatures("t" + topic + "-" + i, "m", "v1", v, 0L, null, null);
            }
        }
        Set<String> all = new HashSet<>();
        for (int topic = 0; topic < 3; topic++) {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < perTopic; i++) {
                names.add(catalog.category(catalog.get("t" + topic + "-" + i)));
            }
            assertThat(names).as("topic %d", topic).hasSize(1).allMatch(n -> n.startsWith("~m:"));
            all.addAll(names);
        }
        assertThat(all).as("three topics, three categories").hasSize(3);
    }

    /**
     * Three topics in two languages, where the language moves every vector further than the topic does (as a
     * multilingual model's vectors do): centred per language, each topic is one category holding both languages.
     */
    @Test
    void oneTopicGathersItsItemsInEveryLanguage() {
        ItemCatalog catalog = catalog(6);
        SplittableRandom rnd = new SplittableRandom(5);
        for (int topic = 0; topic < 3; topic++) {
            for (String language : List.of("zh", "en")) {
                for (int i = 0; i < 15; i++) {
                    float[] v = new float[8];
                    for (int d = 0; d < 8; d++) {
                        v[d] = (float) (0.05 * rnd.nextGaussian());
                    }
                    v[topic] += 1f;
                    v[7] += language.equals("zh") ? 3f : -3f;
                    catalog.putFeatures(language + topic + "-" + i, "m", "v1", v, 0L, null, language);
                }
            }
        }
        Set<String> all = new HashSet<>();
        for (int topic = 0; topic < 3; topic++) {
            Set<String> names = new HashSet<>();
            for (String language : List.of("zh", "en")) {
                for (int i = 0; i < 15; i++) {
                    names.add(catalog.category(catalog.get(language + topic + "-" + i)));
                }
            }
            assertThat(names).as("topic %d in both languages", topic).hasSize(1);
            all.addAll(names);
        }
        assertThat(all).as("three topics, three categories").hasSize(3);
    }

    @Test
    void aCategoryOfItsOwnWinsAndClustersOffGiveNone() {
        ItemCatalog on = catalog(2);
        ItemCatalog off = catalog(0);
        for (int i = 0; i < 20; i++) {
            float[] v = new float[8];
            v[i % 2] = 1f;
            v[2] = i * 0.01f;
            on.putFeatures("i" + i, "m", "v1", v, 0L, i == 0 ? "shoes" : null, null);
            off.putFeatures("i" + i, "m", "v1", v, 0L, null, null);
        }
        assertThat(on.category(on.get("i0"))).isEqualTo("shoes");
        assertThat(on.category(on.get("i1"))).startsWith("~m:");
        assertThat(off.category(off.get("i1"))).isNull();
    }

    private static ItemCatalog catalog(int clusters) {
        return new ItemCatalog(LAYOUT, 42, new Decay(Duration.ofDays(1)), RetrievalSettings.defaults(), clusters);
    }
}
