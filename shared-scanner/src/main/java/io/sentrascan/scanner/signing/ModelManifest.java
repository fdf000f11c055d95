package io.sentrascan.scanner.signing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A model as a list of resources (files or file shards) with their SHA-256 digests, in the order
 * the signature lists them, plus the serialization that produced it and the model's name.
 *
 * <p>Hashing streams every file through a fixed 1 MiB buffer, so memory stays bounded whatever the
 * model's size; only the list of digests is held.
 */
public final class ModelManifest {
  /** Bytes read per call while hashing. */
  static final int CHUNK = 1 << 20;

  /** Resources (files or shards) one manifest may have: bounds the memory a manifest takes. */
  public static final long MAX_RESOURCES = 1_000_000;

  private final String modelName;
  private final Serialization serialization;
  private final List<Resource> resources;

  public ModelManifest(String modelName, Serialization serialization, List<Resource> resources) {
    this.modelName = Objects.requireNonNull(modelName, "modelName");
    this.serialization = Objects.requireNonNull(serialization, "serialization");
    this.resources = List.copyOf(resources);
  }

  public String modelName() {
    return modelName;
  }

  public Serialization serialization() {
    return serialization;
  }

  public List<Resource> resources() {
    return resources;
  }

  /**
   * The subject digest: SHA-256 over the raw bytes of every resource digest, in list order (as the
   * reference tool computes it), in lower-case hex.
   */
  public String rootDigest() {
    MessageDigest sha = sha256();
    HexFormat hex = HexFormat.of();
    for (Resource r : resources) {
      sha.update(hex.parseHex(r.digest()));
    }
    return hex.formatHex(sha.digest());
  }

  /** The distinct file paths the manifest covers, sorted. */
  public Set<String> paths() {
    Set<String> out = new TreeSet<>();
    for (Resource r : resources) {
      out.add(r.path(serialization.sharded()));
    }
    return out;
  }

