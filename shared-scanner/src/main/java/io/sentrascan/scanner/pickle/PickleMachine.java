package io.sentrascan.scanner.pickle;

import io.sentrascan.scanner.MalformedFileException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Runs one pickle stream symbolically: it keeps the stack, the mark stack and the memo the way
 * CPython's unpickler does, but never imports or calls anything. What it learns goes into a {@link
 * PickleLedger}: which names GLOBAL, STACK_GLOBAL and INST import (through any memo indirection),
 * and which of them the stream calls.
 */
final class PickleMachine {
  static final int MAX_STACK = 1 << 20;
  static final int MAX_MARKS = 1 << 16;
  static final int MAX_MEMO = 1 << 20;
  static final int MAX_NESTING = 4;

  /**
   * Characters of string values kept across the stack and memo; past it strings become opaque (an
   * import built from one is then reported as unresolvable, failing closed).
   */
  static final long MAX_TEXT_CHARS = 16L << 20;

  private static final Pattern DTYPE = Pattern.compile("[<>|=]?([a-zA-Z?])(\\d*)");

  private final PickleLedger ledger;
  private final int nesting;
  private Value[] stack = new Value[64];
  private int sp;
  private int[] marks = new int[16];
  private int mp;
  private Value[] memo = new Value[64];
  private long memoCount;
  private long ops;
  private long textChars;

  /** The outcome of one stream: the protocol it declared and how many opcodes it had. */
  record Outcome(int protocol, long opcodes) {}

  private int protocol;

  PickleMachine(PickleLedger ledger, int nesting) {
    this.ledger = ledger;
    this.nesting = nesting;
  }

  long opcodes() {
    return ops;
  }

