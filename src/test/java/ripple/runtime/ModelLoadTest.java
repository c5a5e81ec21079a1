package ripple.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import ripple.embedding.EmbeddingConfigException;
import ripple.embedding.ItemEmbedder;
import ripple.embedding.ItemEmbedding;
import ripple.embedding.ItemText;

/** The model loads beside the rest of the start; its failure still reaches the caller as the loader threw it. */
class ModelLoadTest {

    @Test
    void aModelThatFailedToLoadFailsTheStartWithItsOwnException() {
        EmbeddingConfigException cause = new EmbeddingConfigException("embedding.model.file", "no such file: nope.onnx");
        CompletableFuture<ItemEmbedder> failed = CompletableFuture.failedFuture(cause);
        assertThatThrownBy(() -> RippleRuntime.loaded(failed)).isSameAs(cause);
    }

    @Test
    void aLoadedModelIsHandedOver() throws Exception {
        ItemEmbedder model = new ItemEmbedder() {
            @Override
            public List<ItemEmbedding> embed(List<ItemText> texts) {
                return List.of();
            }

            @Override
            public String version() {
                return "test";
            }
        };
        assertThat(RippleRuntime.loaded(CompletableFuture.completedFuture(model))).isSameAs(model);
    }
}
