package ripple.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;

/**
 * Every Ripple setting, defined once, in the manner of Kafka's {@code ConfigDef}: key, type, default, bounds and
 * documentation. {@link RippleConfig} takes its defaults, its environment overrides and the bounds its typed
 * getters check from here; {@code ApplicationPropertiesTest} checks config/application.properties against it (every
 * key, with its default and its documentation).
 */
public final class Settings {
    /** How a value is read; the getter of the same name in {@link RippleConfig} parses it. */
    public enum Type {
        STRING, INT, DOUBLE, BOOLEAN, DURATION, INSTANT, LIST, WEIGHTS
    }

    /**
     * One setting.
     *
     * @param min the least value of an INT or DOUBLE (or of each WEIGHTS value); unused otherwise
     * @param max the greatest; unused otherwise
     * @param doc what it means: the first sentence of its comment in config/application.properties
     */
    public record Setting(String key, Type type, String defaultValue, double min, double max, String doc) {
    }

    /** In the order config/application.properties lists them. */
    public static final List<Setting> ALL = List.of(
            string("application.id", "ripple",
                    "Kafka Streams application id: instances with the same id share the work and the state."),
            string("instance.id", "",
                    "This instance's stable name in the consumer groups (Kafka's static membership, "
                    + "group.instance.id): an instance that restarts under the same name, even after kill -9, takes "
                    + "its partitions back at once instead of waiting for its old self's session to time out "
                    + "(session.timeout.ms, 45 s)."),
            string("bootstrap.servers", "127.0.0.1:9092",
                    "Brokers to bootstrap from."),
            string("schema.registry.url", "http://127.0.0.1:8081",
                    "Confluent-compatible schema registry (Confluent, Karapace, Redpanda, Apicurio ccompat)."),
            bool("schema.registry.auto.register.schemas", "true",
                    "How serializers pick the schema id they write; Confluent KafkaAvroSerializer's settings, same "
                    + "names after \"schema.registry.\" and same meanings"),
            bool("schema.registry.use.latest.version", "false",
                    "How serializers pick the schema id they write; Confluent KafkaAvroSerializer's settings, same "
                    + "names after \"schema.registry.\" and same meanings"),
            string("schema.registry.key.subject.name.strategy", "topic",
                    "How serializers pick the schema id they write; Confluent KafkaAvroSerializer's settings, same "
                    + "names after \"schema.registry.\" and same meanings"),
            string("schema.registry.value.subject.name.strategy", "topic",
                    "How serializers pick the schema id they write; Confluent KafkaAvroSerializer's settings, same "
                    + "names after \"schema.registry.\" and same meanings"),
            string("schema.registry.basic.auth.credentials.source", "USER_INFO",
                    "Registry credentials."),
            string("schema.registry.basic.auth.user.info", "",
                    "Registry credentials."),
            string("schema.registry.bearer.auth.credentials.source", "",
                    "Registry credentials."),
            string("schema.registry.bearer.auth.token", "",
                    "Registry credentials."),
            string("schema.registry.bearer.auth.logical.cluster", "",
                    "Registry credentials."),
            string("schema.registry.bearer.auth.identity.pool.id", "",
                    "Registry credentials."),
            string("schema.registry.ssl.truststore.location", "",
                    "Registry credentials."),
            string("schema.registry.ssl.truststore.password", "",
                    "Registry credentials."),
            string("role", "all",
                    "Which roles this process runs: all, scorer or embedder."),
            string("state.dir", ".ripple/state",
                    "Local RocksDB state; restored from changelogs when lost."),
            integer("state.rocksdb.memory-mb", "256", 16, 1 << 20,
                    "Memory for all RocksDB stores of this process together (block cache, with up to half for write "
                    + "buffers), however many partitions it holds."),
            string("processing.guarantee", "exactly_once_v2",
                    "exactly_once_v2 (default): every event yields its outputs exactly once; at_least_once is "
                    + "faster."),
            integer("num.stream.threads", "1", 1, 64,
                    "Stream threads per instance."),
            duration("commit.interval", "30ms",
                    "How often Kafka Streams commits (and, under exactly-once, how long output waits to be visible: the"
                    + " floor of the event-to-score latency)."),
            string("http.host", "127.0.0.1",
                    "Address and port to listen on; port 0 picks a free one."),
            integer("http.port", "8080", 0, 65535,
                    "Address and port to listen on; port 0 picks a free one."),
            string("http.advertised-host", "",
                    "How other instances reach this one, for queries about users whose state lives here (carried in "
                    + "Kafka Streams' application.server)."),
            string("http.bearer-token", "",
                    "When set, /users/..."),
            duration("shutdown.timeout", "25s",
                    "Longest a shutdown (SIGTERM, Ctrl-C) may take: HTTP server, then each role's Kafka Streams "
                    + "application."),
            string("topics.behavior-events", "behavior-events",
                    "The names of the topics Ripple reads and writes."),
            string("topics.items", "items",
                    "The names of the topics Ripple reads and writes."),
            string("topics.item-features", "item-features",
                    "The names of the topics Ripple reads and writes."),
            string("topics.scores", "scores",
                    "The names of the topics Ripple reads and writes."),
            string("topics.recommendations", "recommendations",
                    "The names of the topics Ripple reads and writes."),
            string("topics.weight-updates", "weight-updates",
                    "The names of the topics Ripple reads and writes."),
            string("topics.dead-letters", "dead-letters",
                    "The names of the topics Ripple reads and writes."),
            string("topics.item-influence", "ripple-item-influence",
                    "Internal: decayed per-item behaviour counts, read by every scorer instance."),
            string("topics.item-neighbours", "ripple-item-neighbours",
                    "Internal: each item's co-occurrence neighbours, read by every scorer instance."),
            string("topics.task-priors", "ripple-task-priors",
                    "Internal: each scorer task's prior w0, read by every scorer instance."),
            string("topics.user-erasure", "user-erasure",
                    "A tombstone (null value) keyed by a user id here erases everything Ripple keeps about that "
                    + "user."),
            string("topics.item-signals", "ripple-item-signals",
                    "Internal: each event and its co-visits keyed by item, from the scorer to the item aggregates."),
            integer("topics.partitions", "6", 1, 10_000,
                    "Partitions and replication of the topics Ripple creates, its changelogs and repartition topics "
                    + "included."),
            integer("topics.by-item-partitions", "1", 0, 10_000,
                    "Partitions of the internal topic that carries events and co-visits by item to the item "
                    + "aggregates, named by topics.item-signals."),
            integer("topics.replication-factor", "-1", -1, Short.MAX_VALUE,
                    "Partitions and replication of the topics Ripple creates, its changelogs and repartition topics "
                    + "included."),
            duration("events.dedupe-window", "1h",
                    "Events whose id was seen within this window are dropped as duplicates."),
            string("events.default-scenario", "ecommerce",
                    "Scenario of events that name none (ecommerce, social, video, education, ...)."),
            instant("events.min-timestamp", "2000-01-01T00:00:00Z",
                    "Events before this instant are rejected (TIMESTAMP_TOO_OLD)."),
            duration("events.max-future-skew", "1d",
                    "Events further than this ahead of the wall clock are rejected (TIMESTAMP_IN_FUTURE)."),
            integer("events.max-field-length", "1024", 16, 1 << 20,
                    "Longest id, scenario or context value accepted, in characters (OVERSIZED_FIELD)."),
            duration("events.max-dwell", "1d",
                    "Longest dwell time accepted (INVALID_DWELL)."),
            integer("features.text.dims", "64", 1, 1024,
                    "Text embeddings are projected to this many dims per text model (a fixed random projection)."),
            integer("features.text.clusters", "16", 0, 1024,
                    "Topics read from the text give items that have no category one, so that the category features "
                    + "and candidate lists work where only BERT can tell topics apart: k-means over a sample of the "
                    + "raw item vectors, centred per language, with the number of topics (2 up to this) that separates"
                    + " the items best (silhouette)."),
            list("features.text.models", "bge-small-zh",
                    "Text models whose embeddings the scorer uses, each in its own slots of the weight vector."),
            integer("features.text.seed", "42", Integer.MIN_VALUE, Integer.MAX_VALUE,
                    "Seed of the random projection: every instance must use the same."),
            duration("features.half-life", "1d",
                    "Half-life of decayed counts (per user, per item) and of recency."),
            integer("features.recent-items", "24", 1, 255,
                    "Items and categories remembered per user for context features."),
            integer("features.categories", "12", 1, 255,
                    "Items and categories remembered per user for context features."),
            list("features.ablate", "",
                    "Feature groups to leave out (text, influence, context; comma-separated), for ablation studies "
                    + "such as `ripple backtest`: their weights are held at zero, so they add nothing to any score."),
            string("learning.optimizer", "adagrad",
                    "adagrad (default; per-coordinate steps that shrink as a coordinate is seen), adam or sgd."),
            number("learning.rate", "0.1", 1e-6, 10,
                    "Learning rate of the user's own part (AdaGrad's steps shrink by themselves as a coordinate is "
                    + "seen)."),
            number("learning.l2", "0.0001", 0, 10,
                    "L2 regularisation, applied as decoupled weight decay."),
            string("learning.loss", "softmax",
                    "softmax (default: the event's item against the negatives, a ranking loss), bpr (pairwise), or "
                    + "logistic (pointwise, each example on its own)."),
            integer("learning.negatives", "8", 0, 1000,
                    "Negatives per event (\"train on what is served\"): drawn from the candidates the ranker saw for"
                    + " the event, except learning.uniform-negatives of them drawn uniformly from the catalogue, so "
                    + "every feature, the candidate sources included, is seen on both sides."),
            integer("learning.uniform-negatives", "2", 0, 1000,
                    "Negatives per event (\"train on what is served\"): drawn from the candidates the ranker saw for"
                    + " the event, except learning.uniform-negatives of them drawn uniformly from the catalogue, so "
                    + "every feature, the candidate sources included, is seen on both sides."),
            bool("learning.unretrieved", "false",
                    "Whether events on items that no source retrieved also teach (against negatives from the whole "
                    + "catalogue)."),
            number("learning.user-shrink", "0.01", 0, 1000,
                    "Pull of the user's own part towards the shared prior w0 (an L2 penalty on the user part, per "
                    + "step)."),
            number("learning.prior-rate", "0.3", 0, 10,
                    "Learning rate of the shared prior w0: a user's model is w0 plus the user's own part, which "
                    + "starts at 0."),
            duration("learning.prior-share-interval", "1s",
                    "How often each scorer task shares its prior w0 with the others (wall clock), through the prior "
                    + "topic: every task learns w0 from its own partitions' events and ranks with all tasks' priors "
                    + "together. 0ms: each task ranks with its own prior alone."),
            duration("learning.prior-checkpoint-interval", "0ms",
                    "How often each scorer task writes its prior w0 to its store, and so to the store's changelog "
                    + "(wall clock). After a crash the task resumes from its last write: users' own weights are "
                    + "exact, the prior misses at most this much learning. 0ms: after every event, exact"),
            integer("backtest.tasks", "1", 1, 10_000,
                    "Scorer tasks a backtest's replay emulates, each with its own prior w0 and users routed to it as "
                    + "the producer routes their key among that many partitions. 1: one prior learns from every "
                    + "event; topics.partitions: what a deployment with that many partitions learns."),
            integer("backtest.churn-sample", "16", 1, 1_000_000,
                    "One event in this many (picked by a hash of its id) has its top-K churn measured in a "
                    + "backtest: the share of the user's top-K, ranked just before the event, that is gone just after "
                    + "it. 1: every event."),
            weights("learning.strengths",
                    "BROWSE:0.3,CLICK:0.5,FAVORITE:0.7,CART:0.8,PURCHASE:1.0,LIKE:0.6,COMMENT:0.7,SHARE:0.8", 0, 100,
                    "Strength of each behaviour as a positive example."),
            integer("scoring.top-k", "20", 1, 255,
                    "Items per recommendation list."),
            bool("scoring.exclude-seen", "false",
                    "Leave items the user touched recently out of recommendations; the scorer then also learns "
                    + "nothing from events on them and never draws them as negatives (it trains on what it serves)."),
            duration("scoring.coalesce-interval", "0ms",
                    "Recompute a user's top-K at most once per interval of event time: a user's burst of events gets"
                    + " one fresh list at its start and one when the interval has passed (wall clock), not one per "
                    + "event."),
            string("scoring.weight-updates", "every-event",
                    "Which events publish a weight update: every-event (one per scored event, the default) or learned"
                    + " (only events that taught, i.e. moved the user's weights by a gradient step: the event's item"
                    + " was known and, by default, retrieved)."),
            bool("scoring.by-item-in-memory", "false",
                    "Keep the by-item aggregates (each item's influence and co-occurrence counts) in memory rather "
                    + "than in RocksDB, still logged to their changelogs and restored from them at start. It spares "
                    + "RocksDB's reads and writes, about a fifth of a paced event's CPU at 20k items, for heap: about "
                    + "0.6 KB an item, by estimate."),
            duration("scoring.by-item-commit-interval", "1s",
                    "How often the by-item aggregates commit. They run as a Kafka Streams application of their own "
                    + "beside the scorer (application.id with -by-item), so that their work leaves the scorer's "
                    + "stream thread and commits."),
            integer("scoring.candidates", "200", 1, 100_000,
                    "Candidates per source, at most (at least scoring.top-k)."),
            integer("scoring.popular-items", "50", 1, 10_000,
                    "Items kept per popularity list (overall and per category, recent and all-time)."),
            integer("scoring.neighbours", "30", 1, 1_000,
                    "Co-occurrence neighbours kept per item (the by-item aggregator counts twice as many)."),
            integer("scoring.covisit-history", "5", 1, 255,
                    "The user's most recent items whose neighbours are looked up, and which a newly touched item is "
                    + "paired with."),
            list("scoring.sources", "recent,covisit,popular,category,text",
                    "Two stages: retrieval gathers a bounded set of candidates from several sources, then R(u,i) "
                    + "ranks only those, so an event's cost does not grow with the catalogue."),
            duration("scoring.index.refresh", "1s",
                    "New, changed and deleted item text becomes searchable within this long."),
            integer("scoring.index.max-conn", "16", 2, Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN,
                    "HNSW graph of the text index: neighbours per node (M) and construction beam width."),
            integer("scoring.index.beam-width", "100", 2, Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH,
                    "HNSW graph of the text index: neighbours per node (M) and construction beam width."),
            integer("scoring.text-query.refresh-events", "64", 1, 1_000_000,
                    "A user's text query (an HNSW search with their text weights and profile) is searched again "
                    + "every this many of their events, and its hits reused in between."),
            integer("scoring.text-query.cached-users", "100000", 1, Integer.MAX_VALUE,
                    "Users whose last text query hits are kept in memory, per scoring task (about 200 bytes each)."),
            integer("scoring.text-query.cold-events", "16", 0, 1_000_000,
                    "A user with fewer events than this shares the prior's text query (searched again every "
                    + "refresh-events of the prior's steps) instead of searching their own; 0: every user searches "
                    + "their own."),
            list("embedding.model", "bge-small-zh",
                    "bge-small-zh (Chinese, also reads English), minilm-en, both (bge-small-zh,minilm-en: the item's"
                    + " language or its script picks the model), or file (your own ONNX export, e.g."),
            string("embedding.model.file", "",
                    "With embedding.model=file: the ONNX file, its tokenizer.json, pooling (cls or mean), and "
                    + "whether to lowercase."),
            string("embedding.model.tokenizer", "",
                    "With embedding.model=file: the ONNX file, its tokenizer.json, pooling (cls or mean), and "
                    + "whether to lowercase."),
            string("embedding.model.pooling", "",
                    "With embedding.model=file: the ONNX file, its tokenizer.json, pooling (cls or mean), and "
                    + "whether to lowercase."),
            bool("embedding.model.lowercase", "false",
                    "With embedding.model=file: the ONNX file, its tokenizer.json, pooling (cls or mean), and "
                    + "whether to lowercase."),
            integer("embedding.max-seq-length", "128", 3, Integer.MAX_VALUE,
                    "Tokens per item text; longer texts are truncated (counted in a metric)."),
            string("embedding.device", "auto",
                    "cpu, gpu (fail at start if CUDA is unavailable) or auto (CUDA when available, else CPU; logged "
                    + "once)."),
            integer("embedding.threads", "", 1, 1024,
                    "ONNX Runtime intra-op threads; empty = one per core."),
            integer("embedding.batch-size", "32", 1, 4096,
                    "Items per ONNX call, and how long to wait to fill a batch."),
            duration("embedding.linger", "100ms",
                    "Items per ONNX call, and how long to wait to fill a batch."),
            integer("embedding.max-text-chars", "10000", 1, Integer.MAX_VALUE,
                    "Longest item text accepted, in characters; longer items go to dead-letters."),
            bool("privacy.pseudonymise", "false",
                    "Replace user ids at intake by a keyed hash (HMAC-SHA256, 22 characters): every store, topic and"
                    + " log line after intake sees only the pseudonym."),
            string("privacy.hmac-key", "",
                    "The key (at least 16 bytes), either inline (prefer the environment, RIPPLE_PRIVACY_HMAC_KEY) or"
                    + " in a file (a mounted secret; a trailing line break is ignored)."),
            string("privacy.hmac-key-file", "",
                    "The key (at least 16 bytes), either inline (prefer the environment, RIPPLE_PRIVACY_HMAC_KEY) or"
                    + " in a file (a mounted secret; a trailing line break is ignored).")
    );

