package io.sentrascan.scanner.format.rds;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.ScanContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Walks the SEXP records of an R serialization (format versions 2 and 3, as {@code saveRDS} and
 * {@code save} write them) without building any R object, following R's {@code ReadItem}: vector
 * data is skipped by length, pairlists are followed iteratively, and nesting, item counts and the
 * reference table are bounded. What it notices is kept for the scanner to report.
 */
final class RSerializationWalker {
  static final int MAX_DEPTH = 400;
  static final int MAX_REFS = 1_000_000;
  private static final int NAME_CHARS = 256;

  // SEXP types (Rinternals.h) and serialization pseudo-types (serialize.c).
  static final int SYMSXP = 1;
  static final int LISTSXP = 2;
  static final int CLOSXP = 3;
  static final int ENVSXP = 4;
  static final int PROMSXP = 5;
  static final int LANGSXP = 6;
  static final int SPECIALSXP = 7;
  static final int BUILTINSXP = 8;
  static final int CHARSXP = 9;
  static final int LGLSXP = 10;
  static final int INTSXP = 13;
  static final int REALSXP = 14;
  static final int CPLXSXP = 15;
  static final int STRSXP = 16;
  static final int DOTSXP = 17;
  static final int VECSXP = 19;
  static final int EXPRSXP = 20;
  static final int BCODESXP = 21;
  static final int EXTPTRSXP = 22;
  static final int WEAKREFSXP = 23;
  static final int RAWSXP = 24;
  static final int S4SXP = 25;
  static final int ALTREP_SXP = 238;
  static final int ATTRLISTSXP = 239;
  static final int ATTRLANGSXP = 240;
  static final int BASEENV_SXP = 241;
  static final int EMPTYENV_SXP = 242;
  static final int BCREPREF = 243;
  static final int BCREPDEF = 244;
  static final int GENERICREFSXP = 245;
  static final int CLASSREFSXP = 246;
  static final int PERSISTSXP = 247;
  static final int PACKAGESXP = 248;
  static final int NAMESPACESXP = 249;
  static final int BASENAMESPACE_SXP = 250;
  static final int MISSINGARG_SXP = 251;
  static final int UNBOUNDVALUE_SXP = 252;
  static final int GLOBALENV_SXP = 253;
  static final int NILVALUE_SXP = 254;
  static final int REFSXP = 255;

  /** Functions that run commands, evaluate text, load code or reach the network. */
  static final Set<String> DANGEROUS =
      Set.of(
          "system",
          "system2",
          "shell",
          "shell.exec",
          "eval",
          "evalq",
          "parse",
          "str2lang",
          "str2expression",
          "source",
          "sys.source",
          "pipe",
          "download.file",
          "url",
          "socketConnection",
          "curl",
          "dyn.load",
          "library.dynam",
          ".Internal",
          ".Call",
          ".External",
          ".C",
          "do.call",
          "Sys.setenv",
          "unlink",
          "file.remove",
          "readRDS",
          "load");

  /** The first offset of each kind of thing noticed, and how often it occurred. */
  record Seen(long firstOffset, int count) {}

  private final RBytes in;
  private final ScanContext ctx;
  private final List<@Nullable String> refs = new ArrayList<>();
  private final Map<String, Seen> dangerous = new LinkedHashMap<>();
  private final Map<Integer, Seen> kinds = new LinkedHashMap<>();
  private int inCode;
  private long items;

  RSerializationWalker(RBytes in, ScanContext ctx) {
    this.in = in;
    this.ctx = ctx;
  }

  /** Dangerous function names met inside code, by name. */
  Map<String, Seen> dangerous() {
    return dangerous;
  }

  /** Closures, promises, byte code, external pointers and environments met, by SEXP type. */
  Map<Integer, Seen> kinds() {
    return kinds;
  }

  void readItem(int depth) throws IOException {
    long at = in.position();
    dispatch(in.readInt(), at, depth);
  }

