package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import ripple.features.UserState;

class TaskPriorsTest {
    private static final int TEXT_DIMS = 2;

    @Test
    void othersAreSummedWithoutTheAskingTaskAndTextOnlyForTheSameTextModels() {
        TaskPriors priors = new TaskPriors();
        priors.put("0_0", new float[] {1, 1, 1, 1}, new float[] {5, 5, 5, 5}, 7);
        priors.put("0_1", new float[] {2, 3, 4, 5}, new float[] {1, 2, 3, 4}, 7);
        priors.put("0_2", new float[] {10, 10, 10, 10}, new float[] {1, 1, 1, 1}, 8);
        priors.put("0_3", new float[] {100, 100}, new float[] {100, 100}, 7);

        float[] w = new float[4];
        float[] m2 = new float[4];
        priors.addOthers("0_0", w, m2, TEXT_DIMS, 7);

        // 0_1 whole; 0_2's text slots were learned for other text models; 0_3 has another layout
        assertThat(w).containsExactly(2, 3, 14, 15);
        assertThat(m2).containsExactly(1, 2, 4, 5);
        assertThat(priors.tasks()).isEqualTo(4);
    }

    @Test
    void aRecordOfThePriorTopicIsDecodedAndATombstoneRemovesTheTask() {
        TaskPriors priors = new TaskPriors();
        UserState prior = UserState.startingFrom(new float[] {0, 0, 0.5f, -1}, TEXT_DIMS, 3);
        prior.weights().moment2[3] = 9f;
        prior.weights().storeExactly();
        long before = priors.version();

        priors.accept("0_1", prior.encode());
        assertThat(priors.version()).isGreaterThan(before);
        float[] w = new float[4];
        float[] m2 = new float[4];
        priors.addOthers("0_0", w, m2, TEXT_DIMS, 3);
        assertThat(w).containsExactly(0, 0, 0.5f, -1);
        assertThat(m2[3]).isEqualTo(9f);

        priors.accept("0_1", null);
        assertThat(priors.tasks()).isZero();
        float[] none = new float[4];
        priors.addOthers("0_0", none, new float[4], TEXT_DIMS, 3);
        assertThat(none).containsOnly(0f);
    }
}
