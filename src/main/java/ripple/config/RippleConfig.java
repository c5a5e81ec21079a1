package ripple.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Ripple's settings: the defaults below, overridden by a properties file, overridden by environment variables
 * ({@code scoring.top-k} is {@code RIPPLE_SCORING_TOP_K}). Every key is documented in config/application.properties.
 * Values are checked when read, and a bad one fails with a message naming the key.
 */
public final class RippleConfig {
    /** Keys starting with this prefix go, without it, to every Kafka client Ripple creates (security settings, say). */
    public static final String KAFKA_PREFIX = "kafka.";
    /** Keys starting with this prefix go, without it, to Kafka Streams ({@code streams.num.standby.replicas}). */
    public static final String STREAMS_PREFIX = "streams.";
    /** Per-scenario behaviour strengths, e.g. {@code learning.strengths.social}. */
    public static final String STRENGTHS_PREFIX = "learning.strengths.";

    private static final Map<String, String> DEFAULTS = defaults();
    /** A number and an optional unit; no unit means seconds, as for Kafka's own {@code *.ms}-free tools. */
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");
    private static final String DURATION_EXAMPLES = "a duration such as 30 (seconds), 500ms, 30s, 10m, 1h, 7d or PT1H";

    private final Map<String, String> values;
    /** Where each value that is not a default came from, for error messages: a file, a variable, a flag. */
    private final Map<String, String> sources;

    private RippleConfig(Map<String, String> values, Map<String, String> sources) {
        this.values = values;
        this.sources = sources;
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("application.id", "ripple");
        d.put("instance.id", "");
        d.put("bootstrap.servers", "127.0.0.1:9092");
        d.put("schema.registry.url", "http://127.0.0.1:8081");
        d.put("schema.registry.auto.register.schemas", "true");
        d.put("schema.registry.use.latest.version", "false");
        d.put("schema.registry.key.subject.name.strategy", "topic");
        d.put("schema.registry.value.subject.name.strategy", "topic");
        d.put("schema.registry.basic.auth.credentials.source", "USER_INFO");
        d.put("schema.registry.basic.auth.user.info", "");
        d.put("schema.registry.bearer.auth.credentials.source", "");
        d.put("schema.registry.bearer.auth.token", "");
        d.put("schema.registry.bearer.auth.logical.cluster", "");
        d.put("schema.registry.bearer.auth.identity.pool.id", "");
        d.put("schema.registry.ssl.truststore.location", "");
        d.put("schema.registry.ssl.truststore.password", "");
        d.put("role", "all");
        d.put("state.dir", ".ripple/state");
        d.put("state.rocksdb.memory-mb", "256");
        d.put("processing.guarantee", "exactly_once_v2");
        d.put("num.stream.threads", "1");
        d.put("commit.interval", "100ms");
        d.put("http.host", "127.0.0.1");
        d.put("http.port", "8080");
        d.put("http.advertised-host", "");
        d.put("http.bearer-token", "");
        d.put("shutdown.timeout", "25s");
        d.put("topics.behavior-events", "behavior-events");
        d.put("topics.items", "items");
        d.put("topics.item-features", "item-features");
        d.put("topics.scores", "scores");
        d.put("topics.recommendations", "recommendations");
        d.put("topics.weight-updates", "weight-updates");
        d.put("topics.dead-letters", "dead-letters");
        d.put("topics.item-influence", "ripple-item-influence");
        d.put("topics.item-neighbours", "ripple-item-neighbours");
        d.put("topics.user-erasure", "user-erasure");
        d.put("topics.partitions", "6");
        d.put("topics.replication-factor", "-1");
        d.put("events.dedupe-window", "1h");
        d.put("events.default-scenario", "ecommerce");
        d.put("events.min-timestamp", "2000-01-01T00:00:00Z");
        d.put("events.max-future-skew", "1d");
        d.put("events.max-field-length", "1024");
        d.put("events.max-dwell", "1d");
        d.put("features.text.dims", "64");
        d.put("features.text.clusters", "16");
        d.put("features.text.models", "bge-small-zh");
        d.put("features.text.seed", "42");
        d.put("features.half-life", "1d");
        d.put("features.recent-items", "24");
        d.put("features.categories", "12");
        d.put("features.ablate", "");
        d.put("learning.optimizer", "adagrad");
        d.put("learning.rate", "0.3");
        d.put("learning.l2", "0.0001");
        d.put("learning.loss", "softmax");
        d.put("learning.negatives", "8");
        d.put("learning.uniform-negatives", "2");
        d.put("learning.unretrieved", "false");
        d.put("learning.user-shrink", "0.01");
        d.put("learning.prior-rate", "0.3");
        d.put("learning.strengths", "BROWSE:0.3,CLICK:0.5,FAVORITE:0.7,CART:0.8,PURCHASE:1.0,LIKE:0.6,COMMENT:0.7,SHARE:0.8");
        d.put("scoring.top-k", "20");
        d.put("scoring.exclude-seen", "false");
        d.put("scoring.coalesce-interval", "0ms");
        d.put("scoring.weight-updates", "every-event");
        d.put("scoring.candidates", "200");
        d.put("scoring.popular-items", "50");
        d.put("scoring.neighbours", "30");
        d.put("scoring.covisit-history", "5");
        d.put("scoring.sources", "recent,covisit,popular,category,text");
        d.put("scoring.index.refresh", "1s");
        d.put("scoring.index.max-conn", "16");
        d.put("scoring.index.beam-width", "100");
        d.put("embedding.model", "bge-small-zh");
        d.put("embedding.model.file", "");
        d.put("embedding.model.tokenizer", "");
        d.put("embedding.model.pooling", "");
        d.put("embedding.model.lowercase", "false");
        d.put("embedding.max-seq-length", "128");
        d.put("embedding.device", "auto");
        d.put("embedding.threads", "");
        d.put("embedding.batch-size", "32");
        d.put("embedding.linger", "100ms");
        d.put("embedding.max-text-chars", "10000");
        d.put("privacy.pseudonymise", "false");
        d.put("privacy.hmac-key", "");
        d.put("privacy.hmac-key-file", "");
        return Collections.unmodifiableMap(d);
    }

