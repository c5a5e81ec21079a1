package ripple.embedding;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import ripple.avro.Item;

/**
 * The text an item is embedded from, and the language its producer declared (may be null).
 *
 * <p>Built as title, category, tags, description, one per line. The description goes last because it
 * is the longest and least specific part: when the text exceeds maxSeqLength tokens, truncation
 * removes description first and keeps the title.
 */
public record ItemText(String text, String declaredLanguage) {

    /**
     * Builds, sanitises and checks an item's text.
     *
     * @param maxChars longest accepted text in UTF-16 units ({@code embedding.max-text-chars})
     * @throws BadItemTextException EMPTY_TEXT when every part is blank, OVERSIZED_TEXT when too long
     */
    public static ItemText of(String title, String category, List<String> tags, String description,
                              String declaredLanguage, int maxChars) {
        List<String> parts = new ArrayList<>(4);
        addIfPresent(parts, title);
        addIfPresent(parts, category);
        if (tags != null) {
            StringJoiner joined = new StringJoiner(", ");
            tags.stream().filter(t -> t != null && !t.isBlank()).map(String::strip).forEach(joined::add);
            addIfPresent(parts, joined.toString());
        }
        addIfPresent(parts, description);
        String text = String.join("\n", parts);
        if (text.isEmpty()) {
            throw new BadItemTextException(BadItemTextException.Reason.EMPTY_TEXT,
                    "title, category, tags and description are all blank");
        }
        if (text.length() > maxChars) {
            throw new BadItemTextException(BadItemTextException.Reason.OVERSIZED_TEXT,
                    "item text has " + text.length() + " characters, more than the " + maxChars
                            + " allowed by " + TextModelSettings.MAX_TEXT_CHARS);
        }
        return new ItemText(sanitise(text), declaredLanguage);
    }

    public static ItemText of(Item item, int maxChars) {
        return of(item.getTitle(), item.getCategory(), item.getTags(), item.getDescription(), item.getLanguage(),
                maxChars);
    }

    private static void addIfPresent(List<String> parts, String s) {
        if (s != null && !s.isBlank()) {
            parts.add(s.strip());
        }
    }

    /**
     * Replaces unpaired UTF-16 surrogates with U+FFFD. Java strings may hold them (a producer's bug,
     * or text cut in the middle of a pair), but the tokenizer needs valid UTF-8 and would otherwise
     * fail, or silently change the text, at the JNI boundary.
     */
    static String sanitise(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(s.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(s.length()).append(s, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }
}