  /**
   * Runs until STOP.
   *
   * @throws java.io.EOFException when the stream is cut off
   * @throws MalformedFileException when the stream breaks the unpickler's rules
   * @throws PickleLimitException when a size limit is reached
   */
  Outcome run(PickleOpcodeReader in) throws IOException {
    while (true) {
      PickleOpcode op = in.next();
      if ((++ops & 0xffff) == 0) {
        ledger.deadline.run();
        if (ledger.speculativeOps > 0
            && ops > ledger.speculativeOps
            && !ledger.hasPlausibleImports()) {
          throw new PickleLimitException("speculative parse found no import", in.offset);
        }
      }
      long at = in.offset;
      switch (op) {
        case MARK -> {
          if (mp == marks.length) {
            if (mp >= MAX_MARKS) {
              throw new PickleLimitException("more than " + MAX_MARKS + " nested MARKs", at);
            }
            marks = Arrays.copyOf(marks, mp * 2);
          }
          marks[mp++] = sp;
        }
        case STOP -> {
          pop(at);
          return new Outcome(protocol, ops);
        }
        case POP -> {
          if (sp > fence()) {
            sp--;
          } else if (mp > 0) {
            mp--;
          } else {
            throw underflow(at);
          }
        }
        case POP_MARK -> popMark(at);
        case DUP -> push(peek(at), at);
        case BINBYTES, SHORT_BINBYTES, BINBYTES8, BYTEARRAY8 -> {
          if (in.text != null) {
            ledger.string(in.text, at);
          }
          push(Value.OPAQUE, at);
        }
        case FLOAT, BINFLOAT, NONE, NEWTRUE, NEWFALSE, LONG4, EMPTY_SET, EMPTY_LIST, NEXT_BUFFER ->
            push(Value.OPAQUE, at);
        case INT, BININT, BININT1, BININT2, LONG, LONG1 ->
            push(in.complete ? new Value.Int(in.number) : Value.OPAQUE, at);
        case STRING,
            BINSTRING,
            SHORT_BINSTRING,
            UNICODE,
            BINUNICODE,
            SHORT_BINUNICODE,
            BINUNICODE8 -> {
          String text = nonNull(in.text);
          ledger.string(text, at);
          push(new Value.Text(text, in.complete), at);
        }
        case PERSID -> push(Value.OPAQUE, at);
        case BINPERSID -> {
          pop(at);
          push(Value.OPAQUE, at);
        }
        case REDUCE -> {
          Value args = pop(at);
          Value callee = pop(at);
          call(callee, args, "REDUCE", at);
          push(new Value.Result(callee, args), at);
        }
        case BUILD -> {
          Value state = pop(at);
          Value target = peek(at);
          build(target, state, at, in);
        }
        case GLOBAL -> {
          ImportRecord r = ledger.importName(nonNull(in.text), nonNull(in.text2), op.name(), at);
          push(new Value.Global(r), at);
        }
        case STACK_GLOBAL -> {
          Value name = pop(at);
          Value module = pop(at);
          push(stackGlobal(module, name, at), at);
        }
        case INST -> {
          List<Value> args = popMark(at);
          ImportRecord r = ledger.importName(nonNull(in.text), nonNull(in.text2), op.name(), at);
          r.markCalled("INST", at);
          Value cls = new Value.Global(r);
          push(new Value.Result(cls, Value.Tuple.of(args)), at);
        }
        case OBJ -> {
          List<Value> items = popMark(at);
          if (items.isEmpty()) {
            throw new MalformedFileException("OBJ without a class at offset " + at, at);
          }
          Value cls = items.get(0);
          Value args = Value.Tuple.of(items.subList(1, items.size()));
          call(cls, args, "OBJ", at);
          push(new Value.Result(cls, args), at);
        }
        case NEWOBJ -> {
          Value args = pop(at);
          Value cls = pop(at);
          call(cls, args, "NEWOBJ", at);
          push(new Value.Result(cls, args), at);
        }
        case NEWOBJ_EX -> {
          pop(at); // kwargs
          Value args = pop(at);
          Value cls = pop(at);
          call(cls, args, "NEWOBJ_EX", at);
          push(new Value.Result(cls, args), at);
        }
        case DICT -> {
          List<Value> items = popMark(at);
          Value.Dict d = new Value.Dict();
          for (int i = 0; i + 1 < items.size(); i += 2) {
            d.put(items.get(i), items.get(i + 1));
            ledger.item(items.get(i), items.get(i + 1), at);
          }
          push(d, at);
        }
        case EMPTY_DICT -> push(new Value.Dict(), at);
        case SETITEM -> {
          Value v = pop(at);
          Value k = pop(at);
          if (peek(at) instanceof Value.Dict d) {
            d.put(k, v);
          }
          ledger.item(k, v, at);
        }
        case SETITEMS -> {
          List<Value> items = popMark(at);
          Value target = peek(at);
          if (target instanceof Value.Dict d) {
            for (int i = 0; i + 1 < items.size(); i += 2) {
              d.put(items.get(i), items.get(i + 1));
            }
          }
          for (int i = 0; i + 1 < items.size(); i += 2) {
            ledger.item(items.get(i), items.get(i + 1), at);
          }
        }
        case APPEND -> {
          pop(at);
          peek(at);
        }
        case APPENDS, ADDITEMS -> {
          popMark(at);
          peek(at);
        }
        case LIST, FROZENSET -> {
          popMark(at);
          push(Value.OPAQUE, at);
        }
        case TUPLE -> push(Value.Tuple.of(popMark(at)), at);
        case EMPTY_TUPLE -> push(Value.Tuple.of(List.of()), at);
        case TUPLE1 -> {
          Value a = pop(at);
          push(Value.Tuple.of(List.of(a)), at);
        }
        case TUPLE2 -> {
          Value b = pop(at);
          Value a = pop(at);
          push(Value.Tuple.of(List.of(a, b)), at);
        }
        case TUPLE3 -> {
          Value c = pop(at);
          Value b = pop(at);
          Value a = pop(at);
          push(Value.Tuple.of(List.of(a, b, c)), at);
        }
        case GET, BINGET, LONG_BINGET -> push(memoGet(in.number, at), at);
        case PUT, BINPUT, LONG_BINPUT -> memoPut(in.number, peek(at), at);
        case MEMOIZE -> memoPut(memoCount, peek(at), at);
        case EXT1, EXT2, EXT4 -> {
          ImportRecord r = ledger.extension(in.number, op.name(), at);
          push(new Value.Extension(r), at);
        }
        case PROTO -> {
          if (in.number > 5) {
            throw new MalformedFileException(
                "unsupported pickle protocol " + in.number + " at offset " + at, at);
          }
          protocol = (int) in.number;
          if (ledger.protocol == null) {
            ledger.protocol = protocol;
          }
        }
        case FRAME -> {}
        case READONLY_BUFFER -> peek(at);
      }
    }
  }

