package ripple.backtest;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Deserializer;
import ripple.avro.BehaviorEvent;
import ripple.avro.Item;
import ripple.avro.ItemFeatures;
import ripple.dev.SyntheticGenerator;
import ripple.events.BadRows;
import ripple.events.EventFileReader;
import ripple.events.FileRows;
import ripple.events.ItemFileReader;

/**
 * Where a backtest's input comes from: a file (with an optional item file, embedded), a topic, or the synthetic
 * generator. Each gives the events in event time, cut to the first {@code limit} when one is given; what could
 * not be used is reported on {@code out}.
 */
public final class ReplayInputs {
    private ReplayInputs() {
    }

    /**
     * Events (and items) from files. Rows without a timestamp are bad rows (a replay goes in event time), and so are
     * events more than {@code maxSpan} before the newest: the floor is relative to the data, known once all is read.
     *
     * @param events    the events' reader, without a timestamp floor
     * @param items     the items' reader, or null for no item file
     * @param textModel the model that embeds the items
     */
    public static ReplayInput fromFile(EventFileReader events, Path eventFile, ItemFileReader items, Path itemFile,
                                       Duration maxSpan, String textModel, int threads, Integer limit,
                                       BacktestProgress progress, PrintWriter out) throws IOException {
        List<FileRows.Parsed<BehaviorEvent>> parsed = new ArrayList<>();
        BadRows bad = new BadRows();
        BacktestProgress.Step reading = progress.step(BacktestProgress.Phase.READ, "reading " + eventFile);
        long size = Files.size(eventFile);
        try (FileRows<BehaviorEvent> rows = events.open(eventFile)) {
            FileRows.forEach(rows, bad, () -> true, p -> {
                if (p.value().getTimestamp() == null) {
                    // a replay goes in event time; an event without one has no place in it
                    bad.add(new FileRows.Bad<>(p.line(), "no timestamp: a backtest replays in event time", ""));
                } else {
                    parsed.add(p);
                }
            }, () -> reading.update(rows.bytesRead(), size));
        }
        reading.end();
        Instant floor = parsed.stream().map(p -> p.value().getTimestamp()).max(Instant::compareTo)
                .orElse(Instant.now()).minus(maxSpan);
        List<BehaviorEvent> kept = new ArrayList<>(parsed.size());
        for (FileRows.Parsed<BehaviorEvent> p : parsed) {
            Instant t = p.value().getTimestamp();
            if (t.isBefore(floor)) {
                bad.add(new FileRows.Bad<>(p.line(), "timestamp " + t + " is more than --max-span (" + maxSpan.toDays()
                        + " days) before the newest event (the floor is " + floor + ")", ""));
            } else {
                kept.add(p.value());
            }
        }
        bad.print(out, eventFile.toString());
        List<ItemFeatures> features = List.of();
        if (items != null) {
            List<Item> catalogue = new ArrayList<>();
            BadRows badItems = new BadRows();
            try (FileRows<Item> rows = items.open(itemFile)) {
                FileRows.forEach(rows, badItems, () -> true, p -> catalogue.add(p.value()), () -> { });
            }
            badItems.print(out, itemFile.toString());
            features = embed(progress, catalogue, textModel, threads);
        }
        out.println(eventFile + ": " + kept.size() + " events, " + bad.count() + " bad rows");
        return sorted(progress, eventFile.toString(), kept, features, limit);
    }

    /** Events of a topic, read without a consumer group (live offsets untouched), between {@code from} and {@code to}. */
    public static ReplayInput fromTopic(Properties consumer, String topic, Deserializer<BehaviorEvent> values,
                                        Instant from, Instant to, Integer limit, BacktestProgress progress,
                                        PrintWriter out) {
        BacktestProgress.Step reading = progress.step(BacktestProgress.Phase.READ, "reading topic " + topic);
        TopicSource.Read read = TopicSource.read(consumer, topic, values, from, to, Duration.ofMinutes(10), reading);
        reading.end();
        read.skipped().stream().limit(BadRows.SHOWN).forEach(s ->
                out.println("  partition " + s.partition() + " offset " + s.offset() + ": " + s.reason()));
        if (!read.skipped().isEmpty()) {
            out.println(topic + ": " + read.skipped().size() + " records skipped");
        }
        return sorted(progress, "topic " + topic, read.events(), List.of(), limit);
    }

    /**
     * The synthetic generator's catalogue (embedded) and events.
     *
     * @param noCategories items and events carry no category, so only the item text tells the topics apart
     */
    public static ReplayInput synthetic(SyntheticGenerator.Settings settings, int events, boolean noCategories,
                                        String textModel, int threads, Integer limit, BacktestProgress progress) {
        SyntheticGenerator generator = new SyntheticGenerator(settings);
        List<Item> catalogue = generator.items();
        List<BehaviorEvent> generated = generator.events(events);
        if (noCategories) {
            // The generator's records are fresh, so they are changed in place.
            catalogue.forEach(i -> i.setCategory(null));
            generated.forEach(e -> e.setContext(withoutCategory(e.getContext())));
        }
        List<ItemFeatures> features = embed(progress, catalogue, textModel, threads);
        return sorted(progress, "synthetic (seed " + settings.seed() + ", " + settings.users() + " users, "
                + settings.items() + " items" + (noCategories ? ", no categories" : "") + ")", generated, features, limit);
    }

    private static List<ItemFeatures> embed(BacktestProgress progress, List<Item> items, String textModel, int threads) {
        BacktestProgress.Step step = progress.step(BacktestProgress.Phase.EMBED, "embedding " + items.size() + " items with " + textModel);
        List<ItemFeatures> features = ItemEmbeddings.embed(items, textModel, threads, step);
        step.end();
        return features;
    }

    /** The events in event time, the first {@code limit} of them (all when null). */
    private static ReplayInput sorted(BacktestProgress progress, String source, List<BehaviorEvent> events,
                                      List<ItemFeatures> features, Integer limit) {
        BacktestProgress.Step step = progress.step(BacktestProgress.Phase.SORT, String.format(Locale.ROOT, "sorting %,d events by event time",
                events.size()));
        ReplayInput all = ReplayInput.of(source, events, features);
        step.end();
        return limit == null || all.events().size() <= limit ? all
                : ReplayInput.of(source, all.events().subList(0, limit), features);
    }

    private static Map<String, String> withoutCategory(Map<String, String> context) {
        Map<String, String> out = new LinkedHashMap<>(context);
        out.remove("category");
        return out;
    }
}