  /** Returns the symbol name when the item is a symbol (or a reference to one). */
  private @Nullable String dispatch(int flags, long at, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new MalformedFileException(
          "R objects nest deeper than " + MAX_DEPTH + " levels at offset " + at, at);
    }
    if ((++items & 0xfff) == 0) {
      ctx.checkDeadline();
    }
    int type = flags & 0xff;
    boolean hasAttr = (flags & (1 << 9)) != 0;
    boolean hasTag = (flags & (1 << 10)) != 0;
    switch (type) {
      case NILVALUE_SXP,
          EMPTYENV_SXP,
          BASEENV_SXP,
          GLOBALENV_SXP,
          UNBOUNDVALUE_SXP,
          MISSINGARG_SXP,
          BASENAMESPACE_SXP -> {
        return null;
      }
      case REFSXP -> {
        return reference(flags, at);
      }
      case PERSISTSXP, PACKAGESXP, NAMESPACESXP -> {
        in.readInt();
        int n = count(in.readInt(), at, 4);
        for (int i = 0; i < n; i++) {
          readItem(depth + 1);
        }
        addRef(null, at);
        return null;
      }
      case SYMSXP -> {
        long nameAt = in.position();
        int charFlags = in.readInt();
        if ((charFlags & 0xff) != CHARSXP) {
          throw new MalformedFileException(
              "symbol at offset " + at + " has no name string", nameAt);
        }
        String name = readChars(at);
        // Only dangerous names are worth remembering; "" still marks the reference as a symbol.
        addRef(DANGEROUS.contains(name) ? name : "", at);
        symbol(name, at);
        return name;
      }
      case LISTSXP, LANGSXP, CLOSXP, PROMSXP, DOTSXP -> {
        pairlist(type, hasAttr, hasTag, at, depth);
        return null;
      }
      case ENVSXP -> {
        note(type, at);
        addRef(null, at);
        in.readInt(); // locked
        for (int i = 0; i < 4; i++) { // enclosure, frame, hash table, attributes
          readItem(depth + 1);
        }
        return null;
      }
      case ALTREP_SXP -> {
        for (int i = 0; i < 3; i++) { // class info, state, attributes
          readItem(depth + 1);
        }
        return null;
      }
      case CHARSXP -> {
        readChars(at);
        return null;
      }
      case SPECIALSXP, BUILTINSXP -> {
        int len = count(in.readInt(), at, 1);
        symbol(in.readText(len, NAME_CHARS), at);
      }
      case LGLSXP, INTSXP -> in.skip(length(at, 4) * 4);
      case REALSXP -> in.skip(length(at, 8) * 8);
      case CPLXSXP -> in.skip(length(at, 16) * 16);
      case RAWSXP -> in.skip(length(at, 1));
      case STRSXP, VECSXP, EXPRSXP -> {
        long n = length(at, 4);
        for (long i = 0; i < n; i++) {
          readItem(depth + 1);
        }
      }
      case BCODESXP -> {
        note(type, at);
        count(in.readInt(), at, 0); // length of the repeat table the reader allocates
        inCode++;
        try {
          readByteCode(depth + 1);
        } finally {
          inCode--;
        }
      }
      case EXTPTRSXP -> {
        note(type, at);
        addRef(null, at);
        readItem(depth + 1); // protected value
        readItem(depth + 1); // tag
      }
      case WEAKREFSXP -> addRef(null, at);
      case S4SXP -> {
        // only attributes follow
      }
      default ->
          throw new MalformedFileException(
              "unknown R object type " + type + " at offset " + at, at);
    }
    if (hasAttr) {
      readItem(depth + 1);
    }
    return null;
  }

  private @Nullable String reference(int flags, long at) throws IOException {
    int index = flags >> 8;
    if (index == 0) {
      index = in.readInt();
    }
    if (index < 1 || index > refs.size()) {
      throw new MalformedFileException(
          "reference "
              + index
              + " at offset "
              + at
              + " points outside the "
              + refs.size()
              + " objects read so far",
          at);
    }
    String name = refs.get(index - 1);
    if (name != null) {
      symbol(name, at);
    }
    return name;
  }

  /**
   * Pairlist-shaped objects (argument lists, calls, closures, promises) with their CDR chain
   * followed in a loop, so a long list does not deepen the recursion.
   */
  private void pairlist(int firstType, boolean firstAttr, boolean firstTag, long firstAt, int depth)
      throws IOException {
    int type = firstType;
    boolean hasAttr = firstAttr;
    boolean hasTag = firstTag;
    long at = firstAt;
    int entered = 0;
    try {
      while (true) {
        note(type, at);
        if (type != LISTSXP && type != DOTSXP) {
          inCode++;
          entered++;
        }
        if (hasAttr) {
          readItem(depth + 1);
        }
        if (hasTag) {
          readItem(depth + 1);
        }
        readItem(depth + 1); // CAR
        long cdrAt = in.position();
        int flags = in.readInt();
        int t = flags & 0xff;
        if (t == LISTSXP || t == LANGSXP || t == CLOSXP || t == PROMSXP || t == DOTSXP) {
          if ((++items & 0xfff) == 0) {
            ctx.checkDeadline();
          }
          type = t;
          hasAttr = (flags & (1 << 9)) != 0;
          hasTag = (flags & (1 << 10)) != 0;
          at = cdrAt;
          continue;
        }
        dispatch(flags, cdrAt, depth + 1);
        return;
      }
    } finally {
      inCode -= entered;
    }
  }

  /** R's ReadBC1: the code vector, then the constant pool. */
  private void readByteCode(int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new MalformedFileException(
          "R byte code nests deeper than " + MAX_DEPTH + " levels", in.position());
    }
    readItem(depth + 1);
    long at = in.position();
    int n = count(in.readInt(), at, 4);
    for (int i = 0; i < n; i++) {
      int type = in.readInt();
      switch (type) {
        case BCODESXP -> readByteCode(depth + 1);
        case LANGSXP, LISTSXP, BCREPDEF, BCREPREF, ATTRLANGSXP, ATTRLISTSXP ->
            readByteCodeLang(type, depth + 1);
        default -> readItem(depth + 1);
      }
    }
  }

  /** R's ReadBCLang: calls in the constant pool, with their own repeat references. */
  private void readByteCodeLang(int firstType, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new MalformedFileException(
          "R byte code nests deeper than " + MAX_DEPTH + " levels", in.position());
    }
    int type = firstType;
    switch (type) {
      case BCREPREF -> in.readInt();
      case BCREPDEF, LANGSXP, LISTSXP, ATTRLANGSXP, ATTRLISTSXP -> {
        if (type == BCREPDEF) {
          in.readInt(); // position in the repeat table
          type = in.readInt();
        }
        if (type == ATTRLANGSXP || type == ATTRLISTSXP) {
          readItem(depth + 1);
        }
        readItem(depth + 1); // tag
        readByteCodeLang(in.readInt(), depth + 1); // car
        readByteCodeLang(in.readInt(), depth + 1); // cdr
      }
      default -> readItem(depth + 1);
    }
  }

  private String readChars(long at) throws IOException {
    int len = in.readInt();
    if (len == -1) {
      return ""; // NA_character_
    }
    if (len < 0) {
      throw new MalformedFileException("string at offset " + at + " declares length " + len, at);
    }
    return in.readText(len, NAME_CHARS);
  }

  /** A vector length (long vectors take two more ints), checked against the bytes left. */
  private long length(long at, int elementBytes) throws IOException {
    int len = in.readInt();
    long n;
    if (len == -1) {
      long hi = in.readInt() & 0xffffffffL;
      long lo = in.readInt() & 0xffffffffL;
      n = (hi << 32) | lo;
    } else {
      n = len;
    }
    if (n < 0 || n > in.remaining() / Math.max(1, elementBytes)) {
      throw new MalformedFileException(
          "vector at offset "
              + at
              + " declares "
              + n
              + " elements, more than the "
              + in.remaining()
              + " bytes left can hold",
          at);
    }
    return n;
  }

  private int count(int n, long at, int minBytesEach) throws MalformedFileException {
    if (n < 0 || (minBytesEach > 0 && n > in.remaining() / minBytesEach)) {
      throw new MalformedFileException(
          "count " + n + " at offset " + at + " is negative or larger than the data left", at);
    }
    return n;
  }

  private void addRef(@Nullable String symbolName, long at) throws MalformedFileException {
    if (refs.size() >= MAX_REFS) {
      throw new MalformedFileException(
          "more than " + MAX_REFS + " referenceable R objects; the rest was not read", at);
    }
    refs.add(symbolName);
  }

  private void symbol(String name, long at) {
    if (inCode > 0 && DANGEROUS.contains(name)) {
      dangerous.merge(name, new Seen(at, 1), (a, b) -> new Seen(a.firstOffset(), a.count() + 1));
    }
  }

  private void note(int type, long at) {
    if (type == CLOSXP || type == PROMSXP || type == BCODESXP || type == EXTPTRSXP) {
      kinds.merge(type, new Seen(at, 1), (a, b) -> new Seen(a.firstOffset(), a.count() + 1));
    }
  }
}
