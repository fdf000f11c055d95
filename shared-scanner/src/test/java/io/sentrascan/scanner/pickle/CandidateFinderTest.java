package io.sentrascan.scanner.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.Sources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CandidateFinderTest {
  @Test
  void findsPickleHeadersAcrossWindowBoundaries() throws IOException {
    byte[] data = new byte[200_000];
    int[] at = {10, 65_535, 65_536 + 599, 131_000, 199_997};
    for (int p : at) {
      data[p] = (byte) 0x80;
      data[p + 1] = 4;
      data[p + 2] = (byte) 0x95;
    }
    Source src = Sources.bytes(data, "d");
    PickleSession.CandidateFinder finder = new PickleSession.CandidateFinder(src);
    long pos = 0;
    for (int p : at) {
      long found = finder.next(pos, data.length);
      assertThat(found).isEqualTo(p);
      pos = found + 1;
    }
    assertThat(finder.next(pos, data.length)).isEqualTo(-1);
  }

  @Test
  void findsProtocolZeroGlobalsButNotProse() throws IOException {
    byte[] text =
        "music\nand a cat\nsat on it\ncos\nsystem\n(S'id'\ntR.".getBytes(StandardCharsets.UTF_8);
    PickleSession.CandidateFinder finder =
        new PickleSession.CandidateFinder(Sources.bytes(text, "t"));
    assertThat(finder.next(0, text.length))
        .isEqualTo(new String(text, StandardCharsets.UTF_8).indexOf("cos\n"));
  }

  @Test
  void respectsTheEndOfTheRange() throws IOException {
    byte[] data = new byte[1000];
    data[900] = (byte) 0x80;
    data[901] = 2;
    data[902] = 'N';
    PickleSession.CandidateFinder finder =
        new PickleSession.CandidateFinder(Sources.bytes(data, "d"));
    assertThat(finder.next(0, 900)).isEqualTo(-1);
    assertThat(finder.next(0, 901)).isEqualTo(900);
  }
}
