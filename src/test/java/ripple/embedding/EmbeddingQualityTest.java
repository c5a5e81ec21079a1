package ripple.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sanity of the real models through Ripple's path: for each (anchor, related, unrelated) triple the
 * related text must be closer. Catches wrong pooling, a missing lowercase or broken padding, all of
 * which still give unit vectors of the right size.
 */
class EmbeddingQualityTest {

    @Test
    void chineseRelatedItemsAreCloserThanUnrelatedOnes() {
        assertTriples(Models.bge(), List.of(
                new String[] {"女士夏季碎花连衣裙", "女装雪纺长裙 夏天新款", "不锈钢电热水壶 1.5升"},
                new String[] {"华为智能手机 5G 全网通", "小米手机 骁龙处理器 大电池", "有机大米 东北五常 10斤"},
                new String[] {"儿童运动鞋 透气防滑", "男童跑步鞋 轻便耐磨", "红木茶几 中式客厅家具"},
                new String[] {"坚果礼盒 每日坚果混合装", "零食大礼包 腰果 核桃 巴旦木", "汽车机油 全合成 5W-30"},
                new String[] {"无线蓝牙耳机 降噪", "头戴式耳机 HIFI 音质", "瑜伽垫 加厚防滑 健身"}));
    }

    @Test
    void englishRelatedItemsAreCloserThanUnrelatedOnes() {
        assertTriples(Models.minilm(), List.of(
                new String[] {"Women's floral summer dress", "Lightweight sundress for the beach", "Stainless steel electric kettle"},
                new String[] {"5G Android smartphone with 128GB storage", "Unlocked mobile phone, dual SIM", "Organic jasmine rice, 10 lb bag"},
                new String[] {"Kids' running shoes, breathable", "Children's sneakers for sport", "Mahogany coffee table for the living room"},
                new String[] {"Mixed nuts gift box", "Roasted cashews and almonds snack pack", "Synthetic motor oil 5W-30"},
                new String[] {"Noise cancelling wireless earbuds", "Over-ear bluetooth headphones", "Thick non-slip yoga mat"}));
    }

    private static void assertTriples(TextEmbedder embedder, List<String[]> triples) {
        List<String> texts = new ArrayList<>();
        triples.forEach(t -> texts.addAll(List.of(t)));
        float[][] v = embedder.embed(texts);
        for (int i = 0; i < triples.size(); i++) {
            float[] anchor = v[3 * i];
            double related = Models.dot(anchor, v[3 * i + 1]);
            double unrelated = Models.dot(anchor, v[3 * i + 2]);
            assertThat(related).as("%s: related %.3f vs unrelated %.3f", triples.get(i)[0], related, unrelated)
                    .isGreaterThan(unrelated);
        }
    }
}
