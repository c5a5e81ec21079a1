package ripple.features;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The three groups of f_i, as named by {@code features.ablate} and in per-group contributions. */
public enum FeatureGroup {
    TEXT, INFLUENCE, CONTEXT;

    /** Parses {@code text,influence} (any case, empty for none). */
    public static Set<FeatureGroup> parseAll(String list) {
        Set<FeatureGroup> out = EnumSet.noneOf(FeatureGroup.class);
        for (String part : list.split(",")) {
            if (!part.isBlank()) {
                out.add(valueOf(part.trim().toUpperCase(Locale.ROOT)));
            }
        }
        return out;
    }
}
