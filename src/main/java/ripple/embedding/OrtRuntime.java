package ripple.embedding;

import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;

/** The one ONNX Runtime environment of the process, shared by DJL and Ripple's own ORT sessions. */
final class OrtRuntime {

    private OrtRuntime() {
    }

    /**
     * Starts DJL's ONNX Runtime engine, then returns the environment it created. The order matters:
     * DJL creates the environment with threading options, which ORT refuses once any environment
     * exists, so Ripple must never be the first to call {@link OrtEnvironment#getEnvironment()}.
     *
     * <p>Ripple loads models only from local files, so DJL is put in offline mode and its usage
     * telemetry (an HTTP call, plus EC2 metadata probes) is switched off, unless the operator set
     * these properties already.
     */
    static synchronized OrtEnvironment environment() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        Engine.getEngine("OnnxRuntime");
        return OrtEnvironment.getEnvironment();
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }
}
