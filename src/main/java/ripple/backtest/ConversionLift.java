package ripple.backtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;

/**
 * Per behaviour type: how likely the same user converts (CART or PURCHASE) on the same item or the same category
 * within a horizon after a behaviour of that type, against the base rate after any behaviour. Only strictly later
 * events count, so a cart never converts itself. Events near the end of the data have less than the horizon left;
 * the base rate has the same censoring, so the lift stays comparable.
 */
final class ConversionLift {
    /** @param events  in event-time order */
    static Map<BehaviorType, Map<String, Object>> of(List<BehaviorEvent> events, Duration horizon) {
        Map<String, List<BehaviorEvent>> byUser = new HashMap<>();
        for (BehaviorEvent e : events) {
            byUser.computeIfAbsent(e.getUserId(), u -> new ArrayList<>()).add(e);
        }
        Map<BehaviorType, long[]> counts = new EnumMap<>(BehaviorType.class);
        long total = 0;
        long converted = 0;
        long window = horizon.toMillis();
        for (List<BehaviorEvent> history : byUser.values()) {
            for (int k = 0; k < history.size(); k++) {
                boolean conv = convertsLater(history, k, window);
                long[] c = counts.computeIfAbsent(history.get(k).getType(), t -> new long[2]);
                c[0]++;
                total++;
                if (conv) {
                    c[1]++;
                    converted++;
                }
            }
        }
        double base = total == 0 ? Double.NaN : (double) converted / total;
        Map<BehaviorType, Map<String, Object>> out = new EnumMap<>(BehaviorType.class);
        for (Map.Entry<BehaviorType, long[]> e : counts.entrySet()) {
            double p = (double) e.getValue()[1] / e.getValue()[0];
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("events", e.getValue()[0]);
            m.put("conversionRate", p);
            m.put("baseRate", base);
            m.put("conversionLift", base > 0 ? p / base : null);
            out.put(e.getKey(), m);
        }
        return out;
    }

    private static boolean convertsLater(List<BehaviorEvent> history, int k, long window) {
        BehaviorEvent e = history.get(k);
        long t = e.getTimestamp().toEpochMilli();
        String category = e.getContext().get("category");
        for (int j = k + 1; j < history.size(); j++) {
            BehaviorEvent later = history.get(j);
            if (later.getTimestamp().toEpochMilli() - t > window) {
                return false;
            }
            BehaviorType type = later.getType();
            if ((type == BehaviorType.CART || type == BehaviorType.PURCHASE)
                    && (later.getItemId().equals(e.getItemId())
                    || category != null && Objects.equals(category, later.getContext().get("category")))) {
                return true;
            }
        }
        return false;
    }

    private ConversionLift() {
    }
}