  private Value stackGlobal(Value module, Value name, long at) {
    if (module instanceof Value.Text m && name instanceof Value.Text n) {
      return new Value.Global(ledger.importName(m.text(), n.text(), "STACK_GLOBAL", at));
    }
    ledger.problem(
        "PKL-008",
        at,
        "STACK_GLOBAL at offset "
            + at
            + " imports a name built at load time ("
            + describe(module)
            + "."
            + describe(name)
            + "), which the scanner cannot resolve.",
        "STACK_GLOBAL " + describe(module) + " " + describe(name));
    return Value.OPAQUE;
  }

  private void call(Value callee, Value args, String how, long at) {
    ImportRecord r = origin(callee);
    if (r == null) {
      ledger.problem(
          "PKL-008",
          at,
          how
              + " at offset "
              + at
              + " calls a value that is not a resolvable import ("
              + describe(callee)
              + ").",
          how + " on " + describe(callee));
      return;
    }
    r.markCalled(how, at);
    // copyreg helpers call their arguments: the class's __new__, the base's __init__.
    String q = ledger.policy.canonicalModule(r.module) + "." + r.name;
    List<Value> items = Value.items(args);
    if (q.equals("copyreg._reconstructor") && items.size() >= 2) {
      ImportRecord base = origin(items.get(1));
      if (base != null && !base.qualified().equals("builtins.object")) {
        base.markCalled(how + " via copyreg._reconstructor", at);
      }
    } else if (q.startsWith("copyreg.__newobj__") && !items.isEmpty()) {
      ImportRecord cls = origin(items.get(0));
      if (cls != null) {
        cls.markCalled(how + " via " + q, at);
      }
    }
  }

  private void build(Value target, Value state, long at, PickleOpcodeReader in) throws IOException {
    ImportRecord cls = classOf(target);
    if (cls == null) {
      return;
    }
    cls.markCalled("BUILD", at);
    String q = ledger.policy.canonicalModule(cls.module) + "." + cls.name;
    if (q.endsWith("numpy_pickle.NumpyArrayWrapper") && target instanceof Value.Result) {
      ledger.joblib = true;
      joblibArray(state, at, in);
      stack[sp - 1] = Value.OPAQUE;
    }
  }

  /** The class of an instance: the NEWOBJ/REDUCE callee, or copyreg's class argument. */
  private @Nullable ImportRecord classOf(Value v) {
    if (v instanceof Value.Global g) {
      return g.record();
    }
    if (v instanceof Value.Result r) {
      ImportRecord callee = origin(r.callee());
      if (callee != null) {
        String q = ledger.policy.canonicalModule(callee.module) + "." + callee.name;
        List<Value> items = Value.items(r.args());
        if ((q.equals("copyreg._reconstructor") || q.startsWith("copyreg.__newobj__"))
            && !items.isEmpty()) {
          ImportRecord inner = origin(items.get(0));
          return inner != null ? inner : callee;
        }
      }
      return callee;
    }
    return null;
  }

  /**
   * joblib writes an array's raw bytes straight after the BUILD of its NumpyArrayWrapper (and an
   * object array as a nested pickle). Skips them by position, so that they are not read as opcodes.
   */
  private void joblibArray(Value state, long at, PickleOpcodeReader in) throws IOException {
    if (!(state instanceof Value.Dict d)) {
      throw new MalformedFileException(
          "joblib array wrapper at offset " + at + " has no readable state", at);
    }
    Value dtype = d.get("dtype");
    String descr = null;
    if (dtype instanceof Value.Result r
        && Value.items(r.args()).size() > 0
        && Value.items(r.args()).get(0) instanceof Value.Text t) {
      descr = t.text();
    }
    Matcher m = descr == null ? null : DTYPE.matcher(descr);
    if (m == null || !m.matches()) {
      throw new MalformedFileException(
          "joblib array at offset " + at + " has a dtype the scanner cannot size: " + descr, at);
    }
    char kind = m.group(1).charAt(0);
    if (kind == 'O') {
      if (nesting >= MAX_NESTING) {
        throw new PickleLimitException("joblib object arrays nested too deeply", at);
      }
      new PickleMachine(ledger, nesting + 1).run(in);
      return;
    }
    long itemSize =
        m.group(2).isEmpty() ? (kind == 'f' || kind == 'c' ? 8 : 1) : Long.parseLong(m.group(2));
    if (kind == 'U') {
      itemSize *= 4;
    }
    long count = 1;
    Value shape = d.get("shape");
    if (!(shape instanceof Value.Tuple)) {
      throw new MalformedFileException("joblib array at offset " + at + " has no shape", at);
    }
    try {
      for (Value dim : Value.items(shape)) {
        if (!(dim instanceof Value.Int i) || i.value() < 0) {
          throw new MalformedFileException(
              "joblib array at offset " + at + " has a shape the scanner cannot read", at);
        }
        count = Math.multiplyExact(count, i.value());
      }
      long bytes = Math.multiplyExact(count, itemSize);
      if (d.get("numpy_array_alignment_bytes") instanceof Value.Int) {
        int padding = in.readByte();
        if (padding < 0) {
          throw new java.io.EOFException("joblib array padding cut off at offset " + at);
        }
        in.skip(padding);
      }
      in.skip(bytes);
    } catch (ArithmeticException e) {
      throw new MalformedFileException("joblib array at offset " + at + " is impossibly large", at);
    }
  }

