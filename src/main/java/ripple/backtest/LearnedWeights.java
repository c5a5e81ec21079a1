package ripple.backtest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import ripple.features.FeatureLayout;
import ripple.features.UserState;

/**
 * What Ripple learned, read from its stores at the end of a replay: the shared prior w0 and, across users, the
 * mean and standard deviation of the effective weights (w0 + the user's own part). Influence and context weights
 * are reported one by one; text weights, whose slots are random projections with no meaning of their own, as the
 * L2 norm per text model.
 */
final class LearnedWeights {
    /** The prior's key in the prior store (ScoringProcessor keeps it package-private). */
    static final String PRIOR_KEY = "w0";

    private LearnedWeights() {
    }

    static Map<String, Object> summarise(ReadOnlyKeyValueStore<String, byte[]> users,
                                         ReadOnlyKeyValueStore<String, byte[]> priors, FeatureLayout layout) {
        return summarise(users, List.of(priors), userId -> 0, false, layout);
    }

    /**
     * The same for several scorer tasks, each learning a prior of its own. When they share them ({@code shared}),
     * every user is ranked with their sum, which is the w0 reported; otherwise a user's effective weights are over
     * their task's prior ({@code taskOf}), and the w0 reported is the mean of the tasks' priors.
     */
    static Map<String, Object> summarise(ReadOnlyKeyValueStore<String, byte[]> users,
                                         List<? extends ReadOnlyKeyValueStore<String, byte[]>> priors,
                                         ToIntFunction<String> taskOf, boolean shared, FeatureLayout layout) {
        List<String> names = names(layout);
        int n = names.size();
        float[][] priorOfTask = new float[priors.size()][];
        float[] sum = new float[layout.size()];
        for (int t = 0; t < priorOfTask.length; t++) {
            priorOfTask[t] = prior(priors.get(t), layout);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += priorOfTask[t][i];
            }
        }
        float[] w0;
        if (priorOfTask.length == 1) {
            w0 = priorOfTask[0];
        } else if (shared) {
            w0 = sum;
            Arrays.fill(priorOfTask, sum);
        } else {
            w0 = sum;
            for (int i = 0; i < w0.length; i++) {
                w0[i] /= priorOfTask.length;
            }
        }
        double[] total = new double[n];
        double[] sumSq = new double[n];
        long count = 0;
        float[] w = new float[layout.size()];
        try (KeyValueIterator<String, byte[]> it = users.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                UserState u = UserState.decode(kv.value);
                if (u.weights().weights.length != w.length) {
                    continue; // a state from another layout is not scored with these weights
                }
                float[] prior = priorOfTask[taskOf.applyAsInt(kv.key)];
                for (int i = 0; i < w.length; i++) {
                    w[i] = prior[i] + u.weights().weights[i];
                }
                double[] v = values(w, layout);
                for (int i = 0; i < n; i++) {
                    total[i] += v[i];
                    sumSq[i] += v[i] * v[i];
                }
                count++;
            }
        }
        double[] prior = values(w0, layout);
        Map<String, Object> features = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("w0", prior[i]);
            double mean = count == 0 ? Double.NaN : total[i] / count;
            m.put("mean", mean);
            m.put("std", count == 0 ? Double.NaN : Math.sqrt(Math.max(0, sumSq[i] / count - mean * mean)));
            features.put(names.get(i), m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("users", count);
        out.put("note", "effective weight = w0 + the user's own part; mean and std across users with a stored "
                + "state. text.<model>.norm is the L2 norm of that model's (projected) text weights."
                + (priorOfTask.length == 1 ? "" : shared ? " Each of the " + priorOfTask.length + " scorer tasks "
                + "learned a part of w0 from its own users, and every user is ranked with their sum, w0 here."
                : " Each of the " + priorOfTask.length + " scorer tasks learned a w0 of its own: a user's is their "
                + "task's, and w0 here is the mean of the tasks'."));
        out.put("features", features);
        return out;
    }

    /** A task's prior weights, or zeros while it has none (or one of another layout). */
    private static float[] prior(ReadOnlyKeyValueStore<String, byte[]> priors, FeatureLayout layout) {
        byte[] bytes = priors.get(PRIOR_KEY);
        if (bytes != null) {
            UserState p = UserState.decode(bytes);
            if (p.weights().weights.length == layout.size()) {
                return p.weights().weights;
            }
        }
        return new float[layout.size()];
    }

    /** Text norms per model, then every influence and context weight, named as the layout names them. */
    static List<String> names(FeatureLayout layout) {
        List<String> out = new ArrayList<>();
        layout.textModels().forEach(m -> out.add("text." + m + ".norm"));
        List<String> all = layout.names();
        for (int i = layout.influenceOffset(); i < layout.size(); i++) {
            out.add(all.get(i).replace(':', '.'));
        }
        return out;
    }

    private static double[] values(float[] w, FeatureLayout layout) {
        int models = layout.textModels().size();
        int rest = layout.size() - layout.influenceOffset();
        double[] v = new double[models + rest];
        for (int m = 0; m < models; m++) {
            double s = 0;
            for (int d = 0; d < layout.dimsPerModel(); d++) {
                float x = w[m * layout.dimsPerModel() + d];
                s += x * x;
            }
            v[m] = Math.sqrt(s);
        }
        for (int i = 0; i < rest; i++) {
            v[models + i] = w[layout.influenceOffset() + i];
        }
        return v;
    }
}
