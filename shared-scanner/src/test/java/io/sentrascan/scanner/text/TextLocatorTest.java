package io.sentrascan.scanner.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.Location;
import org.junit.jupiter.api.Test;

class TextLocatorTest {
  @Test
  void linesColumnsAndUtf8ByteOffsets() {
    String text = "ab\r\né€\n\n😀x";
    TextLocator at = new TextLocator(text, new Location("f", 10, null));
    int x = text.indexOf('x');
    assertThat(at.line(x)).isEqualTo(4);
    assertThat(at.column(x)).isEqualTo(3); // the emoji is two UTF-16 units
    // 10 + "ab\r\n" (4) + "é€\n" (2 + 3 + 1) + "\n" (1) + emoji (4)
    assertThat(at.at(x).offset()).isEqualTo(25);
    assertThat(at.at(x).context()).isEqualTo("line 4, column 3");
    assertThat(at.at(0).offset()).isEqualTo(10); // going back works too
    assertThat(at.lineStart(text.indexOf('€'))).isEqualTo(4);
    assertThat(at.lineEnd(4, 100)).isEqualTo(6);
    assertThat(at.lineEnd(0, 1)).isEqualTo(1);
  }

  @Test
  void decodedTextHasNoByteOffsetButKeepsItsContext() {
    TextLocator at = new TextLocator("a\nb", new Location("nb.ipynb", -1, "cells[2]"));
    Location b = at.at(2);
    assertThat(b.offset()).isEqualTo(-1);
    assertThat(b.context()).isEqualTo("cells[2] line 2, column 1");
  }

  @Test
  void aLoneCarriageReturnEndsALine() {
    TextLocator at = new TextLocator("a\rb", Location.of("f"));
    assertThat(at.line(2)).isEqualTo(2);
  }
}
