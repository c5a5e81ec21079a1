package ripple.backtest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import ripple.avro.BehaviorEvent;
import ripple.avro.ItemFeatures;

/**
 * What a backtest replays: behaviour events in event-time order (a stable sort, so events with equal times keep
 * their file order) and the item features to load before them.
 *
 * @param source what the events came from, for the report
 */
public record ReplayInput(String source, List<BehaviorEvent> events, List<ItemFeatures> features) {

    public static ReplayInput of(String source, List<BehaviorEvent> events, List<ItemFeatures> features) {
        List<BehaviorEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparing(BehaviorEvent::getTimestamp));
        return new ReplayInput(source, List.copyOf(sorted), List.copyOf(features));
    }

    long firstTime() {
        return events.isEmpty() ? 0 : events.get(0).getTimestamp().toEpochMilli();
    }

    long lastTime() {
        return events.isEmpty() ? 0 : events.get(events.size() - 1).getTimestamp().toEpochMilli();
    }
}
