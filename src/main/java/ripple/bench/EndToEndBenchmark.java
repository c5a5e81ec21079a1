package ripple.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.ItemFeatures;
import ripple.avro.ScoreUpdate;
import ripple.config.RippleConfig;
import ripple.dev.LocalStack;
import ripple.dev.registry.KafkaSchemaStore;
import ripple.events.IntakeProcessor;
import ripple.metrics.RippleMetrics;
import ripple.runtime.KafkaSettings;
import ripple.runtime.KafkaStreamsSettings;
import ripple.runtime.RippleRuntime;
import ripple.runtime.TempDirs;
import ripple.scoring.ScoringSettings;
import ripple.scoring.ScoringTopology;
import ripple.serde.SchemaRegistry;
import ripple.topics.TopicAdmin;
import ripple.topics.Topics;

/**
 * End-to-end throughput and latency of the scorer on a real broker, against a pass-through Kafka Streams app
 * (deserialise, re-key, serialise, produce) on the same broker and data in the same run, the engine's ceiling, and
 * against a {@link #floor}, the state work under any scorer of this design.
 * Item features are random unit vectors (this measures scoring, not BERT: see {@code bench embed}).
 */
public final class EndToEndBenchmark {
    /**
     * @param latencyRate events/s of the latency phase; null for half the measured maximum
     * @param latencyLog  a CSV file to write each measured score of the latency phase to, or null
     */
    public record Options(String bootstrap, int users, int items, int events, int partitions, Duration latencyPhase,
                          Map<String, String> settings, Double latencyRate, Path latencyLog) {
    }

    /** The header of {@link Options#latencyLog}: one line per score, times in ms since the epoch. */
    static final String LATENCY_LOG_HEADER = "received_ms,event_ms,latency_ms,partition";

