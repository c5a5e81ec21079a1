package ripple.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.Item;

class EventFileReaderTest {

    /** The real Taobao slice, shared by benchmarks and backtests; relative to the project root. */
    private static final Path TAOBAO_SLICE = Path.of("../shared/datasets/taobao-userbehavior-slice/UserBehavior.csv");

    @TempDir
    Path dir;

    @Test
    void taobaoRowsMapToEventsAndBadRowsNameTheirLine() throws IOException {
        Path file = write("taobao.csv", """
                543462,1715,1464116,pv,1511658000
                662867,2244074,1575622,cart,1511658001

                561558,3611281,965809,buy,1511658002
                301780,543546,4181361,pv,15
                894923,3076029,1879194,like,1511658003
                834377,4541270,3738615,fav
                834377,4541270,3738615,fav,1511658004
                834377,4541270,3738615,pv,yesterday
                """);

        List<FileRows.Row<BehaviorEvent>> rows = readAll(EventFileReader.taobao().open(file));

        List<BehaviorEvent> events = parsed(rows);
        assertThat(events).extracting(BehaviorEvent::getType)
                .containsExactly(BehaviorType.BROWSE, BehaviorType.CART, BehaviorType.PURCHASE, BehaviorType.FAVORITE);
        BehaviorEvent first = events.get(0);
        assertThat(first.getUserId()).isEqualTo("543462");
        assertThat(first.getItemId()).isEqualTo("1715");
        assertThat(first.getTimestamp()).isEqualTo(Instant.ofEpochSecond(1511658000));
        assertThat(first.getContext()).containsExactly(Map.entry("category", "1464116"));
        assertThat(first.getScenario()).isEqualTo("ecommerce");
        assertThat(first.getEventId()).isEqualTo("taobao-543462-1715-pv-1511658000");

        // Line numbers count the blank line, as an editor does.
        assertThat(bad(rows)).extracting(FileRows.Bad::line).containsExactly(5L, 6L, 7L, 9L);
        assertThat(bad(rows).get(0).reason()).isEqualTo("timestamp 15 is 1970-01-01T00:00:15Z, before 2000-01-01T00:00:00Z");
        assertThat(bad(rows).get(0).text()).isEqualTo("301780,543546,4181361,pv,15");
        assertThat(bad(rows).get(1).reason()).isEqualTo("unknown behaviour 'like'; expected one of buy, cart, fav, pv");
        assertThat(bad(rows).get(2).reason()).startsWith("expected 5 columns").endsWith("found 4");
        assertThat(bad(rows).get(3).reason()).contains("'yesterday' is not a whole number of seconds");
    }

    @Test
    void taobaoEventIdsAreTheSameOnEveryRead() throws IOException {
        Path file = write("again.csv", "1,2,3,buy,1511658000\n");

        BehaviorEvent once = parsed(readAll(EventFileReader.taobao().open(file))).get(0);
        BehaviorEvent twice = parsed(readAll(EventFileReader.taobao().open(file))).get(0);

        assertThat(twice.getEventId()).isEqualTo(once.getEventId());
    }

    @Test
    void realTaobaoSliceParses() throws IOException {
        if (!Files.isReadable(TAOBAO_SLICE)) {
            fail("the Taobao slice is missing at " + TAOBAO_SLICE.toAbsolutePath()
                    + "; it ships in ../shared/datasets (see its README)");
        }
        List<String> first200 = Files.readAllLines(TAOBAO_SLICE).subList(0, 200);

        List<FileRows.Row<BehaviorEvent>> rows = readAll(EventFileReader.taobao().read(new StringReader(String.join("\n", first200))));

        assertThat(bad(rows)).isEmpty();
        assertThat(parsed(rows)).hasSize(200).allSatisfy(e -> {
            assertThat(e.getType()).isIn(BehaviorType.BROWSE, BehaviorType.CART, BehaviorType.FAVORITE, BehaviorType.PURCHASE);
            assertThat(e.getTimestamp()).isAfter(Instant.parse("2017-11-01T00:00:00Z"));
            assertThat(e.getContext()).containsKey("category");
        });
    }

