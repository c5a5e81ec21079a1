package ripple.scoring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ripple.features.FeatureLayout;
import ripple.features.ItemCatalog;
import ripple.features.UserState;

/**
 * Owns how a user's model is put together, for every reader alike (the scorer, interactive queries, the backtest's
 * probe): load the user's state and the task's prior, fit both to the current feature layout and text models, and
 * compose the weights the user is ranked with, the shared prior plus the user's own part.
 */
public final class UserModels {
    private static final Logger log = LoggerFactory.getLogger(UserModels.class);

    private final ItemCatalog catalog;
    private final FeatureLayout layout;

    public UserModels(ItemCatalog catalog) {
        this.catalog = catalog;
        this.layout = catalog.layout();
    }

    /** A user's state with the prior it is composed with, and the composed weights. */
    public record Model(UserState user, UserState prior, float[] weights) {
        /** After a training step changed the user or the prior: the weights composed anew. */
        public Model recomposed() {
            return new Model(user, prior, compose(prior, user));
        }
    }

    /** The user's model from stored bytes (null for a new user) and the task's prior. */
    public Model load(String userId, byte[] stored, UserState prior) {
        int fingerprint = catalog.textFingerprint();
        if (prior.weights().textFingerprint != fingerprint) {
            prior.resetText(layout.textDims(), fingerprint);
        }
        UserState user = user(userId, stored, fingerprint);
        return new Model(user, prior, compose(prior, user));
    }

    /**
     * A stored prior, or a zero one when there is none or the feature layout changed; stored with its optimiser
     * state in full, as every user's steps add to it.
     */
    public UserState prior(byte[] stored) {
        UserState prior = stored == null ? null : UserState.decode(stored);
        if (prior != null && prior.weights().weights.length != layout.size()) {
            log.warn("stored prior has {} weights, the feature layout {} (settings changed): starting a new prior",
                    prior.weights().weights.length, layout.size());
            prior = null;
        }
        UserState out = prior != null ? prior : UserState.startingFrom(new float[layout.size()], layout.textDims(), 0);
        out.weights().storeExactly();
        return out;
    }

    /**
     * The user's stored state, made to fit the current layout and text models; a new user's own weights start at
     * zero, so their model starts as the prior.
     */
    private UserState user(String userId, byte[] stored, int fingerprint) {
        if (stored == null) {
            return UserState.startingFrom(new float[layout.size()], layout.textDims(), fingerprint);
        }
        UserState user = UserState.decode(stored);
        if (user.weights().weights.length != layout.size()) {
            log.warn("user {} has {} weights but the feature layout has {} (settings changed): starting from the prior",
                    userId, user.weights().weights.length, layout.size());
            return UserState.startingFrom(new float[layout.size()], layout.textDims(), fingerprint);
        }
        if (user.weights().textFingerprint != fingerprint) {
            user.resetText(layout.textDims(), fingerprint);
        }
        return user;
    }

    /** The weights a user is ranked with: the shared prior plus the user's own part. */
    public static float[] compose(UserState prior, UserState user) {
        float[] priorWeights = prior.weights().weights;
        float[] userWeights = user.weights().weights;
        float[] w = new float[priorWeights.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = priorWeights[i] + userWeights[i];
        }
        return w;
    }
}
