package ripple.features;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything Ripple keeps for one user, as one record of the {@code user-state} store: the learned weights (the
 * learner's), the feature history (the feature code's) and the last top-K (the scorer's output). Each part is
 * changed only through its own class; {@link UserStateCodec} stores the three together.
 */
public final class UserState {
    private final UserWeights weights;
    private final UserHistory history;
    private final LastTopK lastTopK;

    UserState(UserWeights weights, UserHistory history, LastTopK lastTopK) {
        this.weights = weights;
        this.history = history;
        this.lastTopK = lastTopK;
    }

    /** A new state with the given weights, zero optimiser moments and no history. */
    public static UserState startingFrom(float[] weights, int textDims, int textFingerprint) {
        return new UserState(
                new UserWeights(weights.clone(), new float[weights.length], new float[weights.length], 0, textFingerprint),
                new UserHistory(0, new float[textDims], new MinMaxScaler(), new ArrayList<>(), new ArrayList<>()),
                new LastTopK(List.of(), 0));
    }

    public UserWeights weights() {
        return weights;
    }

    public UserHistory history() {
        return history;
    }

    public LastTopK lastTopK() {
        return lastTopK;
    }

    /**
     * Text weights learned on other embeddings mean nothing now, nor does a profile built from them: clear both.
     * Here because it spans two owners.
     */
    public void resetText(int textDims, int fingerprint) {
        weights.resetText(textDims, fingerprint);
        history.resetText();
    }

    public byte[] encode() {
        return UserStateCodec.encode(this);
    }

    /** @throws IllegalStateException if the bytes are not a user state this version can read */
    public static UserState decode(byte[] data) {
        return UserStateCodec.decode(data);
    }
}