    @Test
    void csvFollowsTheColumnMapping() throws IOException {
        Path file = write("log.tsv", """
                when\tuser\titem\twhat\tcategory\tdwell\tid
                1700000000000\tu1\ti1\tview\tbooks\t1500\te-1
                1700000001000\tu2\t"i,2"\tBUY\t\t\t
                1700000002000\tu3\ti3\tcart\tbooks\t-4\te-3
                1700000003000\t\ti4\tview\tbooks\t\te-4
                17\tu5\ti5\tview\tbooks\t\te-5
                1700000004000\tu6\ti6\tview\tbooks\t1
                """);
        EventFileReader reader = EventFileReader.csv(
                Delimited.columns("ts=0,user=1,item=2,type=3,category=4,dwell=5,event=6", "--columns",
                        EventFileReader.REQUIRED_COLUMNS, EventFileReader.OPTIONAL_COLUMNS),
                Map.of("view", BehaviorType.BROWSE, "buy", BehaviorType.PURCHASE),
                EventFileReader.TimestampUnit.MILLISECONDS, true, Delimited.delimiter("tab"));

        List<FileRows.Row<BehaviorEvent>> rows = readAll(reader.open(file));

        List<BehaviorEvent> events = parsed(rows);
        assertThat(events).hasSize(2);
        assertThat(events.get(0).getEventId()).isEqualTo("e-1");
        assertThat(events.get(0).getDwellMs()).isEqualTo(1500.0);
        assertThat(events.get(0).getContext()).containsEntry("category", "books");
        assertThat(events.get(0).getTimestamp()).isEqualTo(Instant.ofEpochMilli(1700000000000L));
        // Codes ignore case; a quoted field may hold the delimiter; empty optional columns are missing values.
        assertThat(events.get(1).getItemId()).isEqualTo("i,2");
        assertThat(events.get(1).getType()).isEqualTo(BehaviorType.PURCHASE);
        assertThat(events.get(1).getEventId()).isNull();
        assertThat(events.get(1).getDwellMs()).isNull();
        assertThat(events.get(1).getContext()).isEmpty();
        assertThat(bad(rows)).extracting(FileRows.Bad::line).containsExactly(4L, 5L, 6L, 7L);
        assertThat(bad(rows)).extracting(FileRows.Bad::reason).containsExactly(
                "unknown behaviour 'cart'; expected one of buy, view",
                "empty user id in column 1",
                "timestamp 17 is 1970-01-01T00:00:00.017Z, before 2000-01-01T00:00:00Z",
                "found 6 columns, the column mapping needs at least 7");
    }

    @Test
    void csvRejectsBadDwellAndTimestampsOutsideTheRange() throws BadRowException {
        EventFileReader reader = EventFileReader.csv(Map.of("user", 0, "item", 1, "type", 2, "ts", 3, "dwell", 4),
                Map.of(), EventFileReader.TimestampUnit.SECONDS, false, ",")
                .withTimestampRange(EventFileReader.DEFAULT_MIN_TIMESTAMP, Instant.parse("2030-01-01T00:00:00Z"));

        assertThat(reader.parse("u,i,click,1700000000,").getType()).isEqualTo(BehaviorType.CLICK);
        assertThatThrownBy(() -> reader.parse("u,i,click,1700000000,-1")).hasMessageContaining("dwell time -1");
        assertThatThrownBy(() -> reader.parse("u,i,click,1700000000,NaN")).hasMessageContaining("dwell time NaN");
        // milliseconds read as seconds land far in the future
        assertThatThrownBy(() -> reader.parse("u,i,click,1700000000000,")).hasMessageContaining("after 2030-01-01T00:00:00Z");
        assertThatThrownBy(() -> reader.parse("u,\"i,click,1,2")).hasMessageContaining("unterminated quoted field");
    }

    @Test
    void csvMappingErrorsNameTheProblem() {
        assertThatThrownBy(() -> Delimited.columns("user=0,item=1,type=3", "--columns",
                EventFileReader.REQUIRED_COLUMNS, EventFileReader.OPTIONAL_COLUMNS))
                .hasMessage("--columns: missing required column(s) ts");
        assertThatThrownBy(() -> Delimited.columns("user=0,item=1,type=3,ts=4,price=5", "--columns",
                EventFileReader.REQUIRED_COLUMNS, EventFileReader.OPTIONAL_COLUMNS))
                .hasMessageContaining("unknown column name 'price'");
        assertThatThrownBy(() -> EventFileReader.csv(Map.of("user", 0, "item", 1, "type", 2, "ts", 3),
                Map.of("x", BehaviorType.UNKNOWN), EventFileReader.TimestampUnit.SECONDS, false, ","))
                .hasMessageContaining("cannot map to UNKNOWN");
    }

