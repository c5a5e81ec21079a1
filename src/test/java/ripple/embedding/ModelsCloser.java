package ripple.embedding;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Closes the models the tests share ({@link Models}) once the test plan has run, before the test JVM exits. Left
 * open, their ONNX Runtime sessions kept native threads alive while ONNX Runtime's shutdown hook released its
 * environment and the process's static destructors ran; one CI run's test JVM aborted there (std::bad_alloc)
 * after every test had passed. Registered in META-INF/services.
 */
public final class ModelsCloser implements TestExecutionListener {

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        Models.closeAll();
    }
}
