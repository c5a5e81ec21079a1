package ripple.backtest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import ripple.avro.Item;
import ripple.avro.ItemFeatures;
import ripple.embedding.DeviceMode;
import ripple.embedding.ItemText;
import ripple.embedding.LanguagePicker;
import ripple.embedding.ModelSpec;
import ripple.embedding.TextEmbedder;

/**
 * Item features for a replay, made as the embedder makes them: the item's text (title, category, tags,
 * description) through a real built-in model. Computed once per command and shared by every replay of it.
 */
public final class ItemEmbeddings {
    private static final int BATCH = 32;
    private static final int MAX_TEXT_CHARS = 10_000;
    private static final LanguagePicker PICKER = new LanguagePicker();

    private ItemEmbeddings() {
    }

    /** @param model a built-in model name, which is also the features' model id (see features.text.models) */
    public static List<ItemFeatures> embed(List<Item> items, String model, int threads) {
        return embed(items, model, threads, null);
    }

    /** @param step told the items embedded so far after each batch; null for none */
    public static List<ItemFeatures> embed(List<Item> items, String model, int threads, BacktestProgress.Step step) {
        List<ItemFeatures> out = new ArrayList<>(items.size());
        Instant now = Instant.now();
        try (TextEmbedder embedder = TextEmbedder.open(ModelSpec.builtIn(model), DeviceMode.CPU, threads)) {
            for (int from = 0; from < items.size(); from += BATCH) {
                List<Item> batch = items.subList(from, Math.min(items.size(), from + BATCH));
                List<String> texts = batch.stream().map(i -> ItemText.of(i, MAX_TEXT_CHARS).text()).toList();
                float[][] vectors = embedder.embed(texts);
                for (int i = 0; i < batch.size(); i++) {
                    List<Float> e = new ArrayList<>(vectors[i].length);
                    for (float x : vectors[i]) {
                        e.add(x);
                    }
                    out.add(ItemFeatures.newBuilder().setItemId(batch.get(i).getItemId()).setModelId(model)
                            .setModelVersion(embedder.modelVersion()).setEmbedding(e).setComputedAt(now)
                            .setCategory(batch.get(i).getCategory())
                            .setLanguage(PICKER.pick(batch.get(i).getLanguage(), texts.get(i))).build());
                }
                if (step != null) {
                    step.update(out.size(), items.size());
                }
            }
        }
        return out;
    }
}
