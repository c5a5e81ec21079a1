package ripple.privacy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import ripple.config.ConfigException;
import ripple.config.RippleConfig;

/**
 * Replaces user ids at intake by a keyed hash (HMAC-SHA256, {@code privacy.pseudonymise}), so that every store,
 * topic and log line after intake holds only the pseudonym. Without the key the pseudonym cannot be reversed or
 * recomputed from a guessed id, unlike a plain hash. The same key always gives the same pseudonym, so a user's
 * events still meet in one state; a new key gives every user a new pseudonym (see the README on rotation).
 *
 * <p>The pseudonym is the first 128 bits of the HMAC, base64url without padding (22 characters): short state keys,
 * and a collision is not expected below about 10^18 users. Thread-safe.
 */
public final class Pseudonyms {
    /** Keeps ids as they are: pseudonymisation off. */
    public static final Pseudonyms NONE = new Pseudonyms(null);

    /** Shorter keys are refused: HMAC-SHA256's strength is bounded by the key's. */
    static final int MIN_KEY_BYTES = 16;
    private static final int PSEUDONYM_BYTES = 16;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    /** Mac instances are not thread-safe, and creating one per id is slow. */
    private final ThreadLocal<Mac> macs;

    private Pseudonyms(byte[] key) {
        this.key = key == null ? null : new SecretKeySpec(key, ALGORITHM);
        this.macs = key == null ? null : ThreadLocal.withInitial(this::newMac);
    }

    /** Pseudonyms under this key (at least {@value #MIN_KEY_BYTES} bytes). */
    public static Pseudonyms withKey(byte[] key) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the key must have at least " + MIN_KEY_BYTES + " bytes");
        }
        return new Pseudonyms(key.clone());
    }

    /**
     * From {@code privacy.pseudonymise}, and the key in {@code privacy.hmac-key} (its UTF-8 bytes) or the file
     * named by {@code privacy.hmac-key-file} (its bytes, a trailing line break dropped); exactly one of the two.
     */
    public static Pseudonyms from(RippleConfig c) {
        if (!c.bool("privacy.pseudonymise")) {
            return NONE;
        }
        String inline = c.string("privacy.hmac-key");
        String file = c.string("privacy.hmac-key-file");
        if (inline.isEmpty() == file.isEmpty()) {
            throw new ConfigException(file.isEmpty() ? "privacy.hmac-key" : "privacy.hmac-key-file",
                    "privacy.pseudonymise=true needs the key in exactly one of privacy.hmac-key and privacy.hmac-key-file");
        }
        String setting = inline.isEmpty() ? "privacy.hmac-key-file" : "privacy.hmac-key";
        byte[] key = inline.isEmpty() ? readKey(Path.of(file)) : inline.getBytes(StandardCharsets.UTF_8);
        if (key.length < MIN_KEY_BYTES) {
            throw new ConfigException(setting, "the key has " + key.length + " bytes; at least " + MIN_KEY_BYTES
                    + " are needed (e.g. openssl rand -base64 32)");
        }
        return new Pseudonyms(key);
    }

    private static byte[] readKey(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            int end = bytes.length;
            // a key written with echo or an editor ends with a line break that is no part of it
            while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
                end--;
            }
            return Arrays.copyOf(bytes, end);
        } catch (IOException e) {
            throw new ConfigException("privacy.hmac-key-file", "cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
        }
    }

    public boolean enabled() {
        return key != null;
    }

    /** The pseudonym of {@code userId}, or the id itself when pseudonymisation is off; null stays null. */
    public String of(String userId) {
        if (key == null || userId == null) {
            return userId;
        }
        byte[] mac = macs.get().doFinal(userId.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(mac, PSEUDONYM_BYTES));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        // never the key
        return enabled() ? "Pseudonyms[HmacSHA256]" : "Pseudonyms[off]";
    }
}
