package ripple.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import ripple.config.RippleConfig;
import ripple.embedding.DeviceMode;
import ripple.embedding.EmbeddingProbe;
import ripple.embedding.ItemText;
import ripple.embedding.ModelSpec;
import ripple.embedding.TextModelSettings;
import ripple.embedding.TokenBatch;

/**
 * Measures what DJL costs: Ripple's predictor path against plain {@code OrtSession.run} on the same
 * ONNX file, with the same session threads, the same int64 token arrays and the same Java pooling.
 *
 * <p>Tokenisation is done once, before timing, and excluded from both paths: it is identical code
 * either way, and leaving it out makes the ratio show only the DJL overhead. The two paths alternate
 * batch by batch so that noise from other processes hits both alike. Warm-up batches are not timed.
 *
 * <p>Both paths come from {@link EmbeddingProbe}, the one public class that opens them: the benchmark lives here
 * with the others, and the embedding package's internals stay package-private.
 */
public final class EmbeddingBenchmark {

    private static final int WARM_UP_BATCHES = 3;
    private static final long SEED = 20240601L;

    /** Timings per batch are in milliseconds; throughput in items per second. */
    public record Result(String model, String device, int batch, int items, int threads, String timing,
                         double itemsPerSec, double rawOrtItemsPerSec, double ratio, double p50Ms, double p99Ms,
                         double rawP50Ms, double rawP99Ms, double maxAbsDiff) {

        public String toJson() {
            return String.format(Locale.ROOT, "{\"model\":\"%s\",\"device\":\"%s\",\"batch\":%d,\"items\":%d,"
                            + "\"threads\":%d,\"timing\":\"%s\",\"items_per_sec\":%.1f,\"raw_ort_items_per_sec\":%.1f,"
                            + "\"ratio\":%.3f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"raw_p50_ms\":%.2f,\"raw_p99_ms\":%.2f,"
                            + "\"max_abs_diff\":%.2e}",
                    model, device, batch, items, threads, timing, itemsPerSec, rawOrtItemsPerSec, ratio,
                    p50Ms, p99Ms, rawP50Ms, rawP99Ms, maxAbsDiff);
        }
    }

    private EmbeddingBenchmark() {
    }

    /**
     * @param modelName a built-in model; Chinese items for bge models, English otherwise
     * @param device    cpu, gpu or auto
     */
    public static Result run(String modelName, int items, int batch, String device, int threads) {
        try (EmbeddingProbe probe = EmbeddingProbe.open(ModelSpec.builtIn(modelName), DeviceMode.parse(device), threads)) {
            boolean chinese = probe.modelId().startsWith("bge");
            List<String> texts = syntheticTexts(chinese, items, SEED);
            List<TokenBatch> batches = new ArrayList<>();
            for (int i = 0; i < texts.size(); i += batch) {
                batches.add(probe.tokenize(texts.subList(i, Math.min(i + batch, texts.size()))));
            }
            double maxAbsDiff = 0;
            // warm-up, which doubles as a check that both paths compute the same vectors
            for (TokenBatch tokens : batches.subList(0, Math.min(WARM_UP_BATCHES, batches.size()))) {
                maxAbsDiff = Math.max(maxAbsDiff, maxAbsDiff(probe.embed(tokens), probe.embedRaw(tokens)));
            }
            double[] rippleMs = new double[batches.size()];
            double[] rawMs = new double[batches.size()];
            for (int i = 0; i < batches.size(); i++) {
                TokenBatch tokens = batches.get(i);
                // alternate which path goes first, so neither always runs on caches the other warmed
                if (i % 2 == 0) {
                    rippleMs[i] = millis(() -> probe.embed(tokens));
                    rawMs[i] = millis(() -> probe.embedRaw(tokens));
                } else {
                    rawMs[i] = millis(() -> probe.embedRaw(tokens));
                    rippleMs[i] = millis(() -> probe.embed(tokens));
                }
            }
            double ripplePerSec = texts.size() / (Arrays.stream(rippleMs).sum() / 1000);
            double rawPerSec = texts.size() / (Arrays.stream(rawMs).sum() / 1000);
            return new Result(probe.modelId(), probe.device(), batch, texts.size(), threads,
                    "inference and pooling, tokenisation excluded (same pre-tokenised batches for both paths)",
                    ripplePerSec, rawPerSec, ripplePerSec / rawPerSec, percentile(rippleMs, 50),
                    percentile(rippleMs, 99), percentile(rawMs, 50), percentile(rawMs, 99), maxAbsDiff);
        }
    }

