package ripple.arch;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Keeps the product's packages free of cycles (as {@code jdeps -verbose:package target/classes} shows them): a
 * cycle ties packages together so that none can be read, tested or changed alone.
 */
class PackageCyclesTest {
    private static final JavaClasses PRODUCT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("ripple");

    @Test
    void noPackageDependsOnItselfThroughOthers() {
        slices().matching("ripple.(*)..").should().beFreeOfCycles().check(PRODUCT);
    }

    @Test
    void theGuardSeesTheProduct() {
        // an empty import would pass any rule: make sure the classes were found
        org.assertj.core.api.Assertions.assertThat(PRODUCT.containPackage("ripple.scoring")).isTrue();
        org.assertj.core.api.Assertions.assertThat(PRODUCT.size()).isGreaterThan(100);
    }
}
