package io.sentrascan.scanner.pickle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the symbolic machine knows about one stack or memo slot. Only what the analysis needs is
 * modelled: names (to resolve imports), small integers, tuples and dicts (to size joblib arrays),
 * and where a value came from (to tell which import is called). Everything else is {@link #OPAQUE}.
 */
sealed interface Value
    permits Value.Opaque,
        Value.Text,
        Value.Int,
        Value.Global,
        Value.Result,
        Value.Tuple,
        Value.Dict,
        Value.Extension {

  /** Any value the analysis does not need to know. */
  Opaque OPAQUE = new Opaque();

  /** Tuples longer than this are not kept element by element. */
  int MAX_TUPLE = 16;

  /**
   * The only dict keys the analysis reads (a joblib array wrapper's state). Keeping just these
   * bounds memory when a pickle memoizes millions of dicts.
   */
  java.util.Set<String> DICT_KEYS =
      java.util.Set.of("shape", "dtype", "order", "numpy_array_alignment_bytes");

  /** A value whose content does not matter. */
  final class Opaque implements Value {
    private Opaque() {}

    @Override
    public String toString() {
      return "?";
    }
  }

  /**
   * A string.
   *
   * @param complete false when the text is only a prefix
   */
  record Text(String text, boolean complete) implements Value {}

  /** An integer that fits 64 bits. */
  record Int(long value) implements Value {}

  /** The object a GLOBAL, STACK_GLOBAL or INST import resolves to. */
  record Global(ImportRecord record) implements Value {}

  /** The result of calling {@code callee} with {@code args}. */
  record Result(Value callee, Value args) implements Value {
    /** The import whose code produced this value, following call chains. */
    @Nullable ImportRecord origin() {
      Value v = callee;
      for (int i = 0; i < 64; i++) {
        if (v instanceof Global g) {
          return g.record();
        }
        if (v instanceof Result r) {
          v = r.callee();
        } else {
          return null;
        }
      }
      return null;
    }
  }

  /** A tuple whose items are known. */
  record Tuple(List<Value> items) implements Value {
    static Value of(List<Value> items) {
      return items.size() > MAX_TUPLE ? OPAQUE : new Tuple(List.copyOf(items));
    }
  }

  /** A dict built from string keys, mutable as SETITEM fills it. */
  final class Dict implements Value {
    private @Nullable Map<String, Value> entries;

    void put(Value key, Value value) {
      if (key instanceof Text t && DICT_KEYS.contains(t.text())) {
        if (entries == null) {
          entries = new LinkedHashMap<>();
        }
        entries.put(t.text(), value);
      }
    }

    @Nullable Value get(String key) {
      return entries == null ? null : entries.get(key);
    }

    @Override
    public String toString() {
      return String.valueOf(entries);
    }
  }

  /** An object looked up in the copyreg extension registry by code. */
  record Extension(ImportRecord record) implements Value {}

  /** Items of a tuple value, or an empty list when unknown. */
  static List<Value> items(Value v) {
    return v instanceof Tuple t ? t.items() : new ArrayList<>();
  }
}
