package ripple.backtest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Running means of the prequential metrics of one model over some set of events. */
final class MetricSums {
    private final List<Integer> ks;
    private final double[] hits;
    private final double[] ndcg;
    private long n;
    private double rr;
    private double auc;
    private long aucN;
    private double logloss;
    private long loglossN;

    MetricSums(List<Integer> ks) {
        this.ks = ks;
        this.hits = new double[ks.size()];
        this.ndcg = new double[ks.size()];
    }

    void add(Metrics.Outcome o) {
        n++;
        for (int i = 0; i < ks.size(); i++) {
            hits[i] += Metrics.hit(o.rank(), ks.get(i));
            ndcg[i] += Metrics.ndcg(o.rank(), ks.get(i));
        }
        rr += Metrics.reciprocalRank(o.rank());
        if (!Double.isNaN(o.auc())) {
            auc += o.auc();
            aucN++;
        }
        if (!Double.isNaN(o.logloss())) {
            logloss += o.logloss();
            loglossN++;
        }
    }

    long count() {
        return n;
    }

    /** {@code hr@k}, {@code ndcg@k} for every k, then {@code mrr}, {@code auc}, {@code logloss}; null where undefined. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < ks.size(); i++) {
            m.put("hr@" + ks.get(i), mean(hits[i], n));
        }
        for (int i = 0; i < ks.size(); i++) {
            m.put("ndcg@" + ks.get(i), mean(ndcg[i], n));
        }
        m.put("mrr", mean(rr, n));
        m.put("auc", mean(auc, aucN));
        m.put("logloss", mean(logloss, loglossN));
        m.put("events", n);
        return m;
    }

    private static Double mean(double sum, long count) {
        return count == 0 ? null : sum / count;
    }
}
