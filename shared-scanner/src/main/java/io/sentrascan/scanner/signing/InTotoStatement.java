package io.sentrascan.scanner.signing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.scanner.json.BoundedJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The in-toto statement a model signature signs: one subject (the model's name and the root digest
 * over all resource digests) and the predicate {@code https://model_signing/signature/v1.0} with
 * the serialization and the resources. Also reads the earlier {@code
 * https://model_signing/Digests/v0.1} form (one subject per file, no root digest).
 */
final class InTotoStatement {
  static final String PAYLOAD_TYPE = "application/vnd.in-toto+json";
  static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
  static final String PREDICATE_TYPE = "https://model_signing/signature/v1.0";
  static final String PREDICATE_TYPE_V01 = "https://model_signing/Digests/v0.1";

  private static final ObjectMapper JSON = new ObjectMapper(BoundedJson.factory());
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

  private InTotoStatement() {}

  /** The statement's JSON bytes (UTF-8): the DSSE payload. */
  static byte[] toJson(ModelManifest manifest) {
    ObjectNode root = JSON.createObjectNode();
    root.put("_type", STATEMENT_TYPE);
    ObjectNode subject = root.putArray("subject").addObject();
    subject.put("name", manifest.modelName());
    subject.putObject("digest").put("sha256", manifest.rootDigest());
    root.put("predicateType", PREDICATE_TYPE);
    ObjectNode predicate = root.putObject("predicate");
    Serialization s = manifest.serialization();
    ObjectNode ser = predicate.putObject("serialization");
    ser.put("method", s.method());
    ser.put("hash_type", s.hashType());
    if (s.sharded()) {
      ser.put("shard_size", s.shardSize());
    }
    ser.put("allow_symlinks", s.allowSymlinks());
    ArrayNode ignore = ser.putArray("ignore_paths");
    s.ignorePaths().forEach(ignore::add);
    ArrayNode resources = predicate.putArray("resources");
    for (Resource r : manifest.resources()) {
      ObjectNode node = resources.addObject();
      node.put("name", r.name());
      node.put("algorithm", r.algorithm());
      node.put("digest", r.digest());
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings always serialises", e);
    }
  }

  /**
   * Reads the signed manifest from the statement bytes.
   *
   * @throws SigningException when the bytes are not a model-signing statement
   */
  static Parsed parse(byte[] payload) throws SigningException {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (JsonProcessingException e) {
      throw new SigningException("the signed payload is not JSON: " + BoundedJson.describe(e));
    } catch (IOException e) {
      throw new SigningException("the signed payload cannot be read: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new SigningException("the signed payload is not a JSON object");
    }
    String type = text(root, "_type", "statement");
    if (!type.equals(STATEMENT_TYPE)) {
      throw new SigningException(
          "the signed payload is not an in-toto v1 statement (_type " + quote(type) + ")");
    }
    String predicateType = text(root, "predicateType", "statement");
    if (predicateType.equals(PREDICATE_TYPE_V01)) {
      return parseV01(root);
    }
    if (!predicateType.equals(PREDICATE_TYPE)) {
      throw new SigningException(
          "the statement is not a model signature: predicateType "
              + quote(predicateType)
              + ", expected "
              + PREDICATE_TYPE);
    }
    JsonNode subjects = root.path("subject");
    if (!subjects.isArray() || subjects.size() != 1) {
      throw new SigningException("the statement must have exactly one subject");
    }
    JsonNode subject = subjects.get(0);
    String name = subject.path("name").isTextual() ? subject.path("name").asText() : "";
    String rootDigest = hex(subject.path("digest").path("sha256"), "subject digest");

    JsonNode predicate = root.path("predicate");
    if (!predicate.isObject()) {
      throw new SigningException("the statement has no predicate object");
    }
    Serialization serialization = serialization(predicate.path("serialization"));
    JsonNode list = predicate.path("resources");
    if (!list.isArray()) {
      throw new SigningException("the predicate has no resources list");
    }
    List<Resource> resources = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (JsonNode r : list) {
      String rname = text(r, "name", "resource");
      String algorithm = text(r, "algorithm", "resource " + rname);
      if (!algorithm.equals(Serialization.SHA256)) {
        throw new SigningException(
            "resource " + rname + " uses digest algorithm " + quote(algorithm) + "; only sha256");
      }
      if (serialization.sharded() && !isShardName(rname)) {
        throw new SigningException("resource " + rname + " is not a path:start:end shard name");
      }
      if (!names.add(rname)) {
        throw new SigningException("resource " + rname + " is listed twice");
      }
      resources.add(new Resource(rname, algorithm, hex(r.path("digest"), "digest of " + rname)));
    }
    return new Parsed(new ModelManifest(name, serialization, resources), rootDigest);
  }

  private static Parsed parseV01(JsonNode root) throws SigningException {
    List<Resource> resources = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (JsonNode subject : root.path("subject")) {
      String name = text(subject, "name", "subject");
      if (!names.add(name)) {
        throw new SigningException("subject " + name + " is listed twice");
      }
      resources.add(
          new Resource(
              name, Serialization.SHA256, hex(subject.path("digest").path("sha256"), name)));
    }
    if (resources.isEmpty()) {
      throw new SigningException("the statement lists no files");
    }
    ModelManifest m =
        new ModelManifest("", Serialization.files(Serialization.GIT_PATHS), resources);
    return new Parsed(m, m.rootDigest());
  }

  private static Serialization serialization(JsonNode node) throws SigningException {
    if (!node.isObject()) {
      throw new SigningException("the predicate has no serialization object");
    }
    String method = text(node, "method", "serialization");
    String hashType = text(node, "hash_type", "serialization");
    JsonNode links = node.path("allow_symlinks");
    if (!links.isMissingNode() && !links.isBoolean()) {
      throw new SigningException("serialization.allow_symlinks is not true or false");
    }
    List<String> ignore = new ArrayList<>();
    for (JsonNode p : node.path("ignore_paths")) {
      if (!p.isTextual()) {
        throw new SigningException("serialization.ignore_paths holds a non-string");
      }
      ignore.add(p.asText());
    }
    long shardSize = 0;
    if (method.equals(Serialization.SHARDS)) {
      JsonNode size = node.path("shard_size");
      // Protobuf's JSON writes numbers in a Struct as doubles: accept 1000000000.0 too.
      if (!size.isNumber() || size.asDouble() != Math.rint(size.asDouble()) || size.asLong() <= 0) {
        throw new SigningException("serialization.shard_size is not a positive whole number");
      }
      shardSize = size.asLong();
    } else if (!method.equals(Serialization.FILES)) {
      throw new SigningException("unknown serialization method " + quote(method));
    }
    return new Serialization(
        method, hashType.toLowerCase(Locale.ROOT), shardSize, links.asBoolean(false), ignore);
  }

  static boolean isShardName(String name) {
    int end = name.lastIndexOf(':');
    int start = end <= 0 ? -1 : name.lastIndexOf(':', end - 1);
    if (start <= 0) {
      return false;
    }
    try {
      long s = Long.parseLong(name.substring(start + 1, end));
      long e = Long.parseLong(name.substring(end + 1));
      return s >= 0 && e > s;
    } catch (NumberFormatException ex) {
      return false;
    }
  }

  private static String text(JsonNode node, String field, String where) throws SigningException {
    JsonNode v = node.path(field);
    if (!v.isTextual()) {
      throw new SigningException(where + " has no string field '" + field + "'");
    }
    return v.asText();
  }

  private static String hex(JsonNode node, String what) throws SigningException {
    if (!node.isTextual() || !SHA256_HEX.matcher(node.asText()).matches()) {
      throw new SigningException(what + " is not a SHA-256 hex digest");
    }
    return node.asText().toLowerCase(Locale.ROOT);
  }

  private static String quote(String s) {
    return "'" + (s.length() > 80 ? s.substring(0, 80) + "…" : s) + "'";
  }

  /** A statement read back: the manifest and the root digest its subject claims. */
  record Parsed(ModelManifest manifest, String subjectDigest) {}
}