  /**
   * Hashes the model at {@code root} (a folder, or one file) as {@code serialization} says, leaving
   * out its ignore paths and {@code alsoIgnore} (relative paths; a folder covers all below it).
   * Resources are sorted the way the reference tool sorts them: by path component, then by shard
   * start.
   *
   * @throws SigningException when the model contains a symbolic link or special file that the
   *     serialization does not allow, or uses a hash other than SHA-256
   * @throws IOException when a file cannot be read
   */
  public static ModelManifest hash(
      Path root, Serialization serialization, Collection<String> alsoIgnore)
      throws IOException, SigningException {
    if (!serialization.hashType().equals(Serialization.SHA256)) {
      throw new SigningException(
          "unsupported hash_type '" + serialization.hashType() + "': only sha256 is supported");
    }
    Set<String> ignored = new TreeSet<>(serialization.ignorePaths());
    ignored.addAll(alsoIgnore);
    List<String[]> files = new ArrayList<>(); // {relative path, absolute path}
    if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      walk(root, "", ignored, serialization.allowSymlinks(), files);
    } else if (Files.isRegularFile(root, LinkOption.NOFOLLOW_LINKS)) {
      files.add(new String[] {".", root.toString()}); // the reference names a one-file model "."
    } else {
      throw new SigningException("not a regular file or folder: " + root);
    }
    List<Resource> resources = new ArrayList<>();
    long count = 0;
    for (String[] file : files) {
      count +=
          serialization.sharded()
              ? (Files.size(Path.of(file[1])) + serialization.shardSize() - 1)
                  / serialization.shardSize()
              : 1;
      if (count > MAX_RESOURCES) {
        // A hostile signature with a 1-byte shard size must not make us hold a digest per byte.
        throw new SigningException(
            "the model would have more than "
                + MAX_RESOURCES
                + " resources"
                + (serialization.sharded()
                    ? " at shard size " + serialization.shardSize() + "; use a larger shard size"
                    : ""));
      }
    }
    for (String[] file : files) {
      Path path = Path.of(file[1]);
      if (serialization.sharded()) {
        long size = Files.size(path);
        // Like the reference: an empty file has no shard and so no resource.
        for (long start = 0; start < size; start += serialization.shardSize()) {
          long end = Math.min(size, start + serialization.shardSize());
          resources.add(
              new Resource(
                  file[0] + ":" + start + ":" + end,
                  Serialization.SHA256,
                  digest(path, start, end)));
        }
      } else {
        resources.add(new Resource(file[0], Serialization.SHA256, digest(path, 0, Long.MAX_VALUE)));
      }
    }
    resources.sort(order(serialization.sharded()));
    return new ModelManifest(modelName(root), serialization, resources);
  }

  /** The model's name as the reference records it: the last component of the path. */
  static String modelName(Path root) {
    Path abs = root.toAbsolutePath().normalize();
    Path name = abs.getFileName();
    return name == null ? abs.toString() : name.toString();
  }

  private static void walk(
      Path dir, String prefix, Set<String> ignored, boolean allowSymlinks, List<String[]> out)
      throws IOException, SigningException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(children::add);
    }
    children.sort(Comparator.comparing(p -> String.valueOf(p.getFileName())));
    for (Path child : children) {
      String rel = prefix + child.getFileName();
      if (isIgnored(rel, ignored)) {
        continue;
      }
      if (Files.isSymbolicLink(child)) {
        if (!allowSymlinks) {
          throw new SigningException(
              "the model contains a symbolic link, which the signature format does not allow: "
                  + rel);
        }
        if (Files.isDirectory(child)) {
          // Following links to folders invites cycles; the reference hashes only file links.
          throw new SigningException("the model contains a link to a folder: " + rel);
        }
      }
      if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
        walk(child, rel + "/", ignored, allowSymlinks, out);
      } else if (Files.isRegularFile(child)) {
        out.add(new String[] {rel, child.toString()});
      } else {
        throw new SigningException(
            "the model contains a special file (not a regular file): " + rel);
      }
    }
  }

  static boolean isIgnored(String rel, Set<String> ignored) {
    for (String ignore : ignored) {
      String i = ignore.endsWith("/") ? ignore.substring(0, ignore.length() - 1) : ignore;
      if (rel.equals(i) || rel.startsWith(i + "/")) {
        return true;
      }
    }
    return false;
  }

  /** SHA-256 of bytes [start, end) of the file, streamed through one buffer. */
  static String digest(Path file, long start, long end) throws IOException {
    MessageDigest sha = sha256();
    ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long pos = start;
      while (pos < end) {
        buffer.clear();
        if (end - pos < buffer.capacity()) {
          buffer.limit((int) (end - pos));
        }
        int n = ch.read(buffer, pos);
        if (n < 0) {
          break; // the file shrank while it was read: the digest will not match, as it should
        }
        buffer.flip();
        sha.update(buffer);
        pos += n;
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * The reference tool's order: Python sorts {@code PurePosixPath} keys component by component (so
   * {@code a/b} comes before {@code a-c}), and shard keys by path, then start, then end.
   */
  static Comparator<Resource> order(boolean sharded) {
    return (a, b) -> {
      String[] ka = sharded ? shardKey(a.name()) : new String[] {a.name(), "", ""};
      String[] kb = sharded ? shardKey(b.name()) : new String[] {b.name(), "", ""};
      String[] pa = ka[0].split("/", -1);
      String[] pb = kb[0].split("/", -1);
      for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
        int c = pa[i].compareTo(pb[i]);
        if (c != 0) {
          return c;
        }
      }
      if (pa.length != pb.length) {
        return Integer.compare(pa.length, pb.length);
      }
      int c = Long.compare(number(ka[1]), number(kb[1]));
      return c != 0 ? c : Long.compare(number(ka[2]), number(kb[2]));
    };
  }

  private static String[] shardKey(String name) {
    int end = name.lastIndexOf(':');
    int start = end <= 0 ? -1 : name.lastIndexOf(':', end - 1);
    if (start < 0) {
      return new String[] {name, "", ""};
    }
    return new String[] {
      name.substring(0, start), name.substring(start + 1, end), name.substring(end + 1)
    };
  }

  private static long number(String s) {
    try {
      return s.isEmpty() ? -1 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
