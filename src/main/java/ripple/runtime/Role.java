package ripple.runtime;

/** What one Ripple process runs. */
public enum Role {
    /** Both roles in one process: the embedded default. */
    ALL,
    /** The user-partitioned scoring topology; scale out by adding instances. */
    SCORER,
    /** Item text to embeddings; run it on GPU nodes. */
    EMBEDDER;

    public boolean scores() {
        return this != EMBEDDER;
    }

    public boolean embeds() {
        return this != SCORER;
    }
}
