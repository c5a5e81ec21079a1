package ripple.backtest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        List<String> names = names(layout);
        int n = names.size();
        byte[] priorBytes = priors.get(PRIOR_KEY);
        float[] w0 = new float[layout.size()];
        if (priorBytes != null) {
            UserState p = UserState.decode(priorBytes);
            if (p.weights().weights.length == w0.length) {
                w0 = p.weights().weights;
            }
        }
        double[] sum = new double[n];
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
                for (int i = 0; i < w.length; i++) {
                    w[i] = w0[i] + u.weights().weights[i];
                }
                double[] v = values(w, layout);
                for (int i = 0; i < n; i++) {
                    sum[i] += v[i];
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
            double mean = count == 0 ? Double.NaN : sum[i] / count;
            m.put("mean", mean);
            m.put("std", count == 0 ? Double.NaN : Math.sqrt(Math.max(0, sumSq[i] / count - mean * mean)));
            features.put(names.get(i), m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("users", count);
        out.put("note", "effective weight = w0 + the user's own part; mean and std across users with a stored "
                + "state. text.<model>.norm is the L2 norm of that model's (projected) text weights.");
        out.put("features", features);
        return out;
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
