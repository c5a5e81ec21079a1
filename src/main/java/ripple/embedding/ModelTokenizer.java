package ripple.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The model's tokenizer.json with Ripple's rules on top: optional lowercasing, truncation to
 * maxSeqLength, and padding to the longest text of the batch (not to a fixed length, which the
 * all-MiniLM tokenizer.json asks for: short item titles would pay for 128 tokens each).
 */
final class ModelTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final boolean lowercase;

    private ModelTokenizer(HuggingFaceTokenizer tokenizer, boolean lowercase) {
        this.tokenizer = tokenizer;
        this.lowercase = lowercase;
    }

    static ModelTokenizer open(Path tokenizerJson, ModelSpec spec) {
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(spec.maxSeqLength())
                    .optPadding(false)
                    .build();
            return new ModelTokenizer(tokenizer, spec.lowercase());
        } catch (Exception e) {
            throw new EmbeddingConfigException(spec.tokenizerSetting(),
                    "cannot load tokenizer " + tokenizerJson.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    TokenBatch tokenize(List<String> texts) {
        String[] input = new String[texts.size()];
        for (int i = 0; i < input.length; i++) {
            String t = texts.get(i);
            input[i] = lowercase ? t.toLowerCase(Locale.ROOT) : t;
        }
        Encoding[] encodings = tokenizer.batchEncode(input);
        int seq = 0;
        for (Encoding e : encodings) {
            seq = Math.max(seq, e.getIds().length);
        }
        int n = encodings.length;
        long[] ids = new long[n * seq];
        long[] mask = new long[n * seq];
        long[] types = new long[n * seq];
        boolean[] truncated = new boolean[n];
        for (int i = 0; i < n; i++) {
            Encoding e = encodings[i];
            // padding positions stay 0: with attention_mask 0 the model ignores them, whatever the pad id
            System.arraycopy(e.getIds(), 0, ids, i * seq, e.getIds().length);
            System.arraycopy(e.getAttentionMask(), 0, mask, i * seq, e.getAttentionMask().length);
            System.arraycopy(e.getTypeIds(), 0, types, i * seq, e.getTypeIds().length);
            truncated[i] = e.exceedMaxLength();
        }
        return new TokenBatch(n, seq, ids, mask, types, truncated);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