    private static final Map<String, Setting> BY_KEY = byKey();

    private Settings() {
    }

    private static Map<String, Setting> byKey() {
        Map<String, Setting> m = new LinkedHashMap<>();
        ALL.forEach(s -> m.put(s.key(), s));
        return m;
    }

    /** The definition of a key, or null for none; per-scenario strengths take {@code learning.strengths}'. */
    public static Setting of(String key) {
        Setting s = BY_KEY.get(key);
        return s != null || !key.startsWith(RippleConfig.STRENGTHS_PREFIX) ? s : BY_KEY.get("learning.strengths");
    }

    private static Setting string(String key, String dflt, String doc) {
        return new Setting(key, Type.STRING, dflt, 0, 0, doc);
    }

    private static Setting list(String key, String dflt, String doc) {
        return new Setting(key, Type.LIST, dflt, 0, 0, doc);
    }

    private static Setting bool(String key, String dflt, String doc) {
        return new Setting(key, Type.BOOLEAN, dflt, 0, 0, doc);
    }

    private static Setting duration(String key, String dflt, String doc) {
        return new Setting(key, Type.DURATION, dflt, 0, 0, doc);
    }

    private static Setting instant(String key, String dflt, String doc) {
        return new Setting(key, Type.INSTANT, dflt, 0, 0, doc);
    }

    private static Setting integer(String key, String dflt, int min, int max, String doc) {
        return new Setting(key, Type.INT, dflt, min, max, doc);
    }

    private static Setting number(String key, String dflt, double min, double max, String doc) {
        return new Setting(key, Type.DOUBLE, dflt, min, max, doc);
    }

    private static Setting weights(String key, String dflt, double min, double max, String doc) {
        return new Setting(key, Type.WEIGHTS, dflt, min, max, doc);
    }
}