    @Test
    void jsonLinesUseBehaviorEventFieldNames() throws IOException {
        Path file = write("events.jsonl", """
                {"userId":"u1","itemId":"i1","type":"CLICK","timestamp":1700000000000}
                {"eventId":"e2","userId":7,"itemId":"i2","type":"purchase","timestamp":"2023-11-14T22:13:20Z","dwellMs":250.5,"scenario":"video","context":{"category":"toys"}}
                {"userId":"u3","itemId":"i3","type":"CLICK"
                {"userId":"u4","type":"CLICK","timestamp":1700000000000}
                {"userId":"u5","itemId":"i5","type":"DANCE","timestamp":1700000000000}
                {"userID":"u6","itemId":"i6","type":"CLICK"}
                {"userId":"u7","itemId":"i7","type":"CLICK","timestamp":15}
                [1,2]
                """);

        List<FileRows.Row<BehaviorEvent>> rows = readAll(EventFileReader.jsonl().open(file));

        List<BehaviorEvent> events = parsed(rows);
        assertThat(events).hasSize(2);
        assertThat(events.get(0).getType()).isEqualTo(BehaviorType.CLICK);
        assertThat(events.get(0).getEventId()).isNull();
        assertThat(events.get(0).getScenario()).isNull();
        BehaviorEvent second = events.get(1);
        assertThat(second.getUserId()).isEqualTo("7");
        assertThat(second.getType()).isEqualTo(BehaviorType.PURCHASE);
        assertThat(second.getTimestamp()).isEqualTo(Instant.ofEpochMilli(1700000000000L));
        assertThat(second.getDwellMs()).isEqualTo(250.5);
        assertThat(second.getScenario()).isEqualTo("video");
        assertThat(second.getContext()).containsEntry("category", "toys");
        List<FileRows.Bad<BehaviorEvent>> bad = bad(rows);
        assertThat(bad).extracting(FileRows.Bad::line).containsExactly(3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(bad.get(0).reason()).startsWith("not valid JSON");
        assertThat(bad.get(1).reason()).isEqualTo("missing itemId");
        assertThat(bad.get(2).reason()).startsWith("unknown behaviour type 'DANCE'; expected one of BROWSE, CART, CLICK");
        assertThat(bad.get(3).reason()).startsWith("unknown field 'userID'");
        assertThat(bad.get(4).reason()).contains("before 2000-01-01T00:00:00Z");
        assertThat(bad.get(5).reason()).isEqualTo("expected a JSON object, found array");
    }

    @Test
    void itemsFromJsonLinesAndCsv() throws IOException {
        Instant now = Instant.parse("2024-01-01T00:00:00Z");
        Path json = write("items.jsonl", """
                {"itemId": "1", "title": "Toy Story (1995)", "category": "Animation Comedy", "tags": ["pixar"]}
                {"title": "no id"}
                """);
        Path csv = write("movies.csv", """
                movieId,title,genres
                11,"American President, The (1995)",Comedy|Drama|Romance
                12
                """);

        List<FileRows.Row<Item>> fromJson = readAll(ItemFileReader.jsonl(now).open(json));
        List<FileRows.Row<Item>> fromCsv = readAll(ItemFileReader.csv(Map.of("id", 0, "title", 1, "tags", 2), true, ",", now).open(csv));

        Item toyStory = parsed(fromJson).get(0);
        assertThat(toyStory.getTitle()).isEqualTo("Toy Story (1995)");
        assertThat(toyStory.getCategory()).isEqualTo("Animation Comedy");
        assertThat(toyStory.getTags()).containsExactly("pixar");
        assertThat(toyStory.getUpdatedAt()).isEqualTo(now);
        assertThat(bad(fromJson)).extracting(FileRows.Bad::line, FileRows.Bad::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2L, "missing itemId"));
        Item president = parsed(fromCsv).get(0);
        assertThat(president.getItemId()).isEqualTo("11");
        assertThat(president.getTitle()).isEqualTo("American President, The (1995)");
        assertThat(president.getTags()).containsExactly("Comedy", "Drama", "Romance");
        assertThat(bad(fromCsv)).extracting(FileRows.Bad::line).containsExactly(3L);
    }

