package io.sentrascan.scanner.container;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EntryPathsTest {
  @Test
  void absoluteInEveryStyle() {
    assertThat(EntryPaths.isAbsolute("/etc/passwd")).isTrue();
    assertThat(EntryPaths.isAbsolute("\\\\server\\share\\x")).isTrue();
    assertThat(EntryPaths.isAbsolute("C:\\Windows\\x")).isTrue();
    assertThat(EntryPaths.isAbsolute("c:x")).isTrue();
    assertThat(EntryPaths.isAbsolute("model/config.json")).isFalse();
    assertThat(EntryPaths.isAbsolute("1:x")).isFalse();
  }

  @Test
  void parentSegmentsAfterNormalising() {
    assertThat(EntryPaths.hasParentSegment("../x")).isTrue();
    assertThat(EntryPaths.hasParentSegment("a/..\\..\\x")).isTrue();
    assertThat(EntryPaths.hasParentSegment("a/.. /x")).isTrue();
    assertThat(EntryPaths.hasParentSegment("a/..b/x")).isFalse();
    assertThat(EntryPaths.hasParentSegment("a/b..")).isFalse();
  }

  @Test
  void linkTargetsResolveFromTheirFolder() {
    assertThat(EntryPaths.escapes("a/b/link", "../c", true)).isFalse();
    assertThat(EntryPaths.escapes("a/b/link", "../../../c", true)).isTrue();
    assertThat(EntryPaths.escapes("a/link", "/etc/passwd", true)).isTrue();
    assertThat(EntryPaths.escapes("a/link", "./x/../y", true)).isFalse();
    assertThat(EntryPaths.escapes("a/b/hard", "a/x", false)).isFalse();
    assertThat(EntryPaths.escapes("a/b/hard", "../x", false)).isTrue();
  }
}
