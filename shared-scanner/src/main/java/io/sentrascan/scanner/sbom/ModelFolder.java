package io.sentrascan.scanner.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What a Hugging Face–style model folder says about its model: {@code config.json} ({@code
 * _name_or_path}, {@code model_type}, {@code architectures}, {@code transformers_version}) and the
 * front matter of the model card ({@code README.md}). Both are read with a size bound, never
 * through a symbolic link, and a file that is not valid is ignored (the scan reports on its
 * content).
 *
 * @param config the parsed {@code config.json}, or null
 * @param configSha256 the SHA-256 of the bytes read, to check against the scan
 * @param card the card's front matter (empty without a card)
 * @param sections the considerations the card's text states
 * @param cardSha256 the SHA-256 of the card read, or null
 * @param adapterBase {@code base_model_name_or_path} of a PEFT {@code adapter_config.json}, or null
 * @param adapterSha256 the SHA-256 of the {@code adapter_config.json} read, or null
 */
record ModelFolder(
    @Nullable JsonNode config,
    @Nullable String configSha256,
    CardFrontMatter card,
    CardSections sections,
    @Nullable String cardSha256,
    @Nullable String adapterBase,
    @Nullable String adapterSha256) {
  /** Larger files are not read: a real config or card is a few kilobytes. */
  static final int MAX_BYTES = 1 << 20;

  static final ModelFolder NONE =
      new ModelFolder(null, null, CardFrontMatter.empty(), CardSections.NONE, null, null, null);

  static ModelFolder read(Path folder) {
    byte[] config = readBounded(folder.resolve("config.json"));
    JsonNode configNode = null;
    if (config != null) {
      try {
        JsonNode node = new ObjectMapper().readTree(config);
        configNode = node != null && node.isObject() ? node : null;
      } catch (IOException e) {
        configNode = null; // not JSON: nothing to learn from it, and the scan reports on content
      }
    }
    byte[] card = null;
    Path cardFile = findCard(folder);
    if (cardFile != null) {
      card = readBounded(cardFile);
    }
    String cardText = card == null ? null : new String(card, StandardCharsets.UTF_8);
    byte[] adapter = readBounded(folder.resolve("adapter_config.json"));
    String adapterBase = null;
    if (adapter != null) {
      try {
        JsonNode node = new ObjectMapper().readTree(adapter);
        JsonNode base = node == null ? null : node.get("base_model_name_or_path");
        if (base != null && base.isTextual() && !base.asText().isBlank()) {
          adapterBase = base.asText().strip();
        }
      } catch (IOException e) {
        adapterBase = null; // not JSON: the scan reports on its content
      }
    }
    return new ModelFolder(
        configNode,
        configNode == null ? null : sha256(config),
        cardText == null ? CardFrontMatter.empty() : CardFrontMatter.parse(cardText),
        cardText == null ? CardSections.NONE : CardSections.parse(cardText),
        card == null ? null : sha256(card),
        adapterBase,
        adapterBase == null ? null : sha256(adapter));
  }

  @Nullable String configText(String field) {
    if (config == null) {
      return null;
    }
    JsonNode value = config.get(field);
    if (value == null || !value.isValueNode() || value.isNull()) {
      return null;
    }
    String text = value.asText().strip();
    return text.isEmpty() ? null : text;
  }

  List<String> architectures() {
    List<String> out = new ArrayList<>();
    if (config != null && config.path("architectures").isArray()) {
      for (JsonNode a : config.path("architectures")) {
        if (a.isTextual() && !a.asText().isBlank()) {
          out.add(a.asText().strip());
        }
      }
    }
    return out;
  }

  /** {@code README.md} in any letter case, directly in the folder. */
  private static @Nullable Path findCard(Path folder) {
    List<Path> candidates = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
      for (Path p : entries) {
        Path name = p.getFileName();
        if (name != null && name.toString().toLowerCase(Locale.ROOT).equals("readme.md")) {
          candidates.add(p);
        }
      }
    } catch (IOException e) {
      return null;
    }
    candidates.sort(null); // README.md before readme.md: the same choice on every run
    return candidates.isEmpty() ? null : candidates.get(0);
  }

  private static byte @Nullable [] readBounded(Path file) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      return bytes.length > MAX_BYTES ? null : bytes;
    } catch (IOException e) {
      return null;
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
