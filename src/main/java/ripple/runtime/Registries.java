package ripple.runtime;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ripple.config.ConfigException;
import ripple.config.RippleConfig;
import ripple.registry.HttpSchemaRegistry;
import ripple.serde.SchemaRegistry;

/**
 * The schema registry client for the configured registry. Authentication takes Confluent's client settings, after
 * {@code schema.registry.}: {@code basic.auth.credentials.source} USER_INFO ({@code basic.auth.user.info}), URL
 * (the user info of {@code schema.registry.url}) or SASL_INHERIT (the PLAIN/SCRAM credentials of
 * {@code kafka.sasl.jaas.config}); {@code bearer.auth.credentials.source} STATIC_TOKEN ({@code bearer.auth.token},
 * with {@code bearer.auth.logical.cluster} and {@code bearer.auth.identity.pool.id} for Confluent Cloud).
 */
public final class Registries {
    private static final Pattern JAAS_USER = Pattern.compile("username\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern JAAS_PASSWORD = Pattern.compile("password\\s*=\\s*\"([^\"]*)\"");

    private Registries() {
    }

    public static SchemaRegistry http(RippleConfig c) {
        HttpSchemaRegistry.Builder b = builder(c);
        try {
            return b.buildCached();
        } catch (IllegalArgumentException e) {
            // the trust store is loaded when the client is built
            throw new ConfigException("schema.registry.ssl.truststore.location", e.getMessage());
        }
    }

    /** The client's builder with every registry setting applied; for tests and callers wanting the bare client. */
    public static HttpSchemaRegistry.Builder builder(RippleConfig c) {
        String url = c.nonEmpty("schema.registry.url");
        String bearerSource = c.string("schema.registry.bearer.auth.credentials.source").trim().toUpperCase(Locale.ROOT);
        String basic = basicUserInfo(c, url);
        HttpSchemaRegistry.Builder b;
        try {
            b = HttpSchemaRegistry.builder(url.contains("@") ? withoutUserInfo(url) : url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("schema.registry.url", e.getMessage());
        }
        if (!bearerSource.isEmpty()) {
            if (!basic.isBlank()) {
                throw new ConfigException("schema.registry.bearer.auth.credentials.source",
                        "basic and bearer authentication are both configured; choose one");
            }
            if (!bearerSource.equals("STATIC_TOKEN")) {
                throw new ConfigException("schema.registry.bearer.auth.credentials.source", "invalid value '"
                        + bearerSource + "': only STATIC_TOKEN is supported (fetch OAuth tokens outside Ripple)");
            }
            b.bearerAuth(c.nonEmpty("schema.registry.bearer.auth.token"),
                    c.string("schema.registry.bearer.auth.logical.cluster"),
                    c.string("schema.registry.bearer.auth.identity.pool.id"));
        } else if (!basic.isBlank()) {
            try {
                b.basicAuth(basic);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("schema.registry.basic.auth.user.info", e.getMessage());
            }
        }
        String trustStore = c.string("schema.registry.ssl.truststore.location");
        if (!trustStore.isBlank()) {
            b.trustStore(Path.of(trustStore), c.string("schema.registry.ssl.truststore.password").toCharArray(), "PKCS12");
        }
        return b;
    }

    /** user:password by basic.auth.credentials.source, or empty. */
    private static String basicUserInfo(RippleConfig c, String url) {
        String source = c.string("schema.registry.basic.auth.credentials.source").trim().toUpperCase(Locale.ROOT);
        switch (source) {
            case "", "USER_INFO" -> {
                return c.string("schema.registry.basic.auth.user.info");
            }
            case "URL" -> {
                String userInfo = java.net.URI.create(url.split(",")[0].trim()).getRawUserInfo();
                if (userInfo == null) {
                    throw new ConfigException("schema.registry.basic.auth.credentials.source",
                            "URL needs user:password@ in schema.registry.url");
                }
                return java.net.URLDecoder.decode(userInfo, java.nio.charset.StandardCharsets.UTF_8);
            }
            case "SASL_INHERIT" -> {
                String jaas = c.asMap().getOrDefault(RippleConfig.KAFKA_PREFIX + "sasl.jaas.config", "");
                Matcher user = JAAS_USER.matcher(jaas);
                Matcher password = JAAS_PASSWORD.matcher(jaas);
                if (!user.find() || !password.find()) {
                    throw new ConfigException("schema.registry.basic.auth.credentials.source",
                            "SASL_INHERIT needs username=\"...\" and password=\"...\" in kafka.sasl.jaas.config");
                }
                return user.group(1) + ":" + password.group(1);
            }
            default -> throw new ConfigException("schema.registry.basic.auth.credentials.source",
                    "invalid value '" + source + "': expected USER_INFO, URL or SASL_INHERIT");
        }
    }

    private static String withoutUserInfo(String urls) {
        StringBuilder out = new StringBuilder();
        for (String u : urls.split(",")) {
            java.net.URI uri = java.net.URI.create(u.trim());
            String plain = uri.getScheme() + "://" + uri.getRawAuthority().substring(uri.getRawAuthority().indexOf('@') + 1)
                    + (uri.getRawPath() == null ? "" : uri.getRawPath());
            out.append(out.length() == 0 ? "" : ",").append(plain);
        }
        return out.toString();
    }
}
