package ripple.features;

import java.util.List;

/** The last top-K published for a user, kept to measure churn and to coalesce recomputations. */
public final class LastTopK {
    /** Best first; empty before the first recomputation. */
    public List<String> ids;
    /** Event time of the last recomputation. */
    public long time;

    LastTopK(List<String> ids, long time) {
        this.ids = ids;
        this.time = time;
    }

    public void replace(List<String> ids, long time) {
        this.ids = ids;
        this.time = time;
    }
}
