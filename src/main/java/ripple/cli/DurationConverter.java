package ripple.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import ripple.config.RippleConfig;

/**
 * Duration flags read as settings do ({@link RippleConfig#parseDuration}): {@code 60} is a minute, as are
 * {@code 60s}, {@code 1m} and {@code PT1M}. A bad value is a usage error that picocli reports naming the flag.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return RippleConfig.parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("'" + value + "': " + e.getMessage());
        }
    }
}
