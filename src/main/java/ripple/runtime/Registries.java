package ripple.runtime;

import java.nio.file.Path;
import ripple.config.RippleConfig;
import ripple.registry.HttpSchemaRegistry;
import ripple.serde.SchemaRegistry;

/** The schema registry client for the configured registry. */
public final class Registries {
    private Registries() {
    }

    public static SchemaRegistry http(RippleConfig c) {
        HttpSchemaRegistry.Builder b = HttpSchemaRegistry.builder(c.nonEmpty("schema.registry.url"));
        String userInfo = c.string("schema.registry.basic.auth.user.info");
        if (!userInfo.isBlank()) {
            b.basicAuth(userInfo);
        }
        String trustStore = c.string("schema.registry.ssl.truststore.location");
        if (!trustStore.isBlank()) {
            b.trustStore(Path.of(trustStore), c.string("schema.registry.ssl.truststore.password").toCharArray(), "PKCS12");
        }
        return b.buildCached();
    }
}
