package ripple.embedding;

import java.time.Duration;
import java.util.List;
import ripple.config.ConfigException;
import ripple.config.RippleConfig;

/**
 * The embedder role's settings, read and checked once at start.
 *
 * @param batchSize    items per embedding call ({@code embedding.batch-size})
 * @param linger       longest an item waits for its batch to fill ({@code embedding.linger})
 * @param maxTextChars longer item texts go to dead-letters ({@code embedding.max-text-chars})
 * @param models       one model for every item, or two: Chinese first, English second
 *                     ({@code embedding.model=bge-small-zh,minilm-en})
 */
public record EmbedderSettings(int batchSize, Duration linger, int maxTextChars, List<TextModelSettings> models) {

    public static final String BATCH_SIZE = "embedding.batch-size";
    public static final String LINGER = "embedding.linger";

    public EmbedderSettings {
        if (batchSize < 1) {
            throw new ConfigException(BATCH_SIZE, "must be at least 1, was " + batchSize);
        }
        // the linger is a punctuation interval, which Kafka Streams requires to be at least 1 ms
        if (linger.toMillis() < 1) {
            throw new ConfigException(LINGER, "must be at least 1ms, was " + linger);
        }
        if (models.isEmpty() || models.size() > 2) {
            throw new ConfigException(TextModelSettings.MODEL, "name one model, or two (Chinese first, then English)");
        }
        models = List.copyOf(models);
    }

    public static EmbedderSettings from(RippleConfig c) {
        List<String> names = c.list(TextModelSettings.MODEL);
        if (names.isEmpty() || names.size() > 2) {
            throw new ConfigException(TextModelSettings.MODEL, "invalid value '" + c.string(TextModelSettings.MODEL)
                    + "': name one model, or two (Chinese first, then English), e.g. bge-small-zh,minilm-en");
        }
        // every other embedding.* key applies to both models
        List<TextModelSettings> models = names.stream()
                .map(name -> TextModelSettings.from(c.with(TextModelSettings.MODEL, name))).toList();
        return new EmbedderSettings(c.intValue(BATCH_SIZE), c.duration(LINGER),
                models.get(0).maxTextChars(), models);
    }

    /**
     * Loads the model(s). A missing file, a bad model or an absent GPU fails here with an
     * {@link EmbeddingConfigException} naming the setting, before any item is read.
     */
    public ItemEmbedder openEmbedder() {
        TextEmbedder first = TextEmbedder.open(models.get(0));
        if (models.size() == 1) {
            return ItemEmbedder.of(first);
        }
        try {
            return ItemEmbedder.of(first, TextEmbedder.open(models.get(1)));
        } catch (RuntimeException e) {
            first.close();
            throw e;
        }
    }
}
