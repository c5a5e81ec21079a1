package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import ripple.features.FeatureGroup;
import ripple.features.FeatureLayout;

/** {@code features.ablate}: an ablated group's weights stay zero, so the group adds nothing to any score. */
class AblationTest {

    @Test
    void ablatedWeightsStayZeroWhileTheOthersLearn() {
        FeatureLayout layout = new FeatureLayout(List.of("m"), 4);
        boolean[] mask = layout.mask(Set.of(FeatureGroup.INFLUENCE));
        OnlineLearner learner = new OnlineLearner(Optimizer.ADAM, 0.1, 0.0, mask);
        int k = layout.size();
        float[] w = new float[k];
        float[] m1 = new float[k];
        float[] m2 = new float[k];
        double[] grad = new double[k];
        java.util.Arrays.fill(grad, -1.0);
        for (int step = 0; step < 5; step++) {
            learner.apply(w, m1, m2, step, grad);
        }
        int ctx = layout.contextOffset();
        Set<Integer> fromOtherUsers = Set.of(ctx + FeatureLayout.CTX_CATEGORY_POPULARITY,
                ctx + FeatureLayout.CTX_CATEGORY_RECENT_POPULARITY, ctx + FeatureLayout.CTX_COVISIT);
        for (int i = 0; i < k; i++) {
            boolean influence = i >= layout.influenceOffset() && i < ctx || fromOtherUsers.contains(i);
            assertThat(w[i] == 0f).as("weight %d", i).isEqualTo(influence);
        }
    }

    @Test
    void textAblationAlsoDropsTextAffinityAndNoAblationKeepsTheBias() {
        FeatureLayout layout = new FeatureLayout(List.of("m"), 4);
        boolean[] text = layout.mask(Set.of(FeatureGroup.TEXT));
        int ctx = layout.contextOffset();
        assertThat(text[0]).isTrue();
        assertThat(text[ctx + FeatureLayout.CTX_TEXT_AFFINITY]).isTrue();
        assertThat(text[ctx + FeatureLayout.CTX_REPEAT]).isFalse();
        boolean[] context = layout.mask(Set.of(FeatureGroup.CONTEXT));
        assertThat(context[ctx + FeatureLayout.CTX_REPEAT]).isTrue();
        assertThat(context[ctx + FeatureLayout.CTX_BIAS]).as("the bias never changes a ranking").isFalse();
        assertThat(layout.mask(Set.of())).isNull();
    }

    @Test
    void theSettingIsReadAndCheckedByName() {
        ScoringSettings s = ScoringSettings.from(ScorerFixture.testConfig().with("features.ablate", "text,Influence"));
        assertThat(s.ablate()).containsExactlyInAnyOrder(FeatureGroup.TEXT, FeatureGroup.INFLUENCE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        ScoringSettings.from(ScorerFixture.testConfig().with("features.ablate", "colour")))
                .hasMessageContaining("features.ablate");
    }
}
