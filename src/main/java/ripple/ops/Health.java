package ripple.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Whether this process is serving: UP only when every Kafka Streams application it runs is RUNNING and, if it
 * embeds, the model is loaded. A rebalance makes it DOWN for its duration, so use it for readiness, not liveness.
 *
 * @param up      whether {@code /health} answers 200
 * @param details the JSON body: status, then each role's state (and the model)
 */
public record Health(boolean up, Map<String, String> details) {
    /** Stands for a role that has not been started (yet), or was stopped. */
    public static final String NOT_STARTED = "NOT_STARTED";

    /**
     * @param apps  each role this process runs, with its application's state; null for one not started
     * @param model the loaded model's version when the process embeds, else null; ignored when it does not embed
     */
    public static Health of(Map<String, KafkaStreams.State> apps, boolean embeds, String model) {
        boolean up = !apps.isEmpty();
        Map<String, String> roles = new TreeMap<>();
        for (Map.Entry<String, KafkaStreams.State> e : apps.entrySet()) {
            up &= e.getValue() == KafkaStreams.State.RUNNING;
            roles.put(e.getKey(), e.getValue() == null ? NOT_STARTED : e.getValue().name());
        }
        if (embeds) {
            up &= model != null;
            roles.put("model", model == null ? "NOT_LOADED" : model);
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("status", up ? "UP" : "DOWN");
        details.putAll(roles);
        return new Health(up, details);
    }
}
