package ripple.events;

import java.time.Duration;
import java.time.Instant;
import ripple.privacy.Pseudonyms;

/**
 * What intake checks and fills: its own record so that {@code events} does not depend on the scorer's settings
 * (the scorer builds it, see {@code ScoringSettings.intake()}).
 */
public record IntakeSettings(
        Duration dedupeWindow,
        String defaultScenario,
        Instant minTimestamp,
        Duration maxFutureSkew,
        int maxFieldLength,
        double maxDwellMs,
        Pseudonyms pseudonyms) {
}
