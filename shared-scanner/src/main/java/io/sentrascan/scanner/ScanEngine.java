package io.sentrascan.scanner;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Dispatches files to scanners, recurses into containers within {@link Limits}, hashes every file,
 * and turns every failure into a recorded finding or error. Thread-safe: one engine serves
 * concurrent scans.
 */
public final class ScanEngine {
  /** The version written into reports. */
  public static final String TOOL_VERSION = readToolVersion();

  /** Files at least this large are hashed on a second thread while the scanner reads them. */
  private static final long PARALLEL_HASH_BYTES = 4L << 20;

  private static final ExecutorService HASHERS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "sentrascan-hash");
            t.setDaemon(true);
            return t;
          });

  private final List<Scanner> scanners;
  private final Limits limits;
  private final List<String> digestAlgorithms;
  private final Clock clock;

  public ScanEngine(List<Scanner> scanners, Limits limits) {
    this(scanners, limits, List.of("SHA-256"), Clock.systemUTC());
  }

  private ScanEngine(
      List<Scanner> scanners, Limits limits, List<String> digestAlgorithms, Clock clock) {
    this.scanners = List.copyOf(scanners);
    this.limits = Objects.requireNonNull(limits);
    this.digestAlgorithms = List.copyOf(digestAlgorithms);
    this.clock = clock;
    for (String alg : digestAlgorithms) {
      newDigest(alg); // fail fast on a bad name
    }
  }

  /** Every registered scanner with default limits. */
  public static ScanEngine defaults() {
    return new ScanEngine(Scanners.defaults(), Limits.defaults());
  }

  public ScanEngine withLimits(Limits newLimits) {
    return new ScanEngine(scanners, newLimits, digestAlgorithms, clock);
  }

  /** Which digests to compute for every file, in one pass (for example SHA-256 and SHA-512). */
  public ScanEngine withDigests(List<String> algorithms) {
    return new ScanEngine(scanners, limits, algorithms, clock);
  }

  public ScanEngine withClock(Clock newClock) {
    return new ScanEngine(scanners, limits, digestAlgorithms, newClock);
  }

  public Limits limits() {
    return limits;
  }

  public List<Scanner> scanners() {
    return scanners;
  }

  /** Name to version of every scanner, for reports. */
  public SortedMap<String, String> scannerVersions() {
    SortedMap<String, String> out = new TreeMap<>();
    for (Scanner s : scanners) {
      out.put(s.name(), s.version());
    }
    return Collections.unmodifiableSortedMap(out);
  }

  /**
   * Scans files and folders. Folders are walked in sorted order; symbolic links are followed only
   * when they stay inside the folder being scanned.
   *
   * @param progress told the display path of each top-level file before it is scanned
   */
  public ScanResult scan(List<Path> targets, Policy policy, Consumer<String> progress)
      throws IOException {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    List<FileResult> files = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Path target : targets) {
      names.add(target.toString());
      if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new java.nio.file.NoSuchFileException(target.toString());
      }
      if (Files.isDirectory(target)) {
        for (Path file : walk(target, files)) {
          progress.accept(file.toString());
          files.addAll(scanFile(file, file.toString()));
        }
      } else {
        progress.accept(target.toString());
        files.addAll(scanFile(target, target.toString()));
      }
    }
    return result(started, t0, names, files, policy);
  }

  /** Scans sources that are already open (an S3 object, bytes in memory). */
  public ScanResult scanSources(List<? extends Source> sources, Policy policy) {
    Instant started = clock.instant();
    long t0 = System.nanoTime();
    List<FileResult> files = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Source source : sources) {
      names.add(source.displayPath());
      files.addAll(scanSource(source));
    }
    return result(started, t0, names, files, policy);
  }

  /** Scans one source and everything nested in it; the first result is the source itself. */
  public List<FileResult> scanSource(Source source) {
    Budget budget = new Budget(limits, System.nanoTime());
    List<FileResult> out = new ArrayList<>();
    budget.results = out;
    out.add(null); // the top-level result goes first; nested ones are appended as found
    out.set(0, scanOne(source, source.displayPath(), 0, budget));
    return out;
  }

  private ScanResult result(
      Instant started, long t0, List<String> names, List<FileResult> files, Policy policy) {
    List<FileResult> sorted = new ArrayList<>(files);
    sorted.sort(Comparator.comparing(FileResult::path));
    long millis = (System.nanoTime() - t0) / 1_000_000;
    return new ScanResult(
        UUID.randomUUID().toString(),
        started,
        millis,
        TOOL_VERSION,
        scannerVersions(),
        List.copyOf(names),
        List.copyOf(sorted),
        policy,
        policy.verdict(sorted));
  }

  private List<FileResult> scanFile(Path file, String display) {
    if (Files.isSymbolicLink(file)) {
      // Only reached for a link given directly as a target: those are the user's own choice.
      file = resolveQuietly(file);
    }
    try (Sources.FileSource source = Sources.file(file, display)) {
      return scanSource(source);
    } catch (IOException e) {
      Budget budget = new Budget(limits, System.nanoTime());
      ScanContext ctx = new ScanContext(this, budget, display, 0);
      ctx.error("cannot read file: " + describe(e));
      return List.of(ctx.toResult(emptySource(display), null, new TreeMap<>(), null));
    }
  }

  void scanNested(ScanContext parent, Budget budget, String entryName, Source nested) {
    String path = parent.path() + "!/" + entryName;
    int depth = parent.depth() + 1;
    if (depth > limits.maxDepth()) {
      parent.report(
          "CORE-002",
          parent.at(-1, entryName),
          "Entry "
              + entryName
              + " is nested "
              + depth
              + " levels deep; the limit is "
              + limits.maxDepth()
              + ", so it was not scanned.",
          entryName);
      return;
    }
    budget.results.add(scanOne(nested, path, depth, budget));
  }

  private FileResult scanOne(Source raw, String path, int depth, Budget budget) {
    ScanContext ctx = new ScanContext(this, budget, path, depth);
    Source source = new GuardedSource(raw, budget, path);
    CompletableFuture<SortedMap<String, String>> hash = null;
    if (depth == 0 && raw.size() >= PARALLEL_HASH_BYTES && !digestAlgorithms.isEmpty()) {
      hash = CompletableFuture.supplyAsync(() -> digest(raw), HASHERS);
    }
    Scanner chosen = null;
    String skipped = null;
    try {
      Probe probe = new Probe(source, fileName(path));
      chosen = select(probe);
      if (chosen == null) {
        skipped = "no scanner recognises this content";
      } else {
        chosen.scan(source, ctx);
      }
    } catch (LimitExceededException e) {
      ctx.report(e.ruleId(), ctx.at(-1), e.getMessage(), "");
    } catch (MalformedFileException e) {
      ctx.report("CORE-001", ctx.at(e.offset()), e.getMessage(), "");
    } catch (EOFException e) {
      ctx.report("CORE-001", ctx.at(-1), "File ends early: " + describe(e), "");
    } catch (IOException e) {
      ctx.error("read failed: " + describe(e));
    } catch (StackOverflowError e) {
      ctx.report(
          "CORE-001", ctx.at(-1), "Structure nested too deeply to analyse (stack exhausted)", "");
    } catch (RuntimeException e) {
      // A parser defect on hostile input: fail closed (a finding) and keep the cause (an error).
      ctx.report(
          "CORE-001",
          ctx.at(-1),
          "The "
              + (chosen == null ? "format probe" : chosen.name() + " parser")
              + " could not process this file: "
              + describe(e),
          "");
      ctx.error("scanner failure: " + describe(e));
    } finally {
      ctx.cleanup();
    }
    SortedMap<String, String> digests;
    try {
      digests = hash != null ? hash.join() : digest(raw);
    } catch (CompletionException | UncheckedIOException e) {
      ctx.error("hashing failed: " + describe(e.getCause() == null ? e : e.getCause()));
      digests = new TreeMap<>();
    }
    return ctx.toResult(raw, chosen, digests, skipped);
  }

  private @Nullable Scanner select(Probe probe) {
    for (Scanner scanner : scanners) {
      if (scanner.supports(probe)) {
        return scanner;
      }
    }
    return null;
  }

  private SortedMap<String, String> digest(Source source) {
    if (digestAlgorithms.isEmpty()) {
      // Callers that hash elsewhere (a chunked workflow, a benchmark of the parsers) skip the pass.
      return Collections.emptySortedMap();
    }
    List<MessageDigest> mds = new ArrayList<>();
    for (String alg : digestAlgorithms) {
      mds.add(newDigest(alg));
    }
    byte[] buf = new byte[1 << 20];
    try (InputStream in = source.openStream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        for (MessageDigest md : mds) {
          md.update(buf, 0, n);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SortedMap<String, String> out = new TreeMap<>();
    for (int i = 0; i < mds.size(); i++) {
      out.put(digestAlgorithms.get(i), HexFormat.of().formatHex(mds.get(i).digest()));
    }
    return Collections.unmodifiableSortedMap(out);
  }

  private static MessageDigest newDigest(String alg) {
    try {
      return MessageDigest.getInstance(alg);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalArgumentException("unknown digest " + alg, e);
    }
  }

  /** Regular files under root, sorted; links outside root become findings in {@code out}. */
  private List<Path> walk(Path root, List<FileResult> out) throws IOException {
    Path realRoot = root.toRealPath();
    List<Path> files = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isSymbolicLink()) {
              Path target = resolveQuietly(file);
              if (target.startsWith(realRoot) && Files.isRegularFile(target)) {
                files.add(file);
              } else {
                out.add(linkOutside(file, target, realRoot));
              }
            } else if (attrs.isRegularFile()) {
              files.add(file);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            Budget budget = new Budget(limits, System.nanoTime());
            ScanContext ctx = new ScanContext(ScanEngine.this, budget, file.toString(), 0);
            ctx.error("cannot read: " + describe(e));
            out.add(ctx.toResult(emptySource(file.toString()), null, new TreeMap<>(), null));
            return FileVisitResult.CONTINUE;
          }
        });
    files.sort(Comparator.comparing(Path::toString));
    return files;
  }

  private FileResult linkOutside(Path link, Path target, Path realRoot) {
    Budget budget = new Budget(limits, System.nanoTime());
    ScanContext ctx = new ScanContext(this, budget, link.toString(), 0);
    String where = target.startsWith(realRoot) ? "a non-file inside the folder" : "outside";
    ctx.report(
        "CORE-007",
        ctx.at(-1),
        "Symbolic link " + link.getFileName() + " points " + where + "; it was not followed.",
        readLinkQuietly(link));
    return ctx.toResult(emptySource(link.toString()), null, new TreeMap<>(), "symbolic link");
  }

  private static Path resolveQuietly(Path link) {
    try {
      return link.toRealPath();
    } catch (IOException e) {
      return link.toAbsolutePath().normalize();
    }
  }

  private static String readLinkQuietly(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return "";
    }
  }

  private static Source emptySource(String display) {
    return Sources.bytes(new byte[0], display);
  }

  private static String fileName(String path) {
    int cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    return path.substring(cut + 1);
  }

  static String describe(Throwable e) {
    String msg = e.getMessage();
    return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }

  private static String readToolVersion() {
    String v = ScanEngine.class.getPackage().getImplementationVersion();
    if (v != null) {
      return v;
    }
    try (InputStream in = ScanEngine.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        java.util.Properties p = new java.util.Properties();
        p.load(in);
        return p.getProperty("version", "dev");
      }
    } catch (IOException e) {
      // fall through to "dev"
    }
    return "dev";
  }

  /** Per-target accounting shared by a file and everything nested in it. */
  static final class Budget {
    private final Limits limits;
    private final long deadline;
    private long bytes;
    private long entries;
    List<FileResult> results = new ArrayList<>();

    Budget(Limits limits, long startNanos) {
      this.limits = limits;
      this.deadline = startNanos + limits.timePerFile().toNanos();
    }

    void checkDeadline() {
      if (System.nanoTime() - deadline > 0) {
        throw new LimitExceededException(
            "CORE-006",
            "Scan stopped after the time limit of " + limits.timePerFile().toSeconds() + " s");
      }
    }

    void addBytes(long n) {
      bytes += n;
      if (bytes > limits.maxTotalBytes()) {
        throw new LimitExceededException(
            "CORE-003",
            "More than " + limits.maxTotalBytes() + " bytes decompressed from nested content");
      }
    }

    void countEntry() {
      entries++;
      if (entries > limits.maxEntries()) {
        throw new LimitExceededException(
            "CORE-004", "More than " + limits.maxEntries() + " archive entries");
      }
    }
  }

  /** Checks the deadline on every read, so that no parser can run past it while reading. */
  private static final class GuardedSource implements Source {
    private final Source inner;
    private final Budget budget;
    private final String display;

    GuardedSource(Source inner, Budget budget, String display) {
      this.inner = inner;
      this.budget = budget;
      this.display = display;
    }

    @Override
    public long size() {
      return inner.size();
    }

    @Override
    public String displayPath() {
      return display;
    }

    @Override
    public int read(long position, byte[] buf, int off, int len) throws IOException {
      budget.checkDeadline();
      return inner.read(position, buf, off, len);
    }
  }
}