    /** The built-in defaults, no file, no environment. */
    public static RippleConfig defaultConfig() {
        return new RippleConfig(new LinkedHashMap<>(DEFAULTS), Map.of());
    }

    /** Defaults, then the file (if given), then the process environment. */
    public static RippleConfig load(Path file) {
        return of(file == null ? Map.of() : readProperties(file), file == null ? null : file.toString(), System.getenv());
    }

    public static RippleConfig of(Map<String, String> fileValues, Map<String, String> env) {
        return of(fileValues, null, env);
    }

    /** @param fileName how error messages name the file the values came from (null: "the configuration file") */
    public static RippleConfig of(Map<String, String> fileValues, String fileName, Map<String, String> env) {
        Map<String, String> merged = new LinkedHashMap<>(DEFAULTS);
        Map<String, String> sources = new HashMap<>();
        String fileSource = "configuration file " + (fileName == null ? "" : fileName);
        for (Map.Entry<String, String> e : fileValues.entrySet()) {
            checkKnown(e.getKey(), fileSource);
            merged.put(e.getKey(), e.getValue().trim());
            sources.put(e.getKey(), fileSource.trim());
        }
        for (String key : DEFAULTS.keySet()) {
            String v = env.get(envName(key));
            if (v != null) {
                merged.put(key, v.trim());
                sources.put(key, "environment " + envName(key));
            }
        }
        // RIPPLE_KAFKA_SECURITY_PROTOCOL -> kafka.security.protocol, RIPPLE_STREAMS_NUM_STANDBY_REPLICAS ->
        // streams.num.standby.replicas: Kafka's keys use dots only.
        for (Map.Entry<String, String> e : env.entrySet()) {
            for (String prefix : List.of(KAFKA_PREFIX, STREAMS_PREFIX)) {
                String envPrefix = envName(prefix);
                if (e.getKey().startsWith(envPrefix)) {
                    String rest = e.getKey().substring(envPrefix.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                    merged.put(prefix + rest, e.getValue().trim());
                    sources.put(prefix + rest, "environment " + e.getKey());
                }
            }
        }
        return new RippleConfig(merged, sources);
    }

    private static void checkKnown(String key, String source) {
        if (!DEFAULTS.containsKey(key) && !key.startsWith(KAFKA_PREFIX) && !key.startsWith(STREAMS_PREFIX)
                && !key.startsWith(STRENGTHS_PREFIX)) {
            String hint = StreamsConfig.configDef().names().contains(key)
                    ? "; it is a Kafka Streams setting: write it as " + STREAMS_PREFIX + key
                    : "";
            throw new ConfigException(key, "unknown setting" + (source == null ? "" : " (in " + source.trim() + ")")
                    + " (see config/application.properties for the list)" + hint);
        }
    }

    static Map<String, String> readProperties(Path file) {
        if (!Files.isReadable(file)) {
            throw new ConfigException("--config", "cannot read configuration file " + file.toAbsolutePath());
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("--config", "cannot read configuration file " + file + ": " + e.getMessage());
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    /** The environment variable that overrides a key. */
    public static String envName(String key) {
        return "RIPPLE_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public static Map<String, String> defaultValues() {
        return DEFAULTS;
    }

    /** A copy with one value replaced by the program itself; the key must be known. */
    public RippleConfig with(String key, String value) {
        return with(key, value, null);
    }

    /**
     * A copy with one value replaced; the key must be known.
     *
     * @param source what set it, for error messages (a flag such as {@code --set}); null when Ripple set it itself
     */
    public RippleConfig with(String key, String value, String source) {
        checkKnown(key, source);
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(key, value);
        Map<String, String> copySources = new HashMap<>(sources);
        if (source == null) {
            copySources.remove(key);
        } else {
            copySources.put(key, source);
        }
        return new RippleConfig(copy, copySources);
    }

    public String string(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new ConfigException(key, "missing");
        }
        return v;
    }

    public String nonEmpty(String key) {
        String v = string(key);
        if (v.isBlank()) {
            throw bad(key, v, "must not be empty");
        }
        return v;
    }

    /** Where a value came from, as error messages name it: "environment RIPPLE_X", a file, a flag, or "default". */
    public String source(String key) {
        return sources.getOrDefault(key, "default");
    }

    public int intValue(String key, int min, int max) {
        String v = string(key);
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) {
                throw bad(key, v, "expected an integer from " + min + " to " + max);
            }
            return i;
        } catch (NumberFormatException e) {
            throw bad(key, v, "expected an integer from " + min + " to " + max);
        }
    }

