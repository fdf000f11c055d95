package io.sentrascan.scanner.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Sources;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PickleOpcodeReaderTest {
  /** Every opcode of pickletools once, each with an argument of its kind. */
  static byte[] everyOpcode() {
    return PickleBytes.of()
        .proto(5) // PROTO
        .op(0x95)
        .u64(0) // FRAME
        .op('(') // MARK
        .op('0') // POP (pops the mark)
        .op('N') // NONE
        .op('2') // DUP
        .op('0') // POP
        .op('1') // POP_MARK needs a mark
        .ascii("F1.5\n") // FLOAT
        .ascii("I42\n") // INT
        .op('J')
        .u32(-7) // BININT
        .op('K', 200) // BININT1
        .ascii("L123456789012345678901234567890L\n") // LONG
        .op('M')
        .u16(65535) // BININT2
        .ascii("Ppid\n") // PERSID
        .op('Q') // BINPERSID
        .op('R') // REDUCE
        .ascii("S'a\\x41'\n") // STRING
        .op('T')
        .u32(3)
        .ascii("abc") // BINSTRING
        .op('U', 2)
        .ascii("de") // SHORT_BINSTRING
        .ascii("Vunicode\\u00e9\n") // UNICODE
        .op('X')
        .u32(2)
        .ascii("fg") // BINUNICODE
        .op(']') // EMPTY_LIST
        .op('N')
        .op('a') // APPEND
        .op('}') // EMPTY_DICT
        .op('b') // BUILD
        .ascii("cmod\nname\n") // GLOBAL
        .op('(')
        .op('d') // DICT
        .op('(')
        .op('e') // APPENDS
        .ascii("p7\n") // PUT
        .ascii("g7\n") // GET
        .op('q', 3) // BINPUT
        .op('h', 3) // BINGET
        .op('r')
        .u32(4) // LONG_BINPUT
        .op('j')
        .u32(4) // LONG_BINGET
        .op('(')
        .ascii("imod\ncls\n") // INST
        .op('(')
        .op('l') // LIST
        .op('(')
        .ascii("cmod\ncls\n")
        .op('o') // OBJ
        .op('}')
        .op('N', 'N', 's') // SETITEM
        .op('(')
        .op('t') // TUPLE
        .op(')') // EMPTY_TUPLE
        .op('(')
        .op('u') // SETITEMS
        .op('G')
        .u64(Double.doubleToLongBits(2.5)) // BINFLOAT
        .op(0x81) // NEWOBJ
        .op(0x82, 1) // EXT1
        .op(0x83)
        .u16(2) // EXT2
        .op(0x84)
        .u32(3) // EXT4
        .op(0x85) // TUPLE1
        .op(0x86) // TUPLE2
        .op(0x87) // TUPLE3
        .op(0x88) // NEWTRUE
        .op(0x89) // NEWFALSE
        .op(0x8a, 2, 0xff, 0x7f) // LONG1
        .op(0x8b)
        .u32(1)
        .op(5) // LONG4
        .op('B')
        .u32(4)
        .ascii("wxyz") // BINBYTES
        .op('C', 1)
        .ascii("v") // SHORT_BINBYTES
        .op(0x8c, 3)
        .ascii("abc") // SHORT_BINUNICODE
        .op(0x8d)
        .u64(2)
        .ascii("hi") // BINUNICODE8
        .op(0x8e)
        .u64(3)
        .ascii("raw") // BINBYTES8
        .op(0x8f) // EMPTY_SET
        .op('(')
        .op(0x90) // ADDITEMS
        .op('(')
        .op(0x91) // FROZENSET
        .op(0x92) // NEWOBJ_EX
        .op(0x93) // STACK_GLOBAL
        .op(0x94) // MEMOIZE
        .op(0x96)
        .u64(5)
        .ascii("12345") // BYTEARRAY8
        .op(0x97) // NEXT_BUFFER
        .op(0x98) // READONLY_BUFFER
        .op('.') // STOP
        .bytes();
  }

  private static List<PickleOpcode> decodeAll(byte[] data) throws IOException {
    PickleOpcodeReader in = new PickleOpcodeReader(Sources.bytes(data, "t"), 0, Long.MAX_VALUE);
    List<PickleOpcode> ops = new ArrayList<>();
    PickleOpcode op;
    do {
      op = in.next();
      ops.add(op);
    } while (op != PickleOpcode.STOP);
    assertThat(in.position()).isEqualTo(data.length);
    return ops;
  }

  @Test
  void decodesEveryOpcodeOfProtocolsZeroToFive() throws IOException {
    List<PickleOpcode> ops = decodeAll(everyOpcode());
    Set<PickleOpcode> seen = EnumSet.copyOf(ops);
    assertThat(seen).containsExactlyInAnyOrder(PickleOpcode.values());
    assertThat(PickleOpcode.values()).hasSize(68);
  }

  @Test
  void decodesArguments() throws IOException {
    byte[] data =
        PickleBytes.of()
            .ascii("cos\nsystem\n")
            .ascii("S'it\\'s'\n")
            .op('J')
            .u32(-2)
            .op(0x8a, 1, 0xff)
            .ascii("Vcaf\\u00e9\n")
            .op('B')
            .u32(5)
            .ascii("xxxxx")
            .stop()
            .bytes();
    PickleOpcodeReader in = new PickleOpcodeReader(Sources.bytes(data, "t"), 0, Long.MAX_VALUE);
    assertThat(in.next()).isEqualTo(PickleOpcode.GLOBAL);
    assertThat(in.text).isEqualTo("os");
    assertThat(in.text2).isEqualTo("system");
    assertThat(in.offset).isZero();
    assertThat(in.next()).isEqualTo(PickleOpcode.STRING);
    assertThat(in.text).isEqualTo("it's");
    assertThat(in.next()).isEqualTo(PickleOpcode.BININT);
    assertThat(in.number).isEqualTo(-2);
    assertThat(in.next()).isEqualTo(PickleOpcode.LONG1);
    assertThat(in.number).isEqualTo(-1);
    assertThat(in.next()).isEqualTo(PickleOpcode.UNICODE);
    assertThat(in.text).isEqualTo("café");
    assertThat(in.next()).isEqualTo(PickleOpcode.BINBYTES);
    assertThat(in.number).isEqualTo(5);
    assertThat(in.next()).isEqualTo(PickleOpcode.STOP);
  }

  @Test
  void keepsOnlyAPrefixOfLongStrings() throws IOException {
    String big = "m".repeat(100_000);
    byte[] data = PickleBytes.of().unicode(big).stop().bytes();
    PickleOpcodeReader in = new PickleOpcodeReader(Sources.bytes(data, "t"), 0, Long.MAX_VALUE);
    in.next();
    assertThat(in.text).hasSize(PickleOpcodeReader.TEXT_PREFIX);
    assertThat(in.complete).isFalse();
    assertThat(in.next()).isEqualTo(PickleOpcode.STOP);
  }

  @Test
  void skipsLargePayloadsWithoutReadingThem() throws IOException {
    long huge = 3L << 30;
    byte[] header = PickleBytes.of().proto(4).op(0x8e).u64(huge).bytes();
    // A source that claims 3 GB of payload but fails if the payload is read.
    io.sentrascan.scanner.Source sparse =
        new io.sentrascan.scanner.Source() {
          @Override
          public long size() {
            return header.length + huge + 1;
          }

          @Override
          public String displayPath() {
            return "sparse";
          }

          @Override
          public int read(long position, byte[] buf, int off, int len) {
            if (position < header.length) {
              int n = (int) Math.min(len, header.length - position);
              System.arraycopy(header, (int) position, buf, off, n);
              return n;
            }
            if (position == header.length + huge) {
              buf[off] = '.';
              return 1;
            }
            throw new AssertionError("payload read at " + position);
          }
        };
    PickleOpcodeReader in = new PickleOpcodeReader(sparse, 0, Long.MAX_VALUE);
    assertThat(in.next()).isEqualTo(PickleOpcode.PROTO);
    assertThat(in.next()).isEqualTo(PickleOpcode.BINBYTES8);
    assertThat(in.number).isEqualTo(huge);
    assertThat(in.next()).isEqualTo(PickleOpcode.STOP);
  }

  @Test
  void truncationIsAnEofAtEveryArgumentKind() {
    byte[] full = everyOpcode();
    int eofs = 0;
    for (int cut = 1; cut < full.length; cut++) {
      byte[] part = java.util.Arrays.copyOf(full, cut);
      assertThatThrownBy(() -> decodeAll(part)).isInstanceOf(EOFException.class);
      eofs++;
    }
    assertThat(eofs).isEqualTo(full.length - 1);
  }

  @Test
  void unknownOpcodeIsMalformedWithItsOffset() {
    byte[] data = PickleBytes.of().proto(2).op('N').op(0xff).bytes();
    assertThatThrownBy(() -> decodeAll(data))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("0xff")
        .satisfies(e -> assertThat(((MalformedFileException) e).offset()).isEqualTo(3));
  }

  @Test
  void negativeLengthsAndUnquotedStringsAreMalformed() {
    byte[] negative = PickleBytes.of().op('T').u32(-1).stop().bytes();
    assertThatThrownBy(() -> decodeAll(negative)).isInstanceOf(MalformedFileException.class);
    byte[] unquoted = PickleBytes.of().ascii("Sabc\n").stop().bytes();
    assertThatThrownBy(() -> decodeAll(unquoted)).isInstanceOf(MalformedFileException.class);
    byte[] badInt = PickleBytes.of().ascii("Ixyz\n").stop().bytes();
    assertThatThrownBy(() -> decodeAll(badInt)).isInstanceOf(MalformedFileException.class);
  }

  @Test
  void stopsAtTheReadLimit() {
    byte[] data = PickleBytes.of().unicode("x".repeat(200_000)).stop().bytes();
    assertThatThrownBy(
            () -> {
              PickleOpcodeReader in = new PickleOpcodeReader(Sources.bytes(data, "t"), 0, 1000);
              while (in.next() != PickleOpcode.STOP) {
                // keep reading
              }
            })
        .isInstanceOf(PickleLimitException.class);
  }
}
