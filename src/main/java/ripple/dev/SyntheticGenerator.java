package ripple.dev;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.Item;

/**
 * A seeded generator of a bilingual catalogue and an endless behaviour stream with hidden
 * ground truth, for tests, the live demo and backtests.
 *
 * <p>Model. Every item has one topic (its category) and a popularity; every user has a hidden
 * taste, a Dirichlet-distributed vector over topics, and an activity weight. A user views item
 * {@code i} with probability
 * <pre>  P(i | u) = (1 - noise) * taste[topic(i)]^sharpness / S(u) * popularity(i) + noise / items</pre>
 * where {@code S(u)} sums {@code taste^sharpness} over topics and popularity sums to 1 within
 * each topic. Sampling the topic from {@code taste^sharpness}, then the item within the topic
 * by popularity, gives exactly that product form; normalising popularity per topic is what
 * makes a user's share of views per topic equal to the (sharpened) taste, whatever the topic's
 * items happen to be. The {@code noise} term is an occasional exploratory uniform-random view.
 *
 * <p>Behaviour. Users act in sessions: a session views a few items seconds apart, and each view
 * is a funnel: always BROWSE, then CLICK, then save (FAVORITE / LIKE) and engage (CART /
 * COMMENT), then convert (PURCHASE / SHARE, only after engage), each step its own event with
 * probabilities that grow with the user's relative affinity to the item's topic
 * ({@code taste[topic] / max(taste)}). Views carry a lognormal dwell time, longer for liked
 * topics; the other steps carry none. Sessions of different users overlap in time and their
 * events are emitted in time order.
 *
 * <p>Text. Titles are brand + 1–2 topic adjectives + a topic product phrase + a generic
 * modifier, in English or Chinese (Chinese words separated by spaces, as in e-commerce titles),
 * so a text model can tell the topics apart. The category is the topic's English name for both
 * languages, so a category means the same thing whatever the item's language.
 *
 * <p>The catalogue, tastes and events depend only on the settings. Each call to
 * {@link #events()} starts the same stream afresh.
 */
public final class SyntheticGenerator {

    /** How many topics are built in: the most {@link Settings#topics()} may be. */
    public static final int BUILT_IN_TOPICS = Theme.BUILT_IN.size();

