package ripple.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import ripple.dev.DevStack;
import ripple.dev.EmbeddedKafka;
import ripple.dev.LocalStack;
import ripple.testing.LocalStackExtension;

/**
 * A test that starts a broker is slow and needs free ports: its name ends in {@code IntegrationTest} and it carries
 * the {@code integration} tag, so that {@code -Dsurefire.excludedGroups=...,integration} leaves every one out.
 */
class IntegrationTestNamesTest {
    private static final JavaClasses TESTS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
            .importPackages("ripple");

    private static final DescribedPredicate<JavaAnnotation<?>> INTEGRATION_TAG =
            DescribedPredicate.describe("@Tag(\"integration\")", a -> a.getRawType().isEquivalentTo(Tag.class)
                    && "integration".equals(a.get("value").orElse(null)));

    private static final Set<String> BROKERS = Set.of(EmbeddedKafka.class.getName(), LocalStack.class.getName(),
            LocalStackExtension.class.getName(), DevStack.class.getName());

    private static final DescribedPredicate<JavaClass> START_A_BROKER = DescribedPredicate.describe(
            "start a broker (EmbeddedKafka, LocalStack, LocalStackExtension, DevStack)",
            c -> c.getDirectDependenciesFromSelf().stream().anyMatch(d -> BROKERS.contains(d.getTargetClass().getName())));

    @Test
    void everyTestThatStartsABrokerIsNamedAndTaggedAsAnIntegrationTest() {
        classes().that(START_A_BROKER).and().areTopLevelClasses().and().resideOutsideOfPackages("ripple.testing..", "ripple.arch..")
                .should().haveSimpleNameEndingWith("IntegrationTest")
                .andShould().beAnnotatedWith(INTEGRATION_TAG)
                .check(TESTS);
    }

    @Test
    void theRuleSeesTheIntegrationTests() {
        // an import that found no test classes would pass any rule
        assertThat(TESTS.contain("ripple.scoring.ScorerIntegrationTest")).isTrue();
    }
}
