package io.sentrascan.scanner.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * License texts are recognised by their key phrases. Every file in {@code
 * src/test/resources/licenses/} is named {@code <expected>--<variant>.<ext>}: the catalog keys it
 * must match, joined by {@code +}, or {@code none} for a near miss that must match nothing (MIT-0,
 * 0BSD, BSD-4-Clause, a proprietary notice). A new fixture is a new test with no code.
 */
class LicenseCatalogTest {
  static final Path ROOT = Path.of("src/test/resources/licenses");

  static Stream<Path> fixtures() throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> list = Files.list(ROOT)) {
      list.filter(p -> p.getFileName().toString().contains("--")).sorted().forEach(out::add);
    }
    assertThat(out).as("license fixtures under " + ROOT.toAbsolutePath()).hasSizeGreaterThan(30);
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void eachLicenseTextMatchesExactlyItsLicense(Path fixture) throws IOException {
    String name = fixture.getFileName().toString();
    String expected = name.substring(0, name.indexOf("--"));
    List<String> keys = expected.equals("none") ? List.of() : Arrays.asList(expected.split("\\+"));
    String text = Files.readString(fixture, StandardCharsets.UTF_8);
    List<String> found =
        LicenseCatalog.defaults().match(text).stream().map(m -> m.entry().key()).toList();
    assertThat(found).as(name).containsExactlyInAnyOrderElementsOf(keys);
  }

  @Test
  void everyFamilyOfTheBriefHasAFixture() throws IOException {
    Set<String> covered;
    try (Stream<Path> list = Files.list(ROOT)) {
      covered =
          list.map(p -> p.getFileName().toString())
              .filter(n -> n.contains("--"))
              .flatMap(n -> Arrays.stream(n.substring(0, n.indexOf("--")).split("\\+")))
              .collect(Collectors.toSet());
    }
    assertThat(covered)
        .contains(
            "Apache-2.0",
            "MIT",
            "BSD-2-Clause",
            "BSD-3-Clause",
            "ISC",
            "MPL-2.0",
            "LGPL-2.1-only",
            "LGPL-3.0-only",
            "GPL-2.0-only",
            "GPL-3.0-only",
            "AGPL-3.0-only",
            "CC-BY-4.0",
            "CC-BY-SA-4.0",
            "CC-BY-NC-4.0",
            "CC-BY-NC-SA-4.0",
            "CC0-1.0",
            "Unlicense",
            "OpenRAIL-M",
            "BigScience-BLOOM-RAIL-1.0",
            "CreativeML-OpenRAIL-M",
            "Llama-2",
            "Llama-3",
            "Llama-3.1",
            "Llama-3.2",
            "Gemma",
            "none");
  }

  @Test
  void layoutCaseBulletsAndCopyrightLinesDoNotMatter() {
    String mit =
        "  # MIT LICENSE\n* Copyright (c) 1999-2024 Someone Else <x@y.z>\n"
            + "PERMISSION IS HEREBY GRANTED,\tFREE OF CHARGE, TO ANY PERSON OBTAINING A\r\n"
            + "COPY OF THIS SOFTWARE ...\n- The above copyright notice and this permission"
            + " notice shall be\n   included in all copies or substantial portions of the"
            + " Software.";
    assertThat(LicenseCatalog.defaults().match(mit))
        .extracting(m -> m.entry().key())
        .containsExactly("MIT");
    assertThat(
            LicenseCatalog.normalise(
                "1. Version 2.0, and/or\n(b) ©2024 x\nCopyright 2024 me\ncopyright notice"))
        .isEqualTo("version 2 0 and or copyright notice");
  }

  @Test
  void phrasesInTheDataAreAlreadyNormalised() {
    for (LicenseCatalog.Entry e : LicenseCatalog.defaults().entries()) {
      for (LicenseCatalog.Signature s : e.signatures()) {
        for (String p : s.phrases()) {
          assertThat(LicenseCatalog.normalise(p)).as(e.key()).isEqualTo(p);
        }
      }
      for (String p : e.unless()) {
        assertThat(LicenseCatalog.normalise(p)).as(e.key()).isEqualTo(p);
      }
    }
  }

  @Test
  void everyClassIsUsedAndUnknownIsForWhatIsNotListed() {
    Set<LicenseClass> used = EnumSet.noneOf(LicenseClass.class);
    LicenseCatalog.defaults().entries().forEach(e -> used.add(e.licenseClass()));
    assertThat(used).containsAll(EnumSet.complementOf(EnumSet.of(LicenseClass.UNKNOWN)));
    assertThat(LicenseCatalog.defaults().classOf("a-license-of-my-own"))
        .isEqualTo(LicenseClass.UNKNOWN);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "apache-2.0, permissive",
    "MIT, permissive",
    "bsd-3-clause, permissive",
    "cc-by-4.0, permissive",
    "cc0-1.0, permissive",
    "unlicense, permissive",
    "mpl-2.0, weak-copyleft",
    "lgpl-2.1, weak-copyleft",
    "lgpl-3.0, weak-copyleft",
    "gpl-2.0, copyleft",
    "gpl-3.0, copyleft",
    "agpl-3.0, copyleft",
    "cc-by-sa-4.0, copyleft",
    "cc-by-nc-4.0, non-commercial",
    "cc-by-nc-sa-4.0, non-commercial",
    "openrail, restricted-use",
    "openrail++, restricted-use",
    "creativeml-openrail-m, restricted-use",
    "bigscience-bloom-rail-1.0, restricted-use",
    "bigscience-openrail-m, restricted-use",
    "llama2, restricted-use",
    "llama3, restricted-use",
    "llama3.1, restricted-use",
    "llama3.2, restricted-use",
    "gemma, restricted-use",
    "other, unknown",
    "bsd, unknown",
  })
  void cardValuesAreClassified(String value, String cls) {
    assertThat(LicenseCatalog.defaults().classOf(value).id()).isEqualTo(cls);
  }

  @Test
  void classesParseFromPolicyValues() {
    assertThat(LicenseClass.parse("Non-Commercial")).isEqualTo(LicenseClass.NON_COMMERCIAL);
    assertThat(LicenseClass.parse("weak_copyleft")).isEqualTo(LicenseClass.WEAK_COPYLEFT);
    assertThat(LicenseClass.parse("restricteduse")).isEqualTo(LicenseClass.RESTRICTED_USE);
    assertThat(LicenseClass.parse("free")).isNull();
  }
}