    /**
     * Generator settings; {@link #defaults()} and the withers make variants.
     *
     * @param seed                 seed of everything random
     * @param users                number of users, named {@code u0}, {@code u1}, …
     * @param items                number of items, named {@code i0}, {@code i1}, …
     * @param topics               number of built-in topics used, at most {@link #BUILT_IN_TOPICS}
     * @param tasteConcentration   Dirichlet alpha of user tastes; small values give 1–2 dominant topics
     * @param sharpness            exponent applied to taste when choosing a topic; 1 = taste as is
     * @param noise                probability that a view is a uniformly random item
     * @param itemZipf             Zipf exponent of item popularity within a topic
     * @param userActivityZipf     Zipf exponent of user activity
     * @param startTimeMillis      time of the first event, epoch millis
     * @param meanSessionGapMillis mean time between the starts of two sessions (of any users)
     * @param sessionLength        mean number of items viewed in a session
     * @param chineseFraction      fraction of items with Chinese text; the rest are English
     * @param scenario             {@code ecommerce} or {@code social}, written on every event
     */
    public record Settings(long seed, int users, int items, int topics,
                           double tasteConcentration, double sharpness, double noise,
                           double itemZipf, double userActivityZipf,
                           long startTimeMillis, long meanSessionGapMillis, int sessionLength,
                           double chineseFraction, String scenario) {

        public Settings {
            require(users >= 1, "users must be at least 1");
            require(topics >= 1 && topics <= BUILT_IN_TOPICS, "topics must be in 1.." + BUILT_IN_TOPICS);
            require(items >= topics, "items must be at least topics, so that every topic has an item");
            require(tasteConcentration > 0, "tasteConcentration must be positive");
            require(sharpness >= 0, "sharpness must not be negative");
            require(noise >= 0 && noise <= 1, "noise must be in [0, 1]");
            require(itemZipf >= 0 && userActivityZipf >= 0, "Zipf exponents must not be negative");
            require(meanSessionGapMillis >= 1, "meanSessionGapMillis must be at least 1");
            require(sessionLength >= 1, "sessionLength must be at least 1");
            require(chineseFraction >= 0 && chineseFraction <= 1, "chineseFraction must be in [0, 1]");
            Scenario.of(scenario);
        }

        /** 2,000 users, 500 items over 8 topics, half of them Chinese, e-commerce behaviour. */
        public static Settings defaults() {
            return new Settings(42L, 2_000, 500, 8, 0.3, 1.0, 0.05, 1.0, 0.8,
                    Instant.parse("2024-01-01T00:00:00Z").toEpochMilli(), 1_000L, 4, 0.5, "ecommerce");
        }

        public Settings withSeed(long v) {
            return new Settings(v, users, items, topics, tasteConcentration, sharpness, noise, itemZipf,
                    userActivityZipf, startTimeMillis, meanSessionGapMillis, sessionLength, chineseFraction, scenario);
        }

        public Settings withUsers(int v) {
            return new Settings(seed, v, items, topics, tasteConcentration, sharpness, noise, itemZipf,
                    userActivityZipf, startTimeMillis, meanSessionGapMillis, sessionLength, chineseFraction, scenario);
        }

        public Settings withItems(int v) {
            return new Settings(seed, users, v, topics, tasteConcentration, sharpness, noise, itemZipf,
                    userActivityZipf, startTimeMillis, meanSessionGapMillis, sessionLength, chineseFraction, scenario);
        }

        public Settings withTopics(int v) {
            return new Settings(seed, users, items, v, tasteConcentration, sharpness, noise, itemZipf,
                    userActivityZipf, startTimeMillis, meanSessionGapMillis, sessionLength, chineseFraction, scenario);
        }

        public Settings withTasteConcentration(double v) {
            return new Settings(seed, users, items, topics, v, sharpness, noise, itemZipf,
                    userActivityZipf, startTimeMillis, meanSessionGapMillis, sessionLength, chineseFraction, scenario);
        }

        public Settings withSharpness(double v) {
            return new Settings(seed, users, items, topics, tasteConcentration, v, noise, itemZipf,
                    userActivityZipf, startTimeMillis, meanSessionGapMillis, sessionLength, chineseFraction, scenario);
        }

        public Settings withNoise(double v) {
            return new Settings(seed, users, items, topics, tasteConcentration, sharpness, v, itemZipf,
                    userActivityZipf, startTimeMillis, meanSessionGapMillis, sessionLength, chineseFraction, scenario);
        }

        public Settings withItemZipf(double v) {
            return new Settings(seed, users, items, topics, tasteConcentration, sharpness, noise, v,
                    userActivityZipf, startTimeMillis, meanSessionGapMillis, sessionLength, chineseFraction, scenario);
        }

        public Settings withUserActivityZipf(double v) {
            return new Settings(seed, users, items, topics, tasteConcentration, sharpness, noise, itemZipf,
                    v, startTimeMillis, meanSessionGapMillis, sessionLength, chineseFraction, scenario);
        }

        public Settings withStartTimeMillis(long v) {
            return new Settings(seed, users, items, topics, tasteConcentration, sharpness, noise, itemZipf,
                    userActivityZipf, v, meanSessionGapMillis, sessionLength, chineseFraction, scenario);
        }

        public Settings withMeanSessionGapMillis(long v) {
            return new Settings(seed, users, items, topics, tasteConcentration, sharpness, noise, itemZipf,
                    userActivityZipf, startTimeMillis, v, sessionLength, chineseFraction, scenario);
        }

        public Settings withSessionLength(int v) {
            return new Settings(seed, users, items, topics, tasteConcentration, sharpness, noise, itemZipf,
                    userActivityZipf, startTimeMillis, meanSessionGapMillis, v, chineseFraction, scenario);
        }

        public Settings withChineseFraction(double v) {
            return new Settings(seed, users, items, topics, tasteConcentration, sharpness, noise, itemZipf,
                    userActivityZipf, startTimeMillis, meanSessionGapMillis, sessionLength, v, scenario);
        }

        public Settings withScenario(String v) {
            return new Settings(seed, users, items, topics, tasteConcentration, sharpness, noise, itemZipf,
                    userActivityZipf, startTimeMillis, meanSessionGapMillis, sessionLength, chineseFraction, v);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /** The event types of the funnel steps after CLICK, per scenario. */
    private enum Scenario {
        ECOMMERCE(BehaviorType.FAVORITE, BehaviorType.CART, BehaviorType.PURCHASE),
        SOCIAL(BehaviorType.LIKE, BehaviorType.COMMENT, BehaviorType.SHARE);

        final BehaviorType save;
        final BehaviorType engage;
        final BehaviorType convert;

        Scenario(BehaviorType save, BehaviorType engage, BehaviorType convert) {
            this.save = save;
            this.engage = engage;
            this.convert = convert;
        }

        static Scenario of(String name) {
            for (Scenario s : values()) {
                if (s.name().equalsIgnoreCase(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("scenario must be ecommerce or social, not " + name);
        }
    }

    private static final List<String> EN_BRANDS = List.of("Nimbus", "Apex", "Lumo", "Vireo", "Korra", "Solace",
            "Brisk", "Tidal", "Orbit", "Ember", "Quill", "Zenith", "Havn", "Cobalt", "Juniper", "Vanta");
    private static final List<String> ZH_BRANDS = List.of("星耀", "云朵", "极光", "悦享", "青禾", "木几", "优品", "晨曦",
            "鹿角", "蓝鲸", "北辰", "橙意", "拾光", "素野", "知味", "初见");
    private static final List<String> EN_MODIFIERS = List.of("Premium", "Classic", "2024 Edition", "Value Pack",
            "Pro", "Mini", "Deluxe", "Limited Edition", "Everyday", "Plus");
    private static final List<String> ZH_MODIFIERS = List.of("新款", "经典款", "升级版", "超值装", "正品", "2024款",
            "限量版", "家用", "便携", "高端");

    private static final long BROWSE_DWELL_MEDIAN_MS = 3_000;
    private static final long CLICK_DWELL_MEDIAN_MS = 15_000;

    private final Settings settings;
    private final Scenario scenario;
    private final List<Theme> topics;
    private final List<Item> items;
    private final Map<String, Integer> itemIndex;
    private final int[] itemTopic;
    /** Popularity of each item, summing to 1 within its topic. */
    private final double[] itemPopularity;
    /** Per topic, the items of that topic and a sampler over them by popularity. */
    private final int[][] topicItems;
    private final Sampler[] topicItemSampler;
    private final List<String> userIds;
    private final Map<String, Integer> userIndex;
    private final double[][] taste;
    /** Per user, a sampler over topics by taste^sharpness. */
    private final Sampler[] userTopicSampler;
    private final Sampler userSampler;
    private final long eventSeed;

    public SyntheticGenerator(Settings settings) {
        this.settings = settings;
        this.scenario = Scenario.of(settings.scenario());
        this.topics = Theme.BUILT_IN.subList(0, settings.topics());
        // Independent streams, so that e.g. the catalogue does not depend on how users are drawn.
        SplittableRandom root = new SplittableRandom(settings.seed());
        SplittableRandom catalogueRng = root.split();
        SplittableRandom userRng = root.split();
        this.eventSeed = root.nextLong();

        int n = settings.items();
        int t = settings.topics();
        itemTopic = new int[n];
        itemPopularity = new double[n];
        topicItems = new int[t][];
        topicItemSampler = new Sampler[t];
        // Topics take turns so that each has about items/topics items; a shuffled Zipf rank within
        // the topic makes popularity independent of item id and text.
        for (int k = 0; k < t; k++) {
            int topic = k;
            int[] members = IntStream.range(0, n).filter(i -> i % t == topic).toArray();
            int[] ranks = shuffledRanks(members.length, catalogueRng);
            double[] weights = new double[members.length];
            double total = 0;
            for (int j = 0; j < members.length; j++) {
                weights[j] = Math.pow(ranks[j] + 1, -settings.itemZipf());
                total += weights[j];
            }
            for (int j = 0; j < members.length; j++) {
                itemTopic[members[j]] = topic;
                itemPopularity[members[j]] = weights[j] / total;
            }
            topicItems[k] = members;
            topicItemSampler[k] = new Sampler(weights);
        }
        List<Item> catalogue = new ArrayList<>(n);
        itemIndex = new HashMap<>();
        Instant updatedAt = Instant.ofEpochMilli(settings.startTimeMillis());
        for (int i = 0; i < n; i++) {
            catalogue.add(newItem("i" + i, topics.get(itemTopic[i]), catalogueRng, updatedAt));
            itemIndex.put("i" + i, i);
        }
        items = List.copyOf(catalogue);

        int u = settings.users();
        taste = new double[u][];
        userTopicSampler = new Sampler[u];
        userIds = IntStream.range(0, u).mapToObj(i -> "u" + i).toList();
        userIndex = new HashMap<>();
        for (int i = 0; i < u; i++) {
            taste[i] = dirichlet(t, settings.tasteConcentration(), userRng);
            double[] sharpened = Arrays.stream(taste[i]).map(x -> Math.pow(x, settings.sharpness())).toArray();
            userTopicSampler[i] = new Sampler(sharpened);
            userIndex.put(userIds.get(i), i);
        }
        int[] activityRanks = shuffledRanks(u, userRng);
        userSampler = new Sampler(Arrays.stream(activityRanks)
                .mapToDouble(r -> Math.pow(r + 1, -settings.userActivityZipf())).toArray());
    }

    public Settings settings() {
        return settings;
    }

    /** The catalogue, in id order. The records are copies: changing them changes nothing here. */
    public List<Item> items() {
        return items.stream().map(i -> Item.newBuilder(i).build()).toList();
    }

    /** A copy of one item. */
    public Item item(String itemId) {
        return Item.newBuilder(items.get(itemIdx(itemId))).build();
    }

    public List<String> users() {
        return userIds;
    }

    /** The category name of a topic, as written on items and in event contexts. */
    public String topicName(int topic) {
        return topics.get(topic).category();
    }

    /** The user's hidden taste: a distribution over topics (a copy). */
    public double[] taste(String userId) {
        return taste[userIdx(userId)].clone();
    }

    public int topicOf(String itemId) {
        return itemTopic[itemIdx(itemId)];
    }

    /** The probability that a view of the user is of this item; sums to 1 over the catalogue. */
    public double affinity(String userId, String itemId) {
        return affinity(userIdx(userId), itemIdx(itemId));
    }

    /** The k items the user is most likely to view, most likely first; ties in id order. */
    public List<String> idealTopItems(String userId, int k) {
        int user = userIdx(userId);
        return IntStream.range(0, items.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -affinity(user, i)).thenComparingInt(i -> i))
                .limit(k)
                .map(i -> items.get(i).getItemId())
                .toList();
    }

    /** The endless event stream, from its start: every call returns the same sequence. */
    public Iterator<BehaviorEvent> events() {
        return new EventStream();
    }

    /** The first n events of {@link #events()}. */
    public List<BehaviorEvent> events(int n) {
        Iterator<BehaviorEvent> it = events();
        List<BehaviorEvent> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(it.next());
        }
        return out;
    }

    private double affinity(int user, int item) {
        Sampler topicsOfUser = userTopicSampler[user];
        double topicShare = topicsOfUser.weight(itemTopic[item]) / topicsOfUser.total();
        return (1 - settings.noise()) * topicShare * itemPopularity[item] + settings.noise() / items.size();
    }

    /** How much the user likes the topic relative to their favourite one, 0 to 1: drives the funnel. */
    private double relativeAffinity(int user, int topic) {
        double[] t = taste[user];
        return t[topic] / Arrays.stream(t).max().orElseThrow();
    }

    private int itemIdx(String itemId) {
        Integer i = itemIndex.get(itemId);
        if (i == null) {
            throw new IllegalArgumentException("unknown item " + itemId);
        }
        return i;
    }

    private int userIdx(String userId) {
        Integer i = userIndex.get(userId);
        if (i == null) {
            throw new IllegalArgumentException("unknown user " + userId);
        }
        return i;
    }

    private Item newItem(String id, Theme topic, RandomGenerator rng, Instant updatedAt) {
        boolean zh = rng.nextDouble() < settings.chineseFraction();
        List<String> products = pickDistinct(topic.products(zh), 3, rng);
        List<String> adjectives = pickDistinct(topic.adjectives(zh), 1 + rng.nextInt(2), rng);
        String brand = pick(zh ? ZH_BRANDS : EN_BRANDS, rng);
        String modifier = pick(zh ? ZH_MODIFIERS : EN_MODIFIERS, rng);
        String title = String.join(" ", brand, String.join(" ", adjectives), products.get(0), modifier);
        String description = zh
                ? adjectives.get(0) + products.get(0) + "，搭配" + products.get(1) + "和" + products.get(2) + "更好用。"
                : adjectives.get(0) + " " + products.get(0) + ", ideal alongside our "
                        + products.get(1) + " and " + products.get(2) + ".";
        return Item.newBuilder()
                .setItemId(id)
                .setTitle(title)
                .setDescription(description)
                .setCategory(topic.category())
                .setTags(List.copyOf(products.subList(0, 2 + rng.nextInt(2))))
                .setLanguage(zh ? "zh" : "en")
                .setUpdatedAt(updatedAt)
                .build();
    }

    private static <T> T pick(List<T> list, RandomGenerator rng) {
        return list.get(rng.nextInt(list.size()));
    }

    private static <T> List<T> pickDistinct(List<T> list, int k, RandomGenerator rng) {
        int[] order = shuffledRanks(list.size(), rng);
        return IntStream.range(0, k).mapToObj(j -> list.get(order[j])).toList();
    }

    /** A random permutation of 0..n-1 (Fisher–Yates). */
    private static int[] shuffledRanks(int n, RandomGenerator rng) {
        int[] a = IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
        return a;
    }

    private static double[] dirichlet(int k, double alpha, RandomGenerator rng) {
        double[] x = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++) {
            x[i] = gamma(alpha, rng);
            sum += x[i];
        }
        for (int i = 0; i < k; i++) {
            x[i] /= sum;
        }
        return x;
    }

    /** Gamma(shape, 1) by Marsaglia and Tsang; shapes below 1 via the U^(1/shape) boost. */
    private static double gamma(double shape, RandomGenerator rng) {
        if (shape < 1) {
            return gamma(shape + 1, rng) * Math.pow(rng.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double z = rng.nextGaussian();
            double v = 1 + c * z;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            if (Math.log(rng.nextDouble()) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }

    /** Draws an index with probability proportional to its weight: binary search of cumulative sums. */
    private static final class Sampler {
        private final double[] weights;
        private final double[] cumulative;

        Sampler(double[] weights) {
            this.weights = weights;
            this.cumulative = new double[weights.length];
            double sum = 0;
            for (int i = 0; i < weights.length; i++) {
                sum += weights[i];
                cumulative[i] = sum;
            }
        }

        double weight(int i) {
            return weights[i];
        }

        double total() {
            return cumulative[cumulative.length - 1];
        }

        /** The first index whose cumulative sum exceeds a uniform draw; zero weights are never drawn. */
        int sample(RandomGenerator rng) {
            double x = rng.nextDouble() * total();
            int lo = 0;
            int hi = cumulative.length - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] > x) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return lo;
        }
    }

    /** An event waiting for its time; seq breaks time ties in creation order, keeping the stream deterministic. */
    private record Pending(long time, long seq, int user, int item, BehaviorType type, Double dwellMs) {
    }

    /**
     * Starts sessions as a Poisson process and keeps their future events in a queue, so that the
     * events of overlapping sessions come out in time order.
     */
    private final class EventStream implements Iterator<BehaviorEvent> {
        private final SplittableRandom rng = new SplittableRandom(eventSeed);
        private final PriorityQueue<Pending> pending = new PriorityQueue<>(
                Comparator.comparingLong(Pending::time).thenComparingLong(Pending::seq));
        private long nextSessionStart = settings.startTimeMillis();
        private long created;
        private long emitted;
        private long lastTime = Long.MIN_VALUE;

        @Override
        public boolean hasNext() {
            return true;
        }

        @Override
        public BehaviorEvent next() {
            while (pending.isEmpty() || pending.peek().time() > nextSessionStart) {
                startSession(nextSessionStart);
                nextSessionStart += 1 + (long) (rng.nextExponential() * settings.meanSessionGapMillis());
            }
            Pending p = pending.poll();
            // Strictly increasing times make the order total for consumers; a shift of a millisecond
            // on a rare collision does not matter.
            lastTime = Math.max(p.time(), lastTime + 1);
            Item item = items.get(p.item());
            Map<String, String> context = new HashMap<>();
            context.put("category", item.getCategory());
            return BehaviorEvent.newBuilder()
                    .setEventId("e" + emitted++)
                    .setUserId(userIds.get(p.user()))
                    .setItemId(item.getItemId())
                    .setType(p.type())
                    .setTimestamp(Instant.ofEpochMilli(lastTime))
                    .setDwellMs(p.dwellMs())
                    .setScenario(settings.scenario())
                    .setContext(context)
                    .build();
        }

        private void startSession(long start) {
            int user = userSampler.sample(rng);
            int views = 1 + rng.nextInt(2 * settings.sessionLength() - 1);
            long t = start;
            for (int v = 0; v < views; v++) {
                int item = rng.nextDouble() < settings.noise()
                        ? rng.nextInt(items.size())
                        : pickItem(user);
                t = view(user, item, t);
                t += 2_000 + rng.nextInt(10_000);
            }
        }

        private int pickItem(int user) {
            int topic = userTopicSampler[user].sample(rng);
            return topicItems[topic][topicItemSampler[topic].sample(rng)];
        }

        /** Queues the funnel of one view starting at t; returns when the user moves on. */
        private long view(int user, int item, long t) {
            double rel = relativeAffinity(user, itemTopic[item]);
            t = emit(user, item, BehaviorType.BROWSE, t, dwell(BROWSE_DWELL_MEDIAN_MS, rel));
            if (rng.nextDouble() >= 0.15 + 0.45 * rel) {
                return t;
            }
            t = emit(user, item, BehaviorType.CLICK, t, dwell(CLICK_DWELL_MEDIAN_MS, rel));
            if (rng.nextDouble() < 0.1 + 0.3 * rel) {
                t = emit(user, item, scenario.save, t, null);
            }
            if (rng.nextDouble() < 0.1 + 0.4 * rel) {
                t = emit(user, item, scenario.engage, t, null);
                if (rng.nextDouble() < 0.2 + 0.5 * rel) {
                    t = emit(user, item, scenario.convert, t, null);
                }
            }
            return t;
        }

        /** Queues an event at t; the next step follows after the dwell and a few seconds' pause. */
        private long emit(int user, int item, BehaviorType type, long t, Double dwellMs) {
            pending.add(new Pending(t, created++, user, item, type, dwellMs));
            long dwell = dwellMs == null ? 0 : Math.round(dwellMs);
            return t + dwell + 1_000 + rng.nextInt(4_000);
        }

        /** Lognormal dwell: the median grows by up to e^0.8 for the favourite topic. */
        private double dwell(long medianMs, double rel) {
            return Math.round(medianMs * Math.exp(0.8 * rel + 0.6 * rng.nextGaussian()));
        }
    }
}
