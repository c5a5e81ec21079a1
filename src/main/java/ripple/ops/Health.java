package ripple.ops;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Whether this process is serving (readiness) and whether it is worth keeping (liveness).
 * <ul>
 *   <li>Ready ({@code /health/ready}, {@code /health}): every Kafka Streams application it runs is RUNNING and,
 *       if it embeds, the model is loaded. A rebalance makes it not ready for its duration.</li>
 *   <li>Live ({@code /health/live}): no application has failed for good (ERROR, or stopped without being asked).
 *       Starting, rebalancing and restoring state are live: restarting the pod then would only restart the
 *       restore, and a rebalance across all pods would restart all of them.</li>
 * </ul>
 *
 * @param up      whether the process is ready: {@code /health} and {@code /health/ready} answer 200
 * @param live    whether {@code /health/live} answers 200
 * @param details the JSON body: status, then each role's state (and the model)
 */
public record Health(boolean up, boolean live, Map<String, String> details) {
    /** Stands for a role that has not been started (yet), or was stopped. */
    public static final String NOT_STARTED = "NOT_STARTED";

    /** States Kafka Streams does not leave by itself: only a restart helps. */
    private static final Set<KafkaStreams.State> DEAD = EnumSet.of(KafkaStreams.State.PENDING_ERROR,
            KafkaStreams.State.ERROR, KafkaStreams.State.PENDING_SHUTDOWN, KafkaStreams.State.NOT_RUNNING);

    /**
     * @param apps  each role this process runs, with its application's state; null for one not started
     * @param model the loaded model's version when the process embeds, else null; ignored when it does not embed
     */
    public static Health of(Map<String, KafkaStreams.State> apps, boolean embeds, String model) {
        boolean up = !apps.isEmpty();
        boolean live = true;
        Map<String, String> roles = new TreeMap<>();
        for (Map.Entry<String, KafkaStreams.State> e : apps.entrySet()) {
            up &= e.getValue() == KafkaStreams.State.RUNNING;
            // the runtime forgets an application before closing it, so a dead state here was not asked for
            live &= e.getValue() == null || !DEAD.contains(e.getValue());
            roles.put(e.getKey(), e.getValue() == null ? NOT_STARTED : e.getValue().name());
        }
        if (embeds) {
            up &= model != null;
            roles.put("model", model == null ? "NOT_LOADED" : model);
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("status", up ? "UP" : "DOWN");
        details.putAll(roles);
        return new Health(up, live, details);
    }

    /** The body of {@code /health/live}: its own status, then the same states. */
    public Map<String, String> livenessDetails() {
        Map<String, String> out = new LinkedHashMap<>(details);
        out.put("status", live ? "UP" : "DOWN");
        return out;
    }
}
