package ripple.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import ripple.config.RippleConfig;
import ripple.dev.SyntheticGenerator;

/**
 * report.json keeps the shape it had as an untyped map, so that notebooks and scripts reading it keep working:
 * the same keys in the same order, a note only without item text, a grid only with several settings, intervals as
 * two-number arrays.
 */
class BacktestReportJsonTest {
    private static final List<String> KEYS = List.of("source", "events", "accepted", "deadLetters", "evaluated",
            "eventsPerSec", "replaySeconds", "from", "to", "k", "targets", "excludeSeen", "excludeSeenItems",
            "candidates", "aucLogloss", "confidence", "textItems", "note", "models", "comparison", "segments",
            "ablations", "influence", "weights", "userState", "series", "phases", "settings", "wallSeconds");

    @Test
    void theJsonHasTheKeysOfTheMapItReplaced() throws Exception {
        SyntheticGenerator generator = new SyntheticGenerator(SyntheticGenerator.Settings.defaults()
                .withUsers(20).withItems(30).withSeed(9));
        ReplayInput input = ReplayInput.of("synthetic", generator.events(300), List.of());
        BacktestReport report = new Backtest(RippleConfig.defaultConfig(), input, ReplayOptions.defaults(), false, 1)
                .run(Backtest.settings(Map.of(), Map.of()), BacktestProgress.silent());

        JsonNode json = new ObjectMapper().readTree(ReportWriter.json(report));

        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactlyElementsOf(KEYS);
        assertThat(json.get("excludeSeenItems").isNull()).isTrue();
        assertThat(json.get("evaluated").asLong()).isEqualTo(report.evaluated());
        List<String> segmentKeys = new ArrayList<>();
        json.get("segments").fieldNames().forEachRemaining(segmentKeys::add);
        assertThat(segmentKeys).containsExactly("definitions", "events", "models");
        List<String> phaseKeys = new ArrayList<>();
        json.get("phases").fieldNames().forEachRemaining(phaseKeys::add);
        assertThat(phaseKeys).containsExactly("readSeconds", "sortSeconds", "embedSeconds", "mainReplaySeconds",
                "rippleRankingSeconds", "baselineSeconds", "ablationReplaySeconds", "ablationWallSeconds",
                "reportSeconds");
        JsonNode ci = json.get("models").get("ripple").get("hr@10_ci");
        assertThat(ci.isArray() && ci.size() == 2).as("hr@10_ci: %s", ci).isTrue();
    }
}