    public double doubleValue(String key, double min, double max) {
        return parseDouble(key, string(key), min, max);
    }

    private double parseDouble(String key, String v, double min, double max) {
        try {
            double d = Double.parseDouble(v);
            if (!(d >= min && d <= max)) {
                throw bad(key, v, "expected a number from " + min + " to " + max);
            }
            return d;
        } catch (NumberFormatException e) {
            throw bad(key, v, "expected a number from " + min + " to " + max);
        }
    }

    public boolean bool(String key) {
        String v = string(key).toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw bad(key, v, "expected true or false");
        }
        return Boolean.parseBoolean(v);
    }

    /** Accepts 30 (seconds), 500ms, 30s, 10m, 1h, 7d, or ISO-8601 (PT1H). */
    public Duration duration(String key) {
        String v = string(key);
        try {
            return parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw bad(key, v, e.getMessage());
        }
    }

    /**
     * The one duration syntax of Ripple, for settings and command-line flags alike: a number with an optional unit
     * (none means seconds; ms, s, m, h, d) or ISO-8601 (PT1H).
     *
     * @throws IllegalArgumentException "expected a duration such as ...", for the caller to prefix with the flag
     *                                  or setting and where it came from
     */
    public static Duration parseDuration(String text) {
        String v = text.trim();
        Matcher m = SIMPLE_DURATION.matcher(v);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2);
                switch (unit) {
                    case "ms": return Duration.ofMillis(n);
                    case "s": return Duration.ofSeconds(n);
                    case "m": return Duration.ofMinutes(n);
                    case "h": return Duration.ofHours(n);
                    default: return Duration.ofDays(n);
                }
            }
            return Duration.parse(v);
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("expected " + DURATION_EXAMPLES);
        }
    }

    public java.time.Instant instant(String key) {
        String v = string(key);
        try {
            return java.time.Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw bad(key, v, "expected an ISO-8601 instant such as 2000-01-01T00:00:00Z");
        }
    }

    public <E extends Enum<E>> E enumValue(String key, Class<E> type) {
        String v = string(key);
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v.replace('-', '_'))) {
                return e;
            }
        }
        throw bad(key, v, "expected one of " + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
    }

    public List<String> list(String key) {
        String v = string(key);
        return v.isBlank() ? List.of() : Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Parses {@code NAME:number,NAME:number}; names are upper-cased. */
    public Map<String, Double> weights(String key, double min, double max) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String part : list(key)) {
            String[] kv = part.split(":");
            if (kv.length != 2) {
                throw bad(key, part, "expected NAME:number pairs separated by commas");
            }
            out.put(kv[0].trim().toUpperCase(Locale.ROOT), parseDouble(key, kv[1].trim(), min, max));
        }
        return out;
    }

    /** Every key with the given prefix, prefix removed. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** Settings passed through to every Kafka client (the {@code kafka.} keys). */
    public Map<String, Object> kafkaClientOverrides() {
        return new HashMap<>(withPrefix(KAFKA_PREFIX));
    }

    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }

    private ConfigException bad(String key, String value, String expected) {
        return new ConfigException(key, "invalid value '" + value + "' (" + describeSource(key) + "): " + expected);
    }

    private String describeSource(String key) {
        String source = source(key);
        return source.equals("default") ? "the default" : "from " + source;
    }
}
