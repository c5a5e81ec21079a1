package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class OnlineLearnerTest {
    private static final int K = 6;

    /** The analytic gradient of every loss matches central differences of the loss it returns. */
    @ParameterizedTest
    @EnumSource(Loss.class)
    void gradientMatchesFiniteDifferences(Loss loss) {
        SplittableRandom rnd = new SplittableRandom(11);
        float[] w = randomVector(rnd);
        float[][] examples = new float[5][];
        for (int j = 0; j < examples.length; j++) {
            examples[j] = randomVector(rnd);
        }
        double[] grad = new double[K];
        OnlineLearner.gradient(loss, w, examples, 0.7, grad);
        double h = 1e-3;
        for (int i = 0; i < K; i++) {
            float[] up = w.clone();
            float[] down = w.clone();
            up[i] += (float) h;
            down[i] -= (float) h;
            double numeric = (OnlineLearner.gradient(loss, up, examples, 0.7, new double[K])
                    - OnlineLearner.gradient(loss, down, examples, 0.7, new double[K])) / (2 * h);
            assertThat(grad[i]).as("%s, weight %d", loss, i).isCloseTo(numeric, within(2e-3));
        }
    }

    /** A step against the gradient of a ranking loss ranks the event's item higher among its negatives. */
    @ParameterizedTest
    @EnumSource(Optimizer.class)
    void aStepRaisesTheItemAboveTheNegatives(Optimizer optimizer) {
        float[] pos = {1f, 0f, 0f, 0f, 0f, 1f};
        float[] neg = {0f, 1f, 0f, 0f, 0f, 1f};
        float[] w = new float[K];
        float[] m1 = new float[K];
        float[] m2 = new float[K];
        OnlineLearner learner = new OnlineLearner(optimizer, 0.1, 0);
        for (int step = 0; step < 20; step++) {
            double[] grad = new double[K];
            OnlineLearner.gradient(Loss.SOFTMAX, w, new float[][] {pos, neg}, 1.0, grad);
            learner.apply(w, m1, m2, step, grad);
        }
        assertThat(OnlineLearner.dot(w, pos)).isGreaterThan(OnlineLearner.dot(w, neg) + 0.5);
        // the shared feature (a bias) gets no push from a ranking loss: it cannot change an order
        assertThat(w[5]).isCloseTo(0f, within(1e-6f));
    }

    @Test
    void adagradsFirstStepIsSmallForASmallGradientAndTheShrinkPullsTowardsZero() {
        OnlineLearner learner = new OnlineLearner(Optimizer.ADAGRAD, 0.1, 0);
        float[] w = {1f, 0f};
        float[] m2 = new float[2];
        learner.apply(w, new float[2], m2, 0, new double[] {0, 0.01}, 0);
        // Adam's first step would be the full learning rate whatever the gradient's size
        assertThat(Math.abs(w[1])).isLessThan(0.01f);
        learner.apply(w, new float[2], m2, 1, new double[] {0, 0}, 2.0);
        assertThat(w[0]).isCloseTo(0.8f, within(1e-6f));
    }

    /**
     * Scorer tasks' priors are summed, each learned by its own AdaGrad from its own events: with each other's summed
     * squared gradients in their steps, two learners that take turns step together as one that saw every gradient.
     * Without them, each steps as if it alone had seen its gradients, and the sum moves further.
     */
    @Test
    void adagradLearnersSharingTheirSquaredGradientsSumToOneLearner() {
        OnlineLearner learner = new OnlineLearner(Optimizer.ADAGRAD, 0.1, 0);
        SplittableRandom rnd = new SplittableRandom(7);
        float[] one = new float[K];
        float[] oneM2 = new float[K];
        float[][] w = new float[2][K];
        float[][] m2 = new float[2][K];
        float[][] alone = new float[2][K];
        float[][] aloneM2 = new float[2][K];
        for (int t = 0; t < 40; t++) {
            double[] grad = new double[K];
            for (int i = 0; i < K; i++) {
                grad[i] = rnd.nextGaussian();
            }
            learner.apply(one, new float[K], oneM2, t, grad, 0);
            int turn = t % 2;
            learner.apply(w[turn], new float[K], m2[turn], m2[1 - turn], t, grad, 0);
            learner.apply(alone[turn], new float[K], aloneM2[turn], null, t, grad, 0);
        }
        double apart = 0;
        for (int i = 0; i < K; i++) {
            assertThat(w[0][i] + w[1][i]).isCloseTo(one[i], within(1e-4f));
            apart += Math.abs(alone[0][i] + alone[1][i] - one[i]);
        }
        assertThat(apart).as("learners that do not share their squared gradients").isGreaterThan(0.1);
    }

    private static float[] randomVector(SplittableRandom rnd) {
        float[] v = new float[K];
        for (int i = 0; i < K; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
