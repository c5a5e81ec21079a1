package ripple.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static ripple.embedding.EmbedderFixture.item;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.ItemFeatures;
import ripple.config.RippleConfig;

/** The embedder topology on the real built-in BERT models. */
class EmbedderRealModelTest {
    @TempDir
    Path stateDir;

    @Test
    void bgeSmallZhGivesUnitVectorsOfItsVersion() {
        // two intra-op threads on the CPU: polite on shared build machines
        TextModelSettings bge = TextModelSettings.from(Map.of("embedding.model", "bge-small-zh",
                "embedding.device", "cpu", "embedding.threads", "2"));
        try (ItemEmbedder embedder = ItemEmbedder.of(TextEmbedder.open(bge));
             EmbedderFixture f = new EmbedderFixture(EmbedderFixture.config(2), embedder, stateDir)) {
            f.send(item("dress", "红色连衣裙 夏季新款", "服装"));
            f.send(item("phone", "华为智能手机 5G 全网通", "数码"));

            Map<String, ItemFeatures> out = f.features.readKeyValuesToMap();
            assertThat(out).containsOnlyKeys("dress", "phone");
            for (ItemFeatures features : out.values()) {
                assertThat(features.getModelId()).isEqualTo("bge-small-zh");
                assertThat(features.getModelVersion()).isEqualTo(embedder.version()).hasSize(16);
                assertThat(features.getEmbedding()).hasSize(512);
                assertThat(norm(features.getEmbedding())).isCloseTo(1.0, within(1e-5));
            }
            assertThat(out.get("dress").getEmbedding()).isNotEqualTo(out.get("phone").getEmbedding());
            assertThat(f.metrics.batches()).isEqualTo(1);
        }
    }

    @Test
    void chineseAndEnglishItemsGoToTheirOwnModels() {
        RippleConfig config = EmbedderFixture.config(2).with("embedding.model", "bge-small-zh,minilm-en")
                .with("embedding.device", "cpu").with("embedding.threads", "2");
        try (ItemEmbedder embedder = EmbedderSettings.from(config).openEmbedder();
             EmbedderFixture f = new EmbedderFixture(config, embedder, stateDir)) {
            f.send(item("zh", "无线蓝牙耳机", "数码"));
            f.send(item("en", "Waterproof hiking boots for men", "shoes"));

            Map<String, ItemFeatures> out = f.features.readKeyValuesToMap();
            assertThat(out.get("zh").getModelId()).isEqualTo("bge-small-zh");
            assertThat(out.get("zh").getEmbedding()).hasSize(512);
            assertThat(out.get("en").getModelId()).isEqualTo("minilm-en");
            assertThat(out.get("en").getEmbedding()).hasSize(384);
            assertThat(List.of(out.get("zh").getModelVersion(), out.get("en").getModelVersion()))
                    .doesNotContain(embedder.version()).doesNotHaveDuplicates();
            assertThat(norm(out.get("en").getEmbedding())).isCloseTo(1.0, within(1e-5));
        }
    }

    private static double norm(List<Float> v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}
