package ripple.embedding;

/**
 * The two built-in CPU models, opened once per test JVM: loading costs about a second each, and no
 * test changes them. Two intra-op threads keep the suite polite on shared build machines. {@link ModelsCloser}
 * closes them when the test plan ends.
 */
final class Models {

    private static TextEmbedder bge;
    private static TextEmbedder minilm;

    private Models() {
    }

    static synchronized TextEmbedder bge() {
        if (bge == null) {
            bge = TextEmbedder.open(ModelSpec.builtIn("bge-small-zh"), DeviceMode.CPU, 2);
        }
        return bge;
    }

    static synchronized TextEmbedder minilm() {
        if (minilm == null) {
            minilm = TextEmbedder.open(ModelSpec.builtIn("minilm-en"), DeviceMode.CPU, 2);
        }
        return minilm;
    }

    /** Closes whichever models are open; a later call opens them again. */
    static synchronized void closeAll() {
        if (bge != null) {
            bge.close();
            bge = null;
        }
        if (minilm != null) {
            minilm.close();
            minilm = null;
        }
    }

    /** How many of the shared models are open. */
    static synchronized int open() {
        return (bge == null ? 0 : 1) + (minilm == null ? 0 : 1);
    }

    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
