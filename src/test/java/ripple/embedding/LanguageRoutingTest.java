package ripple.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LanguageRoutingTest {

    private final LanguagePicker picker = new LanguagePicker();

    @Test
    void picksChineseFromTheDeclaredLanguageOrTheText() {
        assertThat(picker.pick("zh-CN", "Running shoes")).isEqualTo("zh");
        assertThat(picker.pick(null, "华为智能手机 5G 全网通")).isEqualTo("zh");
        assertThat(picker.pick(null, "Apple iPhone 15 Pro 256GB 手机")).isEqualTo("zh");
        assertThat(picker.pick("en", "女士夏季碎花连衣裙")).isEqualTo("zh");
        assertThat(picker.pick(null, "Waterproof hiking boots for men")).isEqualTo("en");
        assertThat(picker.pick(null, "A travel guide to Beijing, with a map of 故宫 and many practical tips for first visits"))
                .isEqualTo("en");
        assertThat(picker.pick(null, "12345 !!")).isEqualTo("en");
    }

    @Test
    void routesEachItemToItsModelAndKeepsInputOrder() {
        MultiModelEmbedder multi = new MultiModelEmbedder(Models.bge(), Models.minilm(), picker);
        List<ItemText> items = List.of(
                new ItemText("Wireless earbuds", null),
                new ItemText("无线蓝牙耳机", null),
                new ItemText("Yoga mat", "zh"),
                new ItemText("Coffee grinder", "en"));

        List<ItemEmbedding> out = multi.embed(items);

        assertThat(out).extracting(ItemEmbedding::modelId)
                .containsExactly("minilm-en", "bge-small-zh", "bge-small-zh", "minilm-en");
        assertThat(out).extracting(e -> e.vector().length).containsExactly(384, 512, 512, 384);
        assertThat(out.get(1).modelVersion()).isEqualTo(Models.bge().modelVersion());
        // the English items went to minilm as one batch, in input order
        float[][] english = Models.minilm().embed(List.of("Wireless earbuds", "Coffee grinder"));
        assertThat(out.get(0).vector()).containsExactly(english[0]);
        assertThat(out.get(3).vector()).containsExactly(english[1]);
    }
}