    @Test
    void byteOrderMarkAndHeaderAreSkipped() throws IOException {
        Path file = dir.resolve("bom.csv");
        Files.writeString(file, "\uFEFFuser,item,type,ts\nu1,i1,click,1700000000000\n");
        EventFileReader reader = EventFileReader.csv(Map.of("user", 0, "item", 1, "type", 2, "ts", 3), Map.of(),
                EventFileReader.TimestampUnit.MILLISECONDS, true, ",");

        List<FileRows.Row<BehaviorEvent>> rows = readAll(reader.open(file));

        assertThat(rows).hasSize(1).first().extracting(FileRows.Row::line).isEqualTo(2L);
        assertThat(parsed(rows).get(0).getUserId()).isEqualTo("u1");
    }

    @Test
    void csvColumnsMayBeNamedByTheHeaderAndQuotedFieldsMayHoldLineBreaksAndQuotes() throws IOException {
        Path file = write("named.csv", """
                time,item_id,"user id",behavior,note
                1700000000000,i1,u1,click,"says ""hello"", twice"
                1700000001000,"i
                2",u2,click,x

                1700000002000,i3,,click,x
                1700000003000,i4,u4,click,"never closed
                1700000004000,i5,u5,click,x
                """);
        EventFileReader reader = EventFileReader.csv(
                Delimited.columns("user=User ID,item=item_id,type=behavior,ts=time", "--columns",
                        EventFileReader.REQUIRED_COLUMNS, EventFileReader.OPTIONAL_COLUMNS),
                Map.of(), EventFileReader.TimestampUnit.MILLISECONDS, true, ",");

        List<FileRows.Row<BehaviorEvent>> rows = readAll(reader.open(file));

        assertThat(parsed(rows)).extracting(BehaviorEvent::getItemId).containsExactly("i1", "i\n2");
        assertThat(rows).extracting(FileRows.Row::line).containsExactly(2L, 3L, 6L, 7L);
        assertThat(bad(rows).get(0).reason()).isEqualTo("empty user id in column 2");
        assertThat(bad(rows).get(1).reason()).contains("unterminated quoted field")
                .contains("the rest of the file was not read");

        Delimited.Columns missing = Delimited.columns("user=uid,item=item_id,type=behavior,ts=time", "--columns",
                EventFileReader.REQUIRED_COLUMNS, EventFileReader.OPTIONAL_COLUMNS);
        EventFileReader wrong = EventFileReader.csv(missing, Map.of(), EventFileReader.TimestampUnit.MILLISECONDS, true, ",");
        assertThatThrownBy(() -> wrong.open(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no column 'uid'").hasMessageContaining("time, item_id, user id, behavior, note");
        assertThatThrownBy(() -> EventFileReader.csv(missing, Map.of(), EventFileReader.TimestampUnit.MILLISECONDS,
                false, ",")).hasMessageContaining("need --header");
    }

    @Test
    void aDelimiterOfSeveralCharactersStillSplits() throws IOException {
        Path file = write("ratings.dat", "u1::i1::click::1700000000000\nu2::\"i::2\"::click::1700000000000\n");
        EventFileReader reader = EventFileReader.csv(Map.of("user", 0, "item", 1, "type", 2, "ts", 3), Map.of(),
                EventFileReader.TimestampUnit.MILLISECONDS, false, "::");
        assertThat(parsed(readAll(reader.open(file)))).extracting(BehaviorEvent::getItemId).containsExactly("i1", "i::2");
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static <T> List<FileRows.Row<T>> readAll(FileRows<T> rows) throws IOException {
        try (rows) {
            List<FileRows.Row<T>> all = new ArrayList<>();
            rows.forEachRemaining(all::add);
            return all;
        }
    }

    private static <T> List<T> parsed(List<FileRows.Row<T>> rows) {
        return rows.stream().filter(r -> r instanceof FileRows.Parsed<T>).map(r -> ((FileRows.Parsed<T>) r).value()).toList();
    }

    private static <T> List<FileRows.Bad<T>> bad(List<FileRows.Row<T>> rows) {
        return rows.stream().filter(r -> r instanceof FileRows.Bad<T>).map(r -> (FileRows.Bad<T>) r).toList();
    }
}
