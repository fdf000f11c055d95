package io.sentrascan.scanner.pickle;

import org.jspecify.annotations.Nullable;

/** Every opcode of pickle protocols 0 to 5, as CPython's {@code pickletools} documents them. */
enum PickleOpcode {
  MARK('(', Arg.NONE),
  STOP('.', Arg.NONE),
  POP('0', Arg.NONE),
  POP_MARK('1', Arg.NONE),
  DUP('2', Arg.NONE),
  FLOAT('F', Arg.LINE),
  INT('I', Arg.LINE),
  BININT('J', Arg.I4),
  BININT1('K', Arg.U1),
  LONG('L', Arg.LINE),
  BININT2('M', Arg.U2),
  NONE('N', Arg.NONE),
  PERSID('P', Arg.LINE),
  BINPERSID('Q', Arg.NONE),
  REDUCE('R', Arg.NONE),
  STRING('S', Arg.LINE),
  BINSTRING('T', Arg.TEXT_I4),
  SHORT_BINSTRING('U', Arg.TEXT_U1),
  UNICODE('V', Arg.LINE),
  BINUNICODE('X', Arg.TEXT_U4),
  APPEND('a', Arg.NONE),
  BUILD('b', Arg.NONE),
  GLOBAL('c', Arg.LINE_PAIR),
  DICT('d', Arg.NONE),
  EMPTY_DICT('}', Arg.NONE),
  APPENDS('e', Arg.NONE),
  GET('g', Arg.LINE),
  BINGET('h', Arg.U1),
  INST('i', Arg.LINE_PAIR),
  LONG_BINGET('j', Arg.U4),
  LIST('l', Arg.NONE),
  EMPTY_LIST(']', Arg.NONE),
  OBJ('o', Arg.NONE),
  PUT('p', Arg.LINE),
  BINPUT('q', Arg.U1),
  LONG_BINPUT('r', Arg.U4),
  SETITEM('s', Arg.NONE),
  TUPLE('t', Arg.NONE),
  EMPTY_TUPLE(')', Arg.NONE),
  SETITEMS('u', Arg.NONE),
  BINFLOAT('G', Arg.F8),
  PROTO(0x80, Arg.U1),
  NEWOBJ(0x81, Arg.NONE),
  EXT1(0x82, Arg.U1),
  EXT2(0x83, Arg.U2),
  EXT4(0x84, Arg.I4),
  TUPLE1(0x85, Arg.NONE),
  TUPLE2(0x86, Arg.NONE),
  TUPLE3(0x87, Arg.NONE),
  NEWTRUE(0x88, Arg.NONE),
  NEWFALSE(0x89, Arg.NONE),
  LONG1(0x8a, Arg.LONG_U1),
  LONG4(0x8b, Arg.LONG_I4),
  BINBYTES('B', Arg.BYTES_U4),
  SHORT_BINBYTES('C', Arg.BYTES_U1),
  SHORT_BINUNICODE(0x8c, Arg.TEXT_U1),
  BINUNICODE8(0x8d, Arg.TEXT_U8),
  BINBYTES8(0x8e, Arg.BYTES_U8),
  EMPTY_SET(0x8f, Arg.NONE),
  ADDITEMS(0x90, Arg.NONE),
  FROZENSET(0x91, Arg.NONE),
  NEWOBJ_EX(0x92, Arg.NONE),
  STACK_GLOBAL(0x93, Arg.NONE),
  MEMOIZE(0x94, Arg.NONE),
  FRAME(0x95, Arg.U8),
  BYTEARRAY8(0x96, Arg.BYTES_U8),
  NEXT_BUFFER(0x97, Arg.NONE),
  READONLY_BUFFER(0x98, Arg.NONE);

  /** How an opcode's argument is encoded in the stream. */
  enum Arg {
    NONE,
    /** A newline-terminated text line (protocol 0 numbers, strings, memo keys). */
    LINE,
    /** Two newline-terminated lines: module and name. */
    LINE_PAIR,
    U1,
    U2,
    I4,
    U4,
    U8,
    F8,
    /** Text whose length is a 1-, 4- (signed or unsigned) or 8-byte prefix. */
    TEXT_U1,
    TEXT_I4,
    TEXT_U4,
    TEXT_U8,
    /** Bytes whose length is a prefix: skipped by position, never copied. */
    BYTES_U1,
    BYTES_U4,
    BYTES_U8,
    /** A little-endian two's complement integer of 1- or 4-byte prefixed length. */
    LONG_U1,
    LONG_I4
  }

  private static final PickleOpcode[] BY_CODE = new PickleOpcode[256];

  static {
    for (PickleOpcode op : values()) {
      BY_CODE[op.code] = op;
    }
  }

  final int code;
  final Arg arg;

  PickleOpcode(int code, Arg arg) {
    this.code = code;
    this.arg = arg;
  }

  /** The opcode for a byte, or null when no protocol defines it. */
  static @Nullable PickleOpcode of(int code) {
    return BY_CODE[code & 0xff];
  }
}