    private static double millis(Runnable run) {
        long start = System.nanoTime();
        run.run();
        return (System.nanoTime() - start) / 1e6;
    }

    /** Nearest-rank percentile. */
    private static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank - 1, 0)];
    }

    private static double maxAbsDiff(float[][] a, float[][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int d = 0; d < a[i].length; d++) {
                max = Math.max(max, Math.abs(a[i][d] - b[i][d]));
            }
        }
        return max;
    }

    // ---- synthetic catalogue: plausible titles, fixed seed, varied lengths ----

    private static final String[] ZH_BRANDS = {"华为", "小米", "李宁", "安踏", "美的", "格力", "三只松鼠", "百草味", "优衣库", "波司登"};
    private static final String[] ZH_ADJECTIVES = {"新款", "夏季", "加厚", "轻薄", "高端", "经典", "限量版", "儿童", "男士", "女士", "复古", "便携式"};
    private static final String[] ZH_PRODUCTS = {"连衣裙", "运动鞋", "羽绒服", "蓝牙耳机", "智能手机", "空调", "电饭煲", "坚果礼盒", "双肩包", "保温杯", "机械键盘", "瑜伽垫"};
    private static final String[] ZH_SPECS = {"官方旗舰店正品", "包邮", "大容量", "防水防滑", "静音节能", "送礼佳品", "七天无理由退换", "全国联保"};
    private static final String[] ZH_CATEGORIES = {"服装", "鞋靴", "数码", "家电", "食品", "箱包", "运动户外"};
    private static final String[] ZH_SENTENCES = {"采用优质材料制作，舒适耐用。", "适合日常通勤和周末出游。", "多种颜色可选，满足不同需求。",
        "支持快速充电，续航时间长。", "精选原料，口感香脆。", "简约设计，百搭时尚。"};
    private static final String[] EN_BRANDS = {"Acme", "Northwind", "Contoso", "Globex", "Initech", "Umbrella", "Stark", "Wayne"};
    private static final String[] EN_ADJECTIVES = {"lightweight", "waterproof", "vintage", "premium", "wireless", "kids'", "men's", "women's", "ergonomic", "portable"};
    private static final String[] EN_PRODUCTS = {"running shoes", "rain jacket", "bluetooth headphones", "smartphone", "air fryer", "coffee grinder", "backpack", "water bottle", "mechanical keyboard", "yoga mat"};
    private static final String[] EN_SPECS = {"free shipping", "2-year warranty", "large capacity", "fast charging", "gift box", "machine washable"};
    private static final String[] EN_CATEGORIES = {"clothing", "shoes", "electronics", "kitchen", "sports", "bags", "home"};
    private static final String[] EN_SENTENCES = {"Made from durable materials for everyday use.", "Perfect for commuting and weekend trips.",
        "Available in several colours.", "Long battery life with fast charging support.", "Minimal design that goes with everything.",
        "Easy to clean and built to last."};

    /** Item texts as {@link ItemText} builds them, with one to four description sentences. */
    static List<String> syntheticTexts(boolean chinese, int n, long seed) {
        Random random = new Random(seed);
        List<String> texts = new ArrayList<>(n);
        int maxTextChars = RippleConfig.defaultConfig().intValue(TextModelSettings.MAX_TEXT_CHARS);
        for (int i = 0; i < n; i++) {
            String title;
            String category;
            List<String> tags;
            StringBuilder description = new StringBuilder();
            int sentences = 1 + random.nextInt(4);
            if (chinese) {
                title = pick(random, ZH_BRANDS) + pick(random, ZH_ADJECTIVES) + pick(random, ZH_PRODUCTS) + " " + pick(random, ZH_SPECS);
                category = pick(random, ZH_CATEGORIES);
                tags = List.of(pick(random, ZH_ADJECTIVES), pick(random, ZH_SPECS));
                for (int s = 0; s < sentences; s++) {
                    description.append(pick(random, ZH_SENTENCES));
                }
            } else {
                title = pick(random, EN_BRANDS) + " " + pick(random, EN_ADJECTIVES) + " " + pick(random, EN_PRODUCTS)
                        + ", " + pick(random, EN_SPECS);
                category = pick(random, EN_CATEGORIES);
                tags = List.of(pick(random, EN_ADJECTIVES), pick(random, EN_SPECS));
                for (int s = 0; s < sentences; s++) {
                    description.append(pick(random, EN_SENTENCES)).append(' ');
                }
            }
            texts.add(ItemText.of(title, category, tags, description.toString(), null,
                    maxTextChars).text());
        }
        return texts;
    }

    private static String pick(Random random, String[] options) {
        return options[random.nextInt(options.length)];
    }
}
