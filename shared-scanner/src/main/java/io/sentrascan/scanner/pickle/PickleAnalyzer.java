package io.sentrascan.scanner.pickle;

import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.Sources;
import io.sentrascan.scanner.text.TextFindings;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Static analysis of pickle data, shared by every format that embeds pickles (raw pickle, joblib,
 * PyTorch, NumPy object arrays). Nothing is ever imported, called or deserialized: opcodes are
 * decoded and run on a symbolic stack, and the imports they resolve are classified by the allow-
 * and deny-lists bundled as resources of this package.
 *
 * <p>Thread-safe; one instance serves every scan. Each analysed file or entry gets its own {@link
 * PickleSession}.
 */
public final class PickleAnalyzer {
  private static final PickleAnalyzer DEFAULT = new PickleAnalyzer(ImportPolicy.defaults());

  /** First bytes that can start a protocol 0 or 1 pickle in practice. */
  private static final String PROTOCOL_0_STARTS = "(c}])ISVNKJXUGiLFMTB";

  /** Containers whose members may be pickles: those belong to the container scanners. */
  private static final byte[][] CONTAINER_MAGIC = {
    {'P', 'K'},
    {0x1f, (byte) 0x8b},
    {'B', 'Z', 'h'},
    {(byte) 0xfd, '7', 'z', 'X', 'Z', 0},
    {'7', 'z', (byte) 0xbc, (byte) 0xaf},
    {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd},
    {0x5d, 0, 0},
    {0x78, 0x01},
    {0x78, (byte) 0x9c},
    {0x78, (byte) 0xda},
    {0x78, 0x5e},
    {'!', '<', 'a', 'r', 'c', 'h', '>'},
    {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'}
  };

  private static final String TEXT_VERSION = TextFindings.defaults().version();

  private final ImportPolicy policy;

  private PickleAnalyzer(ImportPolicy policy) {
    this.policy = policy;
  }

  /** The analyzer with the bundled allow- and deny-lists. */
  public static PickleAnalyzer defaults() {
    return DEFAULT;
  }

  /** The versions of the bundled lists, for scanner versions in reports. */
  public String listVersions() {
    return "allow-"
        + policy.allowVersion()
        + "+deny-"
        + policy.denyVersion()
        + "+secrets-"
        + TEXT_VERSION;
  }

  /**
   * Starts the analysis of one file or archive entry. Findings go to {@code context} when the
   * session closes, at {@code baseOffset} plus the offset inside {@code source}, with {@code entry}
   * as the location's context (null for the file itself).
   */
  public PickleSession session(ScanContext context, long baseOffset, @Nullable String entry) {
    return new PickleSession(policy, TextFindings.defaults(), context, baseOffset, entry);
  }

  /**
   * True when the bytes start like a pickle: PROTO 2 to 5 followed by an opcode, or the first
   * opcodes of a protocol 0 or 1 pickle run cleanly on the symbolic machine.
   */
  public static boolean startsLikePickle(byte[] head) {
    if (head.length >= 3
        && (head[0] & 0xff) == 0x80
        && head[1] >= 2
        && head[1] <= 5
        && PickleOpcode.of(head[2]) != null) {
      return true;
    }
    if (head.length < 2 || PROTOCOL_0_STARTS.indexOf(head[0] & 0xff) < 0) {
      return false;
    }
    return PickleSession.parsesCleanly(DEFAULT.policy, Sources.bytes(head, "head"), 0);
  }

  /**
   * True when the bytes hold a complete pickle stream that imports something after some other data:
   * a pickle hidden behind a garbage prefix. Bytes that start like a known container are left to
   * the container scanners.
   */
  public static boolean hidesPickle(byte[] head) {
    for (byte[] magic : CONTAINER_MAGIC) {
      if (head.length >= magic.length && startsWith(head, magic)) {
        return false;
      }
    }
    try {
      return PickleSession.findHiddenInHead(DEFAULT.policy, Sources.bytes(head, "head"));
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean startsWith(byte[] head, byte[] magic) {
    for (int i = 0; i < magic.length; i++) {
      if (head[i] != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /** For tests and callers that only have a source. */
  static boolean startsLikePickle(Source source, long pos) throws IOException {
    int n = (int) Math.min(4096, source.size() - pos);
    if (n <= 0) {
      return false;
    }
    return startsLikePickle(source.readFully(pos, n));
  }
}
