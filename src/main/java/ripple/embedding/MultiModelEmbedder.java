package ripple.embedding;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Routes each item to the Chinese or the English model, keeping one batch (one ONNX call) per model.
 * Results come back in input order, each tagged with the model that made it: the two models' vectors
 * live in different spaces, and ItemFeatures records which one applies.
 */
public final class MultiModelEmbedder implements AutoCloseable {

    private final Map<String, TextEmbedder> byLanguage;
    private final LanguagePicker picker;

    public MultiModelEmbedder(TextEmbedder zh, TextEmbedder en, LanguagePicker picker) {
        this.byLanguage = Map.of(LanguagePicker.ZH, zh, LanguagePicker.EN, en);
        this.picker = picker;
    }

    public List<ItemEmbedding> embed(List<ItemText> items) {
        String[] languages = new String[items.size()];
        for (int i = 0; i < languages.length; i++) {
            languages[i] = picker.pick(items.get(i).declaredLanguage(), items.get(i).text());
        }
        ItemEmbedding[] out = new ItemEmbedding[items.size()];
        for (Map.Entry<String, TextEmbedder> route : byLanguage.entrySet()) {
            List<Integer> positions = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < languages.length; i++) {
                if (languages[i].equals(route.getKey())) {
                    positions.add(i);
                    texts.add(items.get(i).text());
                }
            }
            if (texts.isEmpty()) {
                continue;
            }
            TextEmbedder embedder = route.getValue();
            EmbeddingBatch batch = embedder.embedDetailed(texts);
            for (int j = 0; j < positions.size(); j++) {
                out[positions.get(j)] = new ItemEmbedding(batch.vectors()[j], embedder.modelId(),
                        embedder.modelVersion(), route.getKey(), batch.truncated()[j]);
            }
        }
        return List.of(out);
    }

    @Override
    public void close() {
        byLanguage.values().forEach(TextEmbedder::close);
    }
}