  private @Nullable ImportRecord origin(Value v) {
    if (v instanceof Value.Global g) {
      return g.record();
    }
    if (v instanceof Value.Result r) {
      return r.origin();
    }
    if (v instanceof Value.Extension e) {
      return e.record();
    }
    return null;
  }

  private static String describe(Value v) {
    if (v instanceof Value.Text t) {
      return "'" + t.text() + (t.complete() ? "'" : "…'");
    }
    if (v instanceof Value.Global g) {
      return g.record().qualified();
    }
    if (v instanceof Value.Result r) {
      ImportRecord o = r.origin();
      return o == null ? "the result of a call" : "the result of calling " + o.qualified();
    }
    if (v instanceof Value.Int i) {
      return Long.toString(i.value());
    }
    return "a value of unknown origin";
  }

  private int fence() {
    return mp == 0 ? 0 : marks[mp - 1];
  }

  private void push(Value v, long at) throws PickleLimitException {
    if (sp == stack.length) {
      if (sp >= MAX_STACK) {
        throw new PickleLimitException("pickle stack deeper than " + MAX_STACK, at);
      }
      stack = Arrays.copyOf(stack, sp * 2);
    }
    stack[sp++] = v;
  }

  private Value pop(long at) throws MalformedFileException {
    if (sp <= fence()) {
      throw underflow(at);
    }
    Value v = stack[--sp];
    stack[sp] = null;
    return v;
  }

  private Value peek(long at) throws MalformedFileException {
    if (sp <= fence()) {
      throw underflow(at);
    }
    return stack[sp - 1];
  }

  private List<Value> popMark(long at) throws MalformedFileException {
    if (mp == 0) {
      throw new MalformedFileException("no MARK on the pickle stack at offset " + at, at);
    }
    int base = marks[--mp];
    List<Value> items = new ArrayList<>(Math.min(sp - base, Value.MAX_TUPLE + 1));
    for (int i = base; i < sp; i++) {
      if (items.size() <= Value.MAX_TUPLE) {
        items.add(stack[i]);
      }
      stack[i] = null;
    }
    sp = base;
    return items;
  }

  private Value memoGet(long index, long at) throws MalformedFileException {
    Value v = index >= 0 && index < memo.length ? memo[(int) index] : null;
    if (v == null) {
      throw new MalformedFileException(
          "memo key " + index + " is read before it is written, at offset " + at, at);
    }
    return v;
  }

  private void memoPut(long index, Value v, long at) throws IOException {
    if (index < 0) {
      throw new MalformedFileException("negative memo key at offset " + at, at);
    }
    if (index >= MAX_MEMO) {
      throw new PickleLimitException("memo key " + index + " over the limit of " + MAX_MEMO, at);
    }
    if (index >= memo.length) {
      memo = Arrays.copyOf(memo, (int) Math.min(MAX_MEMO, Math.max(index + 1, memo.length * 2L)));
    }
    if (memo[(int) index] == null) {
      memoCount++;
    }
    if (v instanceof Value.Text t) {
      textChars += t.text().length();
      if (textChars > MAX_TEXT_CHARS) {
        v = Value.OPAQUE;
      }
    }
    memo[(int) index] = v;
  }

  private static MalformedFileException underflow(long at) {
    return new MalformedFileException("pickle stack underflow at offset " + at, at);
  }

  private static String nonNull(@Nullable String s) {
    return s == null ? "" : s;
  }
}