    /**
     * What one app did over the measured part of a throughput phase (after its warm-up): events/s, and what it
     * wrote and spent per event. Records and bytes are its producers', by topic (outputs, changelogs, the item
     * signals; bytes as sent, after compression); CPU is its own threads' (stream, global and client
     * threads) and the whole process's (the embedded broker's included).
     */
    public record Phase(double eventsPerSec, double recordsPerEvent, double bytesPerEvent, double cpuMsPerEvent,
                        double processCpuMsPerEvent, Map<String, double[]> byTopic, double outputsPerSec) {
        String toJson() {
            StringBuilder t = new StringBuilder();
            byTopic.forEach((topic, rb) -> t.append(t.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT,
                    "\"%s\": {\"records\": %.3f, \"bytes\": %.1f}", topic, rb[0], rb[1])));
            return String.format(Locale.ROOT, "{\"events_per_sec\": %.1f, \"outputs_per_sec\": %.1f, \"records_per_event\": %.3f, "
                            + "\"bytes_per_event\": %.1f, \"cpu_ms_per_event\": %.3f, \"process_cpu_ms_per_event\": %.3f, "
                            + "\"by_topic\": {%s}}", eventsPerSec, outputsPerSec, recordsPerEvent, bytesPerEvent, cpuMsPerEvent,
                    processCpuMsPerEvent, t);
        }
    }

    public record Result(int events, int users, int items, Phase ripple, Phase passthrough, Phase floor,
                         long commitIntervalMs,
                         double p50Ms, double p95Ms, double p99Ms, double[] p99IntervalMs, double[] p99ByThirdMs,
                         int latencySamples,
                         double latencyRate,
                         double warmEventsPerSec, double warmCpuMsPerEvent, double latencyCpuMsPerEvent,
                         CommitBreakdown latencyCommits, GcPauses.Summary latencyGc, TailSpan p99Tail, long rssMbPeak,
                         double stateBytesPerUser) {
        public double rippleEventsPerSec() {
            return ripple.eventsPerSec();
        }

        public double passthroughEventsPerSec() {
            return passthrough.eventsPerSec();
        }

        public String toJson() {
            return String.format(Locale.ROOT, "{\"events\": %d, \"users\": %d, \"items\": %d, "
                            + "\"ripple_events_per_sec\": %.1f, \"passthrough_events_per_sec\": %.1f, \"ratio\": %.3f, "
                            + "\"floor_events_per_sec\": %.1f, \"floor_ratio\": %.3f, \"ratio_to_floor\": %.3f, "
                            + "\"commit_interval_ms\": %d, \"p50_ms\": %.1f, \"p95_ms\": %.1f, \"p99_ms\": %.1f, "
                            + "\"p99_interval_ms\": [%s], \"p99_by_third_ms\": [%s], \"latency_samples\": %d, "
                            + "\"latency_rate_events_per_sec\": %.1f, "
                            + "\"warm_events_per_sec\": %.1f, \"warm_cpu_ms_per_event\": %.3f, "
                            + "\"latency_cpu_ms_per_event\": %.3f, \"latency_commits\": %s, \"latency_gc\": %s, "
                            + "\"p99_tail_one_second\": %s, "
                            + "\"records_per_event\": %.3f, \"bytes_per_event\": %.1f, \"cpu_ms_per_event\": %.3f, "
                            + "\"rss_mb_peak\": %d, \"state_bytes_per_user\": %.0f, "
                            + "\"ripple\": %s, \"passthrough\": %s, \"floor\": %s}",
                    events, users, items, ripple.eventsPerSec(), passthrough.eventsPerSec(),
                    ripple.eventsPerSec() / passthrough.eventsPerSec(), floor.eventsPerSec(),
                    floor.eventsPerSec() / passthrough.eventsPerSec(), ripple.eventsPerSec() / floor.eventsPerSec(),
                    commitIntervalMs, p50Ms, p95Ms, p99Ms,
                    joinMs(p99IntervalMs, "%.1f", ", "), joinMs(p99ByThirdMs, "%.1f", ", "), latencySamples, latencyRate,
                    warmEventsPerSec, warmCpuMsPerEvent, latencyCpuMsPerEvent,
                    latencyCommits.toJson(), latencyGc.toJson(), p99Tail.toJson(), ripple.recordsPerEvent(),
                    ripple.bytesPerEvent(),
                    ripple.cpuMsPerEvent(), rssMbPeak, stateBytesPerUser, ripple.toJson(), passthrough.toJson(),
                    floor.toJson());
        }
    }

    /**
     * Spans of event time, equal in length, over which the latency phase's p99 is also given apart: a rate the
     * scorer does not sustain shows as a p99 that grows from one to the next (113, 263 and 1,098 ms over a 60 s
     * phase whose whole p99 read 1,006).
     */
    static final int LATENCY_PARTS = 3;
    /** Share of a throughput phase's output (and of the latency phase's events) left out as warm-up. */
    static final double WARM_UP = 0.1;
    /** Events of the burst that measures the maximum again before the latency phase, as a share of the events. */
    static final double WARM_BURST = 0.1;

    /** The warm burst's rate and its scorer's CPU per event. */
    record Burst(double eventsPerSec, double cpuMsPerEvent) {
    }

    private EndToEndBenchmark() {
    }

    public static Result run(Options o, java.io.PrintStream log) throws Exception {
        Path dir = Files.createTempDirectory("ripple-bench-e2e");
        // listening from the start: JFR's first start in a JVM stalled it for seconds (a latency phase's p50 of
        // 9 s when it began there), so it is over before anything is measured
        GcPauses gcPauses = new GcPauses();
        LocalStack local = null;
        String bootstrap = o.bootstrap();
        if (bootstrap == null) {
            local = LocalStack.builder(dir.resolve("kafka")).start();
            bootstrap = local.bootstrapServers();
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        RippleConfig c = RippleConfig.defaultConfig();
        for (Map.Entry<String, String> e : o.settings().entrySet()) {
            c = c.with(e.getKey(), e.getValue());
        }
        c = c.with("bootstrap.servers", bootstrap)
                .with("application.id", "ripple-bench-" + run)
                .with("state.dir", dir.resolve("state").toString())
                .with("topics.partitions", String.valueOf(o.partitions()))
                .with("features.text.models", "bench");
        for (String t : List.of("behavior-events", "items", "item-features", "scores", "recommendations",
                "weight-updates", "dead-letters")) {
            c = c.with("topics." + t, "bench-" + run + "-" + t);
        }
        RippleConfig config = c.with("topics.item-influence", "bench-" + run + "-item-influence")
                .with("topics.item-neighbours", "bench-" + run + "-item-neighbours")
                .with("topics.item-signals", "bench-" + run + "-item-signals");
        Properties client = KafkaSettings.client(config);
        Map<String, Object> clientMap = new HashMap<>();
        client.forEach((k, v) -> clientMap.put((String) k, v));
        // the local stack's own store, or one on the given cluster's _schemas topic
        KafkaSchemaStore own = local == null
                ? KafkaSchemaStore.open(clientMap, KafkaSchemaStore.DEFAULT_TOPIC, Duration.ofSeconds(30)) : null;
        SchemaRegistry registry = local == null ? own : local.schemaStore();
        try (Admin admin = Admin.create(client)) {
            Topics topics = Topics.create(config, registry);
            TopicAdmin.ensure(admin, topics, o.partitions(), (short) 1);
            String passthroughOut = "bench-" + run + "-passthrough";
            String floorOut = "bench-" + run + "-floor";
            List<String> baselineOuts = List.of(passthroughOut, floorOut);
            admin.createTopics(baselineOuts.stream()
                    .map(t -> new org.apache.kafka.clients.admin.NewTopic(t, o.partitions(), (short) 1)).toList())
                    .all().get();
            TopicAdmin.awaitLeaders(admin, baselineOuts, o.partitions());

            log.printf(Locale.ROOT, "producing %d item features and %d events for %d users...%n", o.items(), o.events(), o.users());
            produceFeatures(client, topics, o.items());
            Instant base = Instant.now().minus(Duration.ofHours(1));
            produceEvents(client, topics, o, 0, o.events(), i -> base.plusMillis(i).toEpochMilli(), true);

            // The scorer is timed by its scores (one per event); the pass-through and the floor by their one output
            // per event.
            Phase passthrough = measureBaseline(client, config, passthrough(topics, passthroughOut), passthroughOut,
                    "ripple-bench-passthrough-" + run, o.events(), log, "passthrough");
            Phase floor = measureBaseline(client, config, floor(ScoringSettings.from(config), topics, floorOut),
                    floorOut, "ripple-bench-floor-" + run, o.events(), log, "floor");
            List<GcPauses.Wait> waits = new ArrayList<>();
            List<GcPauses.Pause> pauses;
            Phase ripple;
            double rate;
            double latencyCpu;
            Burst warm;
            CommitBreakdown commits;
            String appId = config.nonEmpty("application.id");
            // as the runtime runs them: the scorer, and its by-item aggregates as an application of their own
            ScoringSettings settings = ScoringSettings.from(config);
            KafkaStreamsSettings kafka = KafkaStreamsSettings.from(config);
            ScoringTopology.Wiring wiring = ScoringTopology.Wiring.live(RippleMetrics.noop());
            KafkaStreams streams = new KafkaStreams(ScoringTopology.scorer(settings, topics, settings.newCatalog(),
                    wiring), KafkaSettings.streams(kafka, ""));
            KafkaStreams byItem = new KafkaStreams(ScoringTopology.byItem(settings, topics, wiring),
                    RippleRuntime.byItemProps(kafka, settings));
            Apps scorer = new Apps(appId, List.of(byItem, streams), Map.of(appId, List.of(),
                    appId + RippleRuntime.BY_ITEM_SUFFIX, List.of(topics.itemSignals.name())));
            try {
                ripple = measure(client, topics.scores.name(), o.events(), scorer, log, "ripple");
                // Latency at half the maximum, on the scorer that was just measured, still running: warm, as a
                // service is between deployments (a restart's catch-up is not a steady state's latency); or at a
                // given rate, so that two builds on a shared machine, whose maxima differ with the load, are
                // compared at the same rate. The maximum is measured again, on a burst after the throughput phase:
                // users come back with longer histories than during it, so more candidates to rank, and an event
                // of the latency phase cost about twice one of the throughput phase (CPU per event, 200k users).
                int next = o.events();
                warm = null;
                if (o.latencyRate() == null) {
                    int burst = Math.max(1000, (int) (o.events() * WARM_BURST));
                    warm = warmBurst(client, topics, o, next, burst, scorer, log);
                    next += burst;
                }
                rate = o.latencyRate() != null ? o.latencyRate() : Math.max(1, warm.eventsPerSec() / 2);
                CommitBreakdown.Counters before = CommitBreakdown.read(streams);
                Snapshot cpuBefore = Snapshot.take(scorer, 0);
                int paced = latencyPhase(client, topics, o, next, rate, waits, log);
                pauses = gcPauses.pauses();
                Snapshot cpuAfter = Snapshot.take(scorer, 0);
                latencyCpu = (cpuAfter.appCpuNanos() - cpuBefore.appCpuNanos()) / 1e6 / paced;
                commits = CommitBreakdown.between(before, CommitBreakdown.read(streams));
                log.printf(Locale.ROOT, "latency phase: %.3f CPU-ms per event (the throughput phase: %.3f): %s%n",
                        latencyCpu, ripple.cpuMsPerEvent(), cpuAfter.cpuSplit(cpuBefore, paced));
                log.printf(Locale.ROOT, "latency phase commits: %s%n", commits);
                log.printf(Locale.ROOT, "latency phase, stream threads: %s%n", streamsLatencies(streams));
            } finally {
                scorer.leave();
            }
            List<Double> latencies = new ArrayList<>(waits.size());
            waits.forEach(w -> latencies.add((double) w.millis()));
            Collections.sort(latencies);
            double p99 = percentile(latencies, 0.99);
            GcPauses.Summary gc = GcPauses.summarise(waits, pauses, p99);
            log.printf(Locale.ROOT, "latency phase, GC: %s%n", gc);
            double[] interval = p99Interval(waits, TAIL_BLOCK, P99_RESAMPLES, P99_SEED);
            log.printf(Locale.ROOT, "latency phase, p99 %.0f ms, 95%% interval %.0f to %.0f ms (a bootstrap over seconds "
                    + "of event time)%n", p99, interval[0], interval[1]);
            double[] byThird = p99ByPart(waits, LATENCY_PARTS);
            log.printf(Locale.ROOT, "latency phase, p99 of each third of its time: %s ms%n",
                    joinMs(byThird, "%.0f", " / "));
            TailSpan tail = tailSpan(waits, p99, TAIL_BLOCK);
            log.printf(Locale.ROOT, "latency phase, the %d scores at or above the p99: %.0f%% of them from events within "
                    + "one second, from %.1f s into the phase%n", tail.tailWaits(), 100 * tail.share(), tail.startSec());
            double stateBytes = stateBytesPerUser(client, appId + "-user-state-changelog");
            return new Result(o.events(), o.users(), o.items(), ripple, passthrough, floor,
                    config.duration("commit.interval").toMillis(), percentile(latencies, 0.5), percentile(latencies, 0.95),
                    p99, interval, byThird, latencies.size(), rate,
                    warm == null ? Double.NaN : warm.eventsPerSec(),
                    warm == null ? Double.NaN : warm.cpuMsPerEvent(), latencyCpu, commits, gc, tail, rssPeakMb(), stateBytes);
        } finally {
            gcPauses.close();
            if (own != null) {
                own.close();
            }
            if (local != null) {
                local.close();
            }
            // the broker's logs and the scorer's state: over a GB a run
            TempDirs.deleteQuietly(dir);
        }
    }

    /**
     * The running scorer's maximum in the state the latency phase finds it in: {@code n} more events (ids from
     * {@code from}) produced at once, and the rate at which they are done once the first {@link #WARM_UP} of their
     * scores have come out (a backlog drained, as in the throughput phase: done when every sub-topology has read
     * all its input).
     */
    private static Burst warmBurst(Properties client, Topics topics, Options o, int from, int n, Apps apps,
                                   java.io.PrintStream log) throws Exception {
        try (KafkaConsumer<String, ScoreUpdate> scores = consumer(client, topics)) {
            scores.assign(partitions(scores, topics.scores.name()));
            scores.seekToEnd(scores.assignment());
            scores.assignment().forEach(scores::position);
            produceEvents(client, topics, o, from, n, i -> System.currentTimeMillis(), true);
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            Snapshot start = drain(scores, n, apps, deadline, "the warm burst");
            // and its by-item aggregations, which lag behind the scores: otherwise their backlog, left to the
            // latency phase, is work the maximum did not pay for
            awaitCaughtUp(client, apps, deadline);
            Snapshot end = Snapshot.take(apps, n);
            double events = end.outputs() - start.outputs();
            Burst b = new Burst(events / ((end.nanos() - start.nanos()) / 1e9),
                    (end.appCpuNanos() - start.appCpuNanos()) / 1e6 / events);
            log.printf(Locale.ROOT, "warm burst: %d events, %.0f/s, %.3f CPU-ms per event (%s)%n", n,
                    b.eventsPerSec(), b.cpuMsPerEvent(), end.cpuSplit(start, events));
            return b;
        }
    }

    /**
     * Produces {@code rate} events/s for the configured time and adds each score's wait (its event time and its
     * receipt) to {@code waits}, after the first {@link #WARM_UP} of them; returns how many events it produced.
     */
    private static int latencyPhase(Properties client, Topics topics, Options o, int from, double rate,
                                    List<GcPauses.Wait> waits, java.io.PrintStream log)
            throws InterruptedException, java.io.IOException {
        try (KafkaConsumer<String, ScoreUpdate> scores = consumer(client, topics);
             java.io.PrintWriter scoreLog = o.latencyLog() == null ? null
                     : new java.io.PrintWriter(Files.newBufferedWriter(o.latencyLog()))) {
            if (scoreLog != null) {
                scoreLog.println(LATENCY_LOG_HEADER);
            }
            scores.assign(partitions(scores, topics.scores.name()));
            scores.seekToEnd(scores.assignment());
            scores.assignment().forEach(scores::position);
            int n = (int) Math.max(50, rate * o.latencyPhase().toSeconds());
            log.printf(Locale.ROOT, "latency phase: %d events at %.0f/s%n", n, rate);
            long warmUp = (long) (n * WARM_UP);
            AtomicReference<RuntimeException> failed = new AtomicReference<>();
            Thread producer = new Thread(() -> {
                try {
                    // each event sent as it happens: a score's wait is Ripple's, not the benchmark producer's batching
                    produceEvents(client, topics, o, from, n, paced(rate), false);
                } catch (RuntimeException e) {
                    failed.set(e);
                }
            });
            producer.start();
            long deadline = System.nanoTime() + o.latencyPhase().plusSeconds(30).toNanos();
            int seenLatency = 0;
            while (seenLatency < n && System.nanoTime() < deadline && failed.get() == null) {
                for (ConsumerRecord<String, ScoreUpdate> r : scores.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    // the first events of the phase are the warm-up: left out
                    if (Long.parseLong(r.value().getEventId().substring(1)) - from >= warmUp) {
                        long eventTime = r.value().getEventTime().toEpochMilli();
                        waits.add(new GcPauses.Wait(eventTime, now));
                        if (scoreLog != null) {
                            // when each commit made its scores visible, and how old they were: the tail by its cause
                            scoreLog.println(now + "," + eventTime + "," + (now - eventTime) + "," + r.partition());
                        }
                    }
                    seenLatency++;
                }
            }
            producer.join();
            if (failed.get() != null) {
                throw failed.get();
            }
            // a PrintWriter keeps its write errors to itself: a log cut short must not pass for a whole one
            if (scoreLog != null && scoreLog.checkError()) {
                throw new java.io.IOException("could not write the latency log " + o.latencyLog());
            }
            return n;
        }
    }

    /**
     * The stream threads' own commit, poll and process latencies, for the log: each an average and a maximum over
     * Kafka Streams' last sample windows (about the latency phase). Its record end-to-end metrics are left out:
     * their windows also hold the earlier phases' events, whose event times are old.
     */
    static String streamsLatencies(KafkaStreams streams) {
        Map<String, Double> values = new java.util.TreeMap<>();
        streams.metrics().forEach((n, m) -> {
            if (m.metricValue() instanceof Number v && !Double.isNaN(v.doubleValue())
                    && n.group().equals("stream-thread-metrics") && (n.name().startsWith("commit-latency-")
                    || n.name().startsWith("poll-latency-") || n.name().startsWith("process-latency-"))) {
                values.merge(n.name(), v.doubleValue(), Math::max);
            }
        });
        StringBuilder out = new StringBuilder();
        values.forEach((k, v) -> out.append(String.format(Locale.ROOT, "%s%s %.1f", out.length() == 0 ? "" : "; ", k, v)));
        return out.append(" (ms)").toString();
    }

    /**
     * The Kafka Streams applications measured together: their id (the prefix of their threads' names), the apps,
     * and the topics each group reads beyond those it has committed offsets for (so that a task that has committed
     * nothing yet is not taken for done).
     */
    private record Apps(String applicationId, List<KafkaStreams> all, Map<String, List<String>> reads) {
        void start() {
            all.forEach(KafkaStreams::start);
        }

        /** Closes each app, leaving its group, so that the next app on the broker does not wait for its session. */
        void leave() {
            all.forEach(a -> a.close(CloseOptions.groupMembershipOperation(
                    CloseOptions.GroupMembershipOperation.LEAVE_GROUP)));
        }
    }

    private static LongSupplierIndexed paced(double rate) {
        long start = System.nanoTime();
        return i -> {
            long due = start + (long) (i / rate * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return System.currentTimeMillis();
        };
    }

    /** Event time for the i-th event of a phase; may pace the producer. */
    private interface LongSupplierIndexed {
        long timestamp(long i);
    }

    private static Topology passthrough(Topics topics, String out) {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(topics.behaviorEvents.name(), topics.behaviorEvents.consumed())
                .selectKey((user, e) -> e.getItemId())
                .to(out, Produced.with(Serdes.String(), topics.behaviorEvents.valueSerde()));
        return b.build();
    }

    /**
     * The floor under any scorer that keeps Ripple's state: Ripple's own intake (validation, and dedupe by event id
     * in its logged store), then each user's state read and written back in a logged RocksDB store, and one output
     * per event (the event, as the pass-through writes it). Between it and the scorer lies the scoring itself
     * (ranking, learning, the by-item aggregates); between the pass-through and it, the state every design keeps.
     */
    static Topology floor(ScoringSettings settings, Topics topics, String out) {
        StreamsBuilder b = new StreamsBuilder();
        b.addStateStore(IntakeProcessor.dedupeStore(settings.intake().dedupeWindow()));
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FLOOR_USER_STORE),
                Serdes.String(), Serdes.ByteArray()));
        b.stream(topics.behaviorEvents.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .process(() -> ScoringTopology.intake(settings, topics, RippleMetrics.noop()), IntakeProcessor.DEDUPE_STORE)
                .filter((user, v) -> v instanceof BehaviorEvent).mapValues(v -> (BehaviorEvent) v)
                .process(FloorUserState::new, FLOOR_USER_STORE)
                .to(out, Produced.with(Serdes.String(), topics.behaviorEvents.valueSerde()));
        return b.build();
    }

    static final String FLOOR_USER_STORE = "floor-user-state";
    /** The floor's state per user: about the scorer's mean at the default settings (451 to 456 bytes, 2026-12-05). */
    static final int FLOOR_STATE_BYTES = 456;

    /** Reads the user's state, changes it (the event's time and item), writes it back, and forwards the event. */
    private static final class FloorUserState extends ContextualProcessor<String, BehaviorEvent, String, BehaviorEvent> {
        private KeyValueStore<String, byte[]> users;

        @Override
        public void init(ProcessorContext<String, BehaviorEvent> context) {
            super.init(context);
            users = context.getStateStore(FLOOR_USER_STORE);
        }

        @Override
        public void process(Record<String, BehaviorEvent> record) {
            byte[] state = users.get(record.key());
            ByteBuffer b = ByteBuffer.wrap(state == null ? new byte[FLOOR_STATE_BYTES] : state);
            int count = b.getInt(0) + 1;
            b.putInt(0, count).putLong(4, record.timestamp())
                    .putInt(12 + 4 * (count % ((FLOOR_STATE_BYTES - 12) / 4)), record.value().getItemId().hashCode());
            users.put(record.key(), b.array());
            context().forward(record);
        }
    }

    /** Runs a baseline app over the pre-produced events and measures it as {@link #measure} does, then stops it. */
    private static Phase measureBaseline(Properties client, RippleConfig config, Topology topology, String out,
                                         String applicationId, int events, java.io.PrintStream log, String name)
            throws Exception {
        Properties p = KafkaSettings.streams(config, "");
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        Apps app = new Apps(applicationId, List.of(new KafkaStreams(topology, p)), Map.of(applicationId, List.of()));
        try {
            return measure(client, out, events, app, log, name);
        } finally {
            app.leave();
        }
    }

    /**
     * Starts an app over the pre-produced events and returns once a read_committed consumer has seen all its output
     * and the app has read all its input, leaving it running (the caller closes it). Events/s and CPU are taken
     * between the moment {@link #WARM_UP} of the output has been seen and the end, so that start-up, restoration
     * and JIT warm-up are left out; records and bytes per event over the whole phase. Both apps are measured the
     * same way, so the consumer's cost is shared.
     */
    private static Phase measure(Properties client, String outputTopic, int expected, Apps apps,
                                 java.io.PrintStream log, String name)
            throws Exception {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.assign(partitions(c, outputTopic));
            c.seekToBeginning(c.assignment());
            long t0 = System.nanoTime();
            apps.start();
            long deadline = System.nanoTime() + Duration.ofHours(2).toNanos();
            Snapshot atWarm = drain(c, expected, apps, deadline, name);
            // Done when every app has caught up, not only the one that writes the timed output: the by-item
            // aggregations may lag behind it.
            long outputsDone = System.nanoTime();
            double outputsPerSec = (expected - atWarm.outputs) / ((outputsDone - atWarm.nanos) / 1e9);
            awaitCaughtUp(client, apps, deadline);
            Snapshot end = Snapshot.take(apps, expected);
            double all = (System.nanoTime() - t0) / 1e9;
            Phase phase = end.minus(atWarm, outputsPerSec);
            log.printf(Locale.ROOT, "%s: %d events in %.1f s (%.0f/s start-up included; %.0f/s after the first %d); "
                            + "its inputs were all consumed %.1f s after its last output%n",
                    name, expected, all, expected / all, phase.eventsPerSec(), atWarm.outputs,
                    (System.nanoTime() - outputsDone) / 1e9);
            log.printf(Locale.ROOT, "%s: %.0f/s counted to its last output instead%n", name, outputsPerSec);
            log.printf(Locale.ROOT, "%s: per event %.2f records, %.0f bytes, %.3f CPU-ms (%.3f for the whole process)%n",
                    name, phase.recordsPerEvent(), phase.bytesPerEvent(), phase.cpuMsPerEvent(),
                    phase.processCpuMsPerEvent());
            phase.byTopic().forEach((topic, rb) -> log.printf(Locale.ROOT, "  %-40s %7.3f records %8.1f bytes%n",
                    topic, rb[0], rb[1]));
            double[] timed = phase.byTopic().get(Snapshot.shortName(outputTopic));
            if (timed == null || timed[0] < 0.99) {
                // A stream thread that was fenced or replaced gets a new producer, whose counters start at zero.
                log.printf(Locale.ROOT, "%s: WARNING: its producer wrote %.3f records per event to %s, which gets one per "
                        + "event: its counters were reset (a stream thread fenced or replaced), so records and bytes "
                        + "per event are undercounted%n", name, timed == null ? 0 : timed[0], outputTopic);
            }
            return phase;
        }
    }

    /**
     * Polls {@code c} until it has seen {@code expected} outputs (or fails at {@code deadline}); returns the app's
     * counters taken once the first {@link #WARM_UP} of them had been seen, where a measurement starts.
     */
    private static Snapshot drain(KafkaConsumer<?, ?> c, long expected, Apps apps, long deadline, String what) {
        long warm = (long) (expected * WARM_UP);
        long seen = 0;
        Snapshot atWarm = null;
        while (seen < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not finish in time (" + seen + " of " + expected + ")");
            }
            seen += c.poll(Duration.ofMillis(100)).count();
            if (atWarm == null && seen >= warm) {
                atWarm = Snapshot.take(apps, seen);
            }
        }
        return atWarm;
    }

    /**
     * Waits until each group's committed offsets reach the end of every partition it reads (its inputs, and the
     * topics {@link Apps#reads} names). Under exactly-once the last record of a partition is a transaction marker,
     * which a committed offset need not pass, hence one offset of slack.
     */
    private static void awaitCaughtUp(Properties client, Apps apps, long deadline) throws Exception {
        try (Admin admin = Admin.create(client)) {
            for (Map.Entry<String, List<String>> group : apps.reads().entrySet()) {
                Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
                admin.describeTopics(group.getValue()).allTopicNames().get().forEach((t, d) -> d.partitions()
                        .forEach(pi -> latest.put(new TopicPartition(t, pi.partition()),
                                org.apache.kafka.clients.admin.OffsetSpec.latest())));
                awaitCaughtUp(admin, group.getKey(), latest, deadline);
            }
        }
    }

    private static void awaitCaughtUp(Admin admin, String group,
                                      Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest,
                                      long deadline) throws Exception {
        while (System.nanoTime() < deadline) {
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed = admin
                    .listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            committed.keySet().forEach(tp -> latest.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get();
            boolean done = ends.entrySet().stream().allMatch(e -> {
                var c = committed.get(e.getKey());
                return (c == null ? 0 : c.offset()) >= e.getValue().offset() - 1;
            });
            if (done) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(group + " did not catch up within 2 hours");
    }

    /** Counters of a running app at one moment: outputs seen, its producer's records and bytes by topic, CPU. */
    private record Snapshot(long nanos, long outputs, Map<String, double[]> byTopic, long processCpuNanos,
                            Map<String, Long> cpuByThread) {
        static Snapshot take(Apps apps, long outputs) {
            String applicationId = apps.applicationId();
            Map<String, double[]> byTopic = new java.util.TreeMap<>();
            apps.all().forEach(streams -> streams.metrics().forEach((n, m) -> {
                if (n.group().equals("producer-topic-metrics") && n.tags().containsKey("topic")
                        && (n.name().equals("record-send-total") || n.name().equals("byte-total"))) {
                    double[] rb = byTopic.computeIfAbsent(n.tags().get("topic"), t -> new double[2]);
                    rb[n.name().equals("record-send-total") ? 0 : 1] += ((Number) m.metricValue()).doubleValue();
                }
            }));
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            Map<String, Long> byThread = new java.util.TreeMap<>();
            for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
                // Kafka Streams names its threads and its clients' threads after the application id
                if (t != null && t.getThreadName().contains(applicationId)) {
                    byThread.merge(threadKind(t.getThreadName(), applicationId),
                            Math.max(0, threads.getThreadCpuTime(t.getThreadId())), Long::sum);
                }
            }
            long process = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
            return new Snapshot(System.nanoTime(), outputs, byTopic, process, byThread);
        }

        /** The CPU of the app's own threads (stream, global and client threads). */
        long appCpuNanos() {
            return cpuByThread.values().stream().mapToLong(Long::longValue).sum();
        }

        /** A thread's name without the application id and the instance's UUID: what kind of thread it is. */
        static String threadKind(String name, String applicationId) {
            return name.replace(applicationId, "").replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "")
                    .replaceAll("^[-| ]+", "");
        }

        /** CPU-ms per event since {@code start}, by kind of thread, and the whole process's, for the log. */
        String cpuSplit(Snapshot start, double events) {
            StringBuilder out = new StringBuilder();
            cpuByThread.forEach((kind, nanos) -> {
                double ms = (nanos - start.cpuByThread.getOrDefault(kind, 0L)) / 1e6 / events;
                if (ms >= 0.001) {
                    out.append(String.format(Locale.ROOT, "%s %.3f; ", kind, ms));
                }
            });
            return out.append(String.format(Locale.ROOT, "whole process %.3f",
                    (processCpuNanos - start.processCpuNanos) / 1e6 / events)).toString();
        }

        /**
         * Rate and CPU since {@code start}; records and bytes over the whole phase (all of them are counted once
         * the app has caught up, while at the warm-up mark its producer is ahead of the outputs seen).
         */
        Phase minus(Snapshot start, double outputsPerSec) {
            double events = outputs - start.outputs;
            Map<String, double[]> per = new java.util.TreeMap<>();
            double records = 0;
            double bytes = 0;
            for (Map.Entry<String, double[]> e : byTopic.entrySet()) {
                double[] rb = {e.getValue()[0] / outputs, e.getValue()[1] / outputs};
                records += rb[0];
                bytes += rb[1];
                per.put(shortName(e.getKey()), rb);
            }
            return new Phase(events / ((nanos - start.nanos) / 1e9), records, bytes,
                    (appCpuNanos() - start.appCpuNanos()) / 1e6 / events, (processCpuNanos - start.processCpuNanos) / 1e6 / events,
                    per, outputsPerSec);
        }

        /** "bench-1a2b3c4d-scores" as "scores", "ripple-bench-1a2b3c4d-user-state-changelog" as "user-state-changelog". */
        static String shortName(String topic) {
            return topic.replaceFirst("^(ripple-)?bench-(passthrough-|floor-)?[0-9a-f]{8}-", "");
        }
    }

    private static void produceFeatures(Properties client, Topics topics, int items) {
        SplittableRandom rnd = new SplittableRandom(7);
        Delivery delivery = new Delivery();
        try (KafkaProducer<String, ItemFeatures> p = new KafkaProducer<>(producerProps(client, true), new StringSerializer(),
                topics.itemFeatures.valueSerde().serializer())) {
            for (int i = 0; i < items; i++) {
                List<Float> v = new ArrayList<>(64);
                double norm = 0;
                float[] x = new float[64];
                for (int d = 0; d < 64; d++) {
                    x[d] = (float) (rnd.nextDouble() - 0.5);
                    norm += x[d] * x[d];
                }
                for (float f : x) {
                    v.add((float) (f / Math.sqrt(norm)));
                }
                p.send(new ProducerRecord<>(topics.itemFeatures.name(), "i" + i, ItemFeatures.newBuilder()
                        .setItemId("i" + i).setModelId("bench").setModelVersion("v1").setEmbedding(v)
                        .setComputedAt(Instant.now()).setCategory("c" + (i % 50)).build()), delivery);
            }
        }
        delivery.check("item features");
    }

    /**
     * Writes n events (ids from {@code from}), each stamped by {@code time} as it is made. {@code batched}: as a
     * bulk loader would, lingering 10 ms to fill large compressed batches (the throughput phases, whose input must
     * outpace the scorer); otherwise as a latency-sensitive client would, each event sent as it is made
     * ({@code linger.ms=0}), so that its measured wait holds none of the benchmark producer's own batching.
     */
    private static void produceEvents(Properties client, Topics topics, Options o, int from, int n,
                                      LongSupplierIndexed time, boolean batched) {
        SplittableRandom rnd = new SplittableRandom(from + 11L);
        BehaviorType[] types = {BehaviorType.BROWSE, BehaviorType.BROWSE, BehaviorType.BROWSE, BehaviorType.CLICK,
                BehaviorType.CLICK, BehaviorType.FAVORITE, BehaviorType.CART, BehaviorType.PURCHASE};
        Delivery delivery = new Delivery();
        try (KafkaProducer<String, BehaviorEvent> p = new KafkaProducer<>(producerProps(client, batched), new StringSerializer(),
                topics.behaviorEvents.valueSerde().serializer())) {
            for (int i = 0; i < n; i++) {
                // skewed: a few heavy users, a long tail of items
                String user = "u" + (int) (o.users() * Math.pow(rnd.nextDouble(), 2));
                String item = "i" + (int) (o.items() * Math.pow(rnd.nextDouble(), 3));
                BehaviorEvent e = BehaviorEvent.newBuilder().setEventId("b" + (from + i)).setUserId(user).setItemId(item)
                        .setType(types[rnd.nextInt(types.length)]).setTimestamp(Instant.ofEpochMilli(time.timestamp(i)))
                        .setDwellMs(rnd.nextDouble() * 30_000).setScenario("ecommerce").setContext(Map.of()).build();
                p.send(new ProducerRecord<>(topics.behaviorEvents.name(), user, e), delivery);
            }
        }
        delivery.check("events");
    }

    /**
     * A producer's failures, which reach its callbacks rather than its callers: a benchmark whose input was not all
     * written measures something else, so it stops (checked once the producer has closed, so every send has ended).
     */
    private static final class Delivery implements Callback {
        private final AtomicLong failed = new AtomicLong();
        private final AtomicReference<Exception> first = new AtomicReference<>();

        @Override
        public void onCompletion(RecordMetadata metadata, Exception e) {
            if (e != null) {
                failed.incrementAndGet();
                first.compareAndSet(null, e);
            }
        }

        void check(String what) {
            if (first.get() != null) {
                throw new IllegalStateException(failed.get() + " " + what + " could not be written", first.get());
            }
        }
    }

    private static Properties producerProps(Properties client, boolean batched) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.LINGER_MS_CONFIG, batched ? 10 : 0);
        // Unbatched, each event is a batch of its own, which compression cannot shrink, and lz4 allocates two
        // 64 KB block buffers per batch: at the latency phase's 1,700 events/s, about 200 MB/s (reckoned, not
        // measured) of the benchmark's own garbage in the scorer's JVM, collected in the scorer's pauses. A real
        // client's garbage is in its own process. For the same reason its batches are small: the producer takes a
        // whole batch.size buffer for each batch and pools it, and in the latency phase its 256 KB buffers, one per
        // event in flight, were copied from survivor space to survivor space in the scorer's young collections (a
        // flight recording of the objects they copied, 2026-12-04).
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, batched ? 256 * 1024 : 16 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, batched ? "lz4" : "none");
        return p;
    }

    private static KafkaConsumer<String, ScoreUpdate> consumer(Properties client, Topics topics) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(p, new StringDeserializer(), topics.scores.valueSerde().deserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic) {
        return c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    }

    /** Mean size of each user's latest state record in the user-state changelog. */
    private static double stateBytesPerUser(Properties client, String changelog) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Integer> latest = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.assign(partitions(c, changelog));
            c.seekToBeginning(c.assignment());
            Map<TopicPartition, Long> end = c.endOffsets(c.assignment());
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (System.nanoTime() < deadline && end.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        latest.put(r.key(), r.value().length);
                    }
                }
            }
        }
        return latest.values().stream().mapToInt(Integer::intValue).average().orElse(0);
    }

    /**
     * The p99 of the waits in each of {@code parts} equal spans of event time, from the first wait's event to the
     * last's; NaN for a span that holds none.
     */
    static double[] p99ByPart(List<GcPauses.Wait> waits, int parts) {
        double[] out = new double[parts];
        if (waits.isEmpty()) {
            Arrays.fill(out, Double.NaN);
            return out;
        }
        long first = firstEventMs(waits);
        long span = waits.stream().mapToLong(GcPauses.Wait::eventMs).max().getAsLong() - first + 1;
        List<List<Double>> byPart = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            byPart.add(new ArrayList<>());
        }
        for (GcPauses.Wait w : waits) {
            byPart.get((int) ((w.eventMs() - first) * parts / span)).add((double) w.millis());
        }
        for (int i = 0; i < parts; i++) {
            Collections.sort(byPart.get(i));
            out[i] = percentile(byPart.get(i), 0.99);
        }
        return out;
    }

    /** The span of event time that {@link #tailSpan} looks within and {@link #p99Interval} draws whole. */
    static final Duration TAIL_BLOCK = Duration.ofSeconds(1);
    /** Resamples of {@link #p99Interval}; its seed is fixed, so the same waits give the same interval. */
    static final int P99_RESAMPLES = 1000;
    private static final long P99_SEED = 11;

    /**
     * A 95% interval for the p99: a bootstrap that draws whole {@code block}s of event time with replacement,
     * because the waits are not independent (a stall delays hundreds of scores together), so that an interval over
     * single scores would be far too narrow. An interval that spans a target says this one run cannot tell whether
     * the target holds; a run whose tail is one episode has a wide one. {NaN, NaN} without waits.
     */
    static double[] p99Interval(List<GcPauses.Wait> waits, Duration block, int resamples, long seed) {
        if (waits.isEmpty()) {
            return new double[] {Double.NaN, Double.NaN};
        }
        long first = firstEventMs(waits);
        int longest = (int) Math.max(0, waits.stream().mapToLong(GcPauses.Wait::millis).max().getAsLong());
        // each block's waits as counts per millisecond, which a resample adds up
        Map<Long, int[]> byBlock = new HashMap<>();
        for (GcPauses.Wait w : waits) {
            int[] counts = byBlock.computeIfAbsent((w.eventMs() - first) / block.toMillis(), b -> new int[longest + 1]);
            counts[(int) Math.max(0, w.millis())]++;
        }
        List<int[]> blocks = new ArrayList<>(byBlock.values());
        SplittableRandom random = new SplittableRandom(seed);
        double[] p99s = new double[resamples];
        int[] sum = new int[longest + 1];
        for (int r = 0; r < resamples; r++) {
            Arrays.fill(sum, 0);
            long total = 0;
            for (int i = 0; i < blocks.size(); i++) {
                int[] drawn = blocks.get(random.nextInt(blocks.size()));
                for (int ms = 0; ms <= longest; ms++) {
                    sum[ms] += drawn[ms];
                    total += drawn[ms];
                }
            }
            // the same rank as percentile(): the value at floor(0.99 n) of the sorted waits
            long rank = (long) Math.floor(0.99 * total);
            long seen = 0;
            int ms = 0;
            while (seen + sum[ms] <= rank) {
                seen += sum[ms++];
            }
            p99s[r] = ms;
        }
        Arrays.sort(p99s);
        return new double[] {p99s[(int) (0.025 * resamples)], p99s[(int) Math.ceil(0.975 * resamples) - 1]};
    }

    /**
     * Where the latency phase's tail lies: of the waits at or above {@code p99}, the largest share whose events
     * fall within one {@code span} of event time, and where that span starts (seconds after the phase's first
     * event). A share near 1 says one episode set the p99: at half load 1% of an 18 s phase's scores is about
     * 0.2 s of events, so a single stall of a few hundred milliseconds decides the figure, and another run of the
     * same build may have none.
     */
    static TailSpan tailSpan(List<GcPauses.Wait> waits, double p99, Duration span) {
        if (waits.isEmpty()) {
            return new TailSpan(Double.NaN, Double.NaN, 0);
        }
        long first = firstEventMs(waits);
        long[] tail = waits.stream().filter(w -> w.millis() >= p99).mapToLong(GcPauses.Wait::eventMs).sorted().toArray();
        int best = 0;
        long bestStart = first;
        for (int from = 0, to = 0; from < tail.length; from++) {
            while (to < tail.length && tail[to] < tail[from] + span.toMillis()) {
                to++;
            }
            if (to - from > best) {
                best = to - from;
                bestStart = tail[from];
            }
        }
        return new TailSpan((bestStart - first) / 1000.0, tail.length == 0 ? Double.NaN : (double) best / tail.length,
                tail.length);
    }

    /**
     * @param startSec   where the span starts, in seconds of event time after the phase's first event
     * @param share      of the waits at or above the p99, the share within the span
     * @param tailWaits  how many waits are at or above the p99
     */
    record TailSpan(double startSec, double share, int tailWaits) {
        String toJson() {
            return String.format(Locale.ROOT, "{\"start_s\": %.2f, \"share\": %.3f, \"scores\": %d}", startSec,
                    share, tailWaits);
        }
    }

    /** The earliest event time among {@code waits}, which must not be empty: where the phase's spans start. */
    private static long firstEventMs(List<GcPauses.Wait> waits) {
        return waits.stream().mapToLong(GcPauses.Wait::eventMs).min().getAsLong();
    }

    /** Each value in {@code format}, joined by {@code separator}: a JSON array's or a log line's figures. */
    private static String joinMs(double[] values, String format, String separator) {
        return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, format, v))
                .collect(Collectors.joining(separator));
    }

    private static double percentile(List<Double> sorted, double q) {
        return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size())));
    }

    /** Peak resident memory of this JVM (broker included when embedded), from /proc. */
    private static long rssPeakMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
