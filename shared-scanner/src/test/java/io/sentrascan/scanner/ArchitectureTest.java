package io.sentrascan.scanner;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The architecture rules of STYLE.md, enforced. */
class ArchitectureTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.sentrascan");

  @Test
  void formatPackagesDoNotImportEachOther() {
    SlicesRuleDefinition.slices()
        .matching("io.sentrascan.scanner.format.(*)..")
        .should()
        .notDependOnEachOther()
        .allowEmptyShould(true)
        .check(MAIN);
  }

  @Test
  void theScannerLibraryHasNoAwsOrLambdaCode() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("software.amazon..", "com.amazonaws..")
        .check(MAIN);
  }

  @Test
  void theLibraryDoesNotDependOnTheCli() {
    noClasses()
        .that()
        .resideInAPackage("io.sentrascan.scanner..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.sentrascan.cli..")
        .check(MAIN);
  }

  @Test
  void nothingEvaluatesScriptsOrDeserializesJavaObjects() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.io.ObjectInputStream")
        .orShould()
        .dependOnClassesThat()
        .resideInAPackage("javax.script..")
        .check(MAIN);
  }

  @Test
  void everyScannerImplementationIsRegistered() {
    Set<String> implementations =
        MAIN.stream()
            .filter(c -> c.isAssignableTo(Scanner.class))
            .filter(
                c ->
                    !c.isInterface()
                        && !c.getModifiers()
                            .contains(com.tngtech.archunit.core.domain.JavaModifier.ABSTRACT))
            .filter(c -> !c.isAnonymousClass())
            .map(JavaClass::getName)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> registered =
        Scanners.defaults().stream()
            .map(s -> s.getClass().getName())
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(registered).isEqualTo(implementations);
  }

  @Test
  void scannerNamesAreUniqueAndVersioned() {
    Set<String> names = new TreeSet<>();
    for (Scanner s : Scanners.defaults()) {
      assertThat(names.add(s.name())).as("duplicate scanner name " + s.name()).isTrue();
      assertThat(s.version()).as(s.name() + " version").isNotBlank();
    }
  }
}
