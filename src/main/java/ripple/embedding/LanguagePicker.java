package ripple.embedding;

import java.util.Locale;

/**
 * Chooses the Chinese or the English model for an item.
 *
 * <p>A declared Chinese language wins. Otherwise the text decides: a CJK character carries about as
 * much meaning as a Latin word, so the share is CJK characters / (CJK characters + Latin words).
 * Mixed titles such as "Apple iPhone 15 Pro 手机" are common in Chinese catalogues, and the Chinese
 * model copes with some English while the English one maps CJK to [UNK]; hence the low default.
 * A declared non-Chinese language does not override the text for that same reason.
 */
public final class LanguagePicker {

    public static final String ZH = "zh";
    public static final String EN = "en";
    public static final double DEFAULT_MIN_CJK_SHARE = 0.2;

    private final double minCjkShare;

    public LanguagePicker() {
        this(DEFAULT_MIN_CJK_SHARE);
    }

    public LanguagePicker(double minCjkShare) {
        this.minCjkShare = minCjkShare;
    }

    /** "zh" or "en". */
    public String pick(String declaredLanguage, String text) {
        if (declaredLanguage != null && declaredLanguage.trim().toLowerCase(Locale.ROOT).startsWith(ZH)) {
            return ZH;
        }
        return cjkShare(text) >= minCjkShare ? ZH : EN;
    }

    static double cjkShare(String text) {
        int cjk = 0;
        int latinWords = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (isCjk(cp)) {
                cjk++;
                inWord = false;
            } else if (Character.isLetter(cp)) {
                if (!inWord) {
                    latinWords++;
                }
                inWord = true;
            } else {
                inWord = false;
            }
        }
        return cjk + latinWords == 0 ? 0 : (double) cjk / (cjk + latinWords);
    }

    private static boolean isCjk(int cp) {
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL;
    }
}
