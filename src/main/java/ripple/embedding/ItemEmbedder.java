package ripple.embedding;

import java.util.ArrayList;
import java.util.List;

/**
 * What the embedder topology needs from the models: vectors for a batch of item texts, and a version
 * that changes exactly when those vectors would. Tests put a fake behind it; production opens it with
 * {@link EmbedderSettings#openEmbedder()}.
 */
public interface ItemEmbedder extends AutoCloseable {
    /** Names each item's language when one model embeds them all, as {@link MultiModelEmbedder} does. */
    LanguagePicker PICKER = new LanguagePicker();

    /**
     * One embedding per text, in input order. May throw for the whole batch (a text the model cannot
     * take, a device error); the caller then tries the texts one at a time.
     */
    List<ItemEmbedding> embed(List<ItemText> texts);

    /** Hex; part of the embedder's application id and of every text hash. */
    String version();

    @Override
    default void close() {
    }

    /** One model for every item. */
    static ItemEmbedder of(TextEmbedder model) {
        return new ItemEmbedder() {
            @Override
            public List<ItemEmbedding> embed(List<ItemText> texts) {
                EmbeddingBatch batch = model.embedDetailed(texts.stream().map(ItemText::text).toList());
                List<ItemEmbedding> out = new ArrayList<>(texts.size());
                for (int i = 0; i < texts.size(); i++) {
                    out.add(new ItemEmbedding(batch.vectors()[i], model.modelId(), model.modelVersion(),
                            PICKER.pick(texts.get(i).declaredLanguage(), texts.get(i).text()), batch.truncated()[i]));
                }
                return out;
            }

            @Override
            public String version() {
                return model.modelVersion();
            }

            @Override
            public void close() {
                model.close();
            }
        };
    }

    /**
     * Chinese items to {@code zh}, the others to {@code en}, as the default {@link LanguagePicker}
     * decides. The picker is fixed here because its threshold also decides the vectors, and the
     * version below does not include it.
     */
    static ItemEmbedder of(TextEmbedder zh, TextEmbedder en) {
        MultiModelEmbedder multi = new MultiModelEmbedder(zh, en, new LanguagePicker());
        // both versions count: swapping either model must re-embed the catalogue. A hash rather than the
        // two versions side by side, because the application id keeps only the first 12 characters
        String version = Sha256.hex(zh.modelId() + ":" + zh.modelVersion() + "|" + en.modelId() + ":"
                + en.modelVersion()).substring(0, 16);
        return new ItemEmbedder() {
            @Override
            public List<ItemEmbedding> embed(List<ItemText> texts) {
                return multi.embed(texts);
            }

            @Override
            public String version() {
                return version;
            }

            @Override
            public void close() {
                multi.close();
            }
        };
    }
}
