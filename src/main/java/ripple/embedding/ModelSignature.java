package ripple.embedding;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a BERT encoder must look like to Ripple, checked at start: int64 inputs {@code input_ids} and
 * {@code attention_mask}, optionally {@code token_type_ids}, and a float {@code last_hidden_state}
 * [batch, seq, dim]. A user's model that fails the check is rejected with what it does have, instead
 * of failing on the first item.
 *
 * @param tokenTypeIds whether the model declares token_type_ids (some exports drop it)
 * @param dims         the output width, or 0 if the model leaves it symbolic
 */
record ModelSignature(boolean tokenTypeIds, int dims) {

    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final String LAST_HIDDEN_STATE = "last_hidden_state";
    private static final Set<String> KNOWN_INPUTS = Set.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);

    /**
     * Opens the file in a throwaway ORT session to read its signature. DJL does not expose output
     * names, and this also turns a corrupt file into a message that names the setting. Graph
     * optimisation is off: only the signature is wanted, and that makes the session quick to build.
     */
    static ModelSignature inspect(Path onnx, String setting) {
        OrtEnvironment env = OrtRuntime.environment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession session = env.createSession(onnx.toString(), options)) {
                return check(session.getInputInfo(), session.getOutputInfo(), onnx, setting);
            }
        } catch (OrtException e) {
            throw new EmbeddingConfigException(setting, "not a loadable ONNX model: " + onnx.toAbsolutePath()
                    + " (" + e.getMessage() + ")", e);
        }
    }

    private static ModelSignature check(Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs, Path onnx,
                                        String setting) {
        boolean inputsOk = inputs.containsKey(INPUT_IDS) && inputs.containsKey(ATTENTION_MASK)
                && KNOWN_INPUTS.containsAll(inputs.keySet())
                && inputs.values().stream().allMatch(n -> isTensor(n, OnnxJavaType.INT64, 2));
        NodeInfo hidden = outputs.get(LAST_HIDDEN_STATE);
        boolean outputOk = hidden != null && isTensor(hidden, OnnxJavaType.FLOAT, 3);
        if (!inputsOk || !outputOk) {
            throw new EmbeddingConfigException(setting, "model " + onnx.toAbsolutePath()
                    + " is not a BERT encoder Ripple can use. Found inputs " + describe(inputs)
                    + " and outputs " + describe(outputs) + "; expected int64 [batch, seq] inputs input_ids, "
                    + "attention_mask (token_type_ids optional) and a float output last_hidden_state "
                    + "[batch, seq, dim]");
        }
        long dim = ((TensorInfo) hidden.getInfo()).getShape()[2];
        return new ModelSignature(inputs.containsKey(TOKEN_TYPE_IDS), dim > 0 ? (int) dim : 0);
    }

    private static boolean isTensor(NodeInfo node, OnnxJavaType type, int rank) {
        return node.getInfo() instanceof TensorInfo t && t.type == type && t.getShape().length == rank;
    }

    private static String describe(Map<String, NodeInfo> nodes) {
        return nodes.values().stream().map(n -> n.getInfo() instanceof TensorInfo t
                        ? n.getName() + " " + t.type + Arrays.toString(t.getShape())
                        : n.getName() + " " + n.getInfo())
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
