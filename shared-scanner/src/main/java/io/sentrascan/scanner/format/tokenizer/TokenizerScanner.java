package io.sentrascan.scanner.format.tokenizer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.json.BoundedJson;
import io.sentrascan.scanner.template.ChatTemplateAnalyzer;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Tokenizer files: {@code tokenizer.json}, {@code tokenizer_config.json}, {@code
 * special_tokens_map.json} (and {@code chat_template.json}), recognised by their keys. The file is
 * streamed: the large {@code model.vocab} and {@code merges} are skipped or only looked up. Chat
 * templates go through the template analysis; special and added tokens are checked for anomalies
 * (TOK-001) and for shadowing ordinary words (TOK-002); {@code auto_map} is custom tokenizer code
 * (CFG-001).
 */
public final class TokenizerScanner implements Scanner {
  private static final Set<String> SPECIAL_KEYS =
      Set.of(
          "bos_token",
          "eos_token",
          "unk_token",
          "sep_token",
          "pad_token",
          "cls_token",
          "mask_token",
          "eot_token",
          "image_token");
  private static final Set<String> CONFIG_KEYS =
      Set.of(
          "added_tokens_decoder",
          "tokenizer_class",
          "chat_template",
          "model_max_length",
          "clean_up_tokenization_spaces");
  private static final Set<String> TOKENIZER_JSON_KEYS =
      Set.of("version", "truncation", "padding", "normalizer", "pre_tokenizer", "model");
  private static final int MAX_TOKEN_FINDINGS = 50;

  /** Distinct token texts remembered (for de-duplication and the vocabulary look-up). */
  private static final int MAX_REMEMBERED_TOKENS = 200_000;

  private final TokenAnomalies anomalies = TokenAnomalies.defaults();

  @Override
  public String name() {
    return "tokenizer";
  }

  @Override
  public String version() {
    return "1.0.0+" + ChatTemplateAnalyzer.version() + "+tok" + anomalies.version();
  }

  @Override
  public String description() {
    return "Tokenizer files (`tokenizer.json`, `tokenizer_config.json`, `special_tokens_map.json`, `chat_template.json`, streamed): chat templates analysed for server-side template injection, anomalous special tokens (oversized, control or bidi characters, prompt-injection text), added tokens that shadow ordinary words, custom tokenizer code in `auto_map`.";
  }

  @Override
  public boolean supports(Probe probe) {
    if (probe.byteAt(0) < 0) {
      return false;
    }
    return kind(BoundedJson.topLevelKeys(probe.head())) != null;
  }

  /** What kind of tokenizer file the top-level keys say this is, or null for none. */
  static @Nullable String kind(Set<String> keys) {
    if (keys.isEmpty()) {
      return null;
    }
    if (keys.contains("added_tokens") && keys.stream().anyMatch(TOKENIZER_JSON_KEYS::contains)) {
      return "tokenizer-json";
    }
    if (keys.contains("model_type") || keys.contains("architectures")) {
      return null; // a model config that mentions a tokenizer class
    }
    if (keys.stream().anyMatch(CONFIG_KEYS::contains)) {
      return "tokenizer-config";
    }
    boolean allSpecial =
        keys.stream()
            .allMatch(k -> SPECIAL_KEYS.contains(k) || k.equals("additional_special_tokens"));
    return allSpecial ? "special-tokens-map" : null;
  }

  /** One scan's state; the scanner is shared. */
  private final class Session {
    final ScanContext ctx;
    final JsonParser p;
    final Set<String> reported = new HashSet<>();
    final Map<String, Boolean> vocabCandidates = new HashMap<>();
    int tokenFindings;

    Session(ScanContext ctx, JsonParser p) {
      this.ctx = ctx;
      this.p = p;
    }

    long offset() {
      return p.currentTokenLocation().getByteOffset();
    }

    void token(
        String content, boolean special, @Nullable Boolean normalized, String path, long at) {
      if (tokenFindings >= MAX_TOKEN_FINDINGS || reported.contains(content)) {
        return;
      }
      if (reported.size() < MAX_REMEMBERED_TOKENS) {
        reported.add(content);
      }
      List<String> reasons = anomalies.anomalies(content);
      if (!reasons.isEmpty()) {
        tokenFindings++;
        ctx.report(
            "TOK-001",
            ctx.at(at, path),
            (special ? "Special" : "Added")
                + " token at "
                + path
                + " "
                + String.join("; ", reasons)
                + ".",
            content);
      }
      String word = TokenAnomalies.ordinaryWord(content);
      if (word == null || (!special && !Boolean.FALSE.equals(normalized))) {
        return;
      }
      if (anomalies.isCommonWord(word)) {
        tokenFindings++;
        shadow(content, special, path, at, "the common word '" + word + "'");
      } else if (vocabCandidates.size() < MAX_REMEMBERED_TOKENS) {
        vocabCandidates.put(content, special);
      }
    }

    void shadow(String content, boolean special, String path, long at, String what) {
      ctx.report(
          "TOK-002",
          special ? Severity.MEDIUM : Severity.LOW,
          ctx.at(at, path),
          "The added token at "
              + path
              + " is "
              + what
              + (special
                  ? ", marked special: wherever it appears in text it becomes a control token."
                  : ", not normalized: it overrides the normal tokenization of that word."),
          content);
    }
  }

  @Override
  public void scan(Source source, ScanContext ctx) throws IOException {
    try (InputStream in = source.openStream();
        JsonParser p = BoundedJson.factory().createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedFileException("A tokenizer file must be a JSON object", 0);
      }
      Session s = new Session(ctx, p);
      Set<String> keys = new TreeSet<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        ctx.checkDeadline();
        String key = p.currentName();
        keys.add(key);
        JsonToken value = p.nextToken();
        long at = s.offset();
        switch (key) {
          case "chat_template" -> chatTemplate(s, value, at);
          case "added_tokens" -> addedTokens(s);
          case "added_tokens_decoder" -> addedTokensDecoder(s);
          case "additional_special_tokens" -> additionalSpecialTokens(s);
          case "auto_map" -> autoMap(s, value, at);
          case "model" -> model(s);
          default -> {
            if (SPECIAL_KEYS.contains(key)) {
              specialToken(s, key, value, at);
            } else {
              p.skipChildren();
            }
          }
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new MalformedFileException("The tokenizer JSON object is not closed", s.offset());
      }
      String kind = kind(keys);
      ctx.setFormat(kind == null ? "tokenizer" : kind);
    } catch (JsonProcessingException e) {
      long offset = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
      throw new MalformedFileException(
          "The tokenizer file is not valid JSON: " + BoundedJson.describe(e), offset, e);
    } catch (java.io.CharConversionException e) {
      // Jackson's encoding detection (UTF-16/32) meets bytes that are no text at all.
      throw new MalformedFileException("The tokenizer file is not text: " + e.getMessage(), -1, e);
    }
  }

  private static void chatTemplate(Session s, JsonToken value, long at) throws IOException {
    JsonParser p = s.p;
    if (value == JsonToken.VALUE_STRING) {
      s.ctx.addProperty("tokenizer.chat_template", "default");
      ChatTemplateAnalyzer.defaults().analyze(p.getText(), s.ctx, s.ctx.at(at, "chat_template"));
      return;
    }
    if (value != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    int index = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        p.skipChildren();
        index++;
        continue;
      }
      String name = null;
      String template = null;
      long templateAt = s.offset();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if (field.equals("name") && v == JsonToken.VALUE_STRING) {
          name = p.getText();
        } else if (field.equals("template") && v == JsonToken.VALUE_STRING) {
          template = p.getText();
          templateAt = s.offset();
        } else {
          p.skipChildren();
        }
      }
      if (template != null) {
        String label = name == null ? Integer.toString(index) : name;
        s.ctx.addProperty("tokenizer.chat_template", label);
        ChatTemplateAnalyzer.defaults()
            .analyze(template, s.ctx, s.ctx.at(templateAt, "chat_template[" + label + "]"));
      }
      index++;
    }
  }

  /** tokenizer.json: an array of {id, content, special, normalized, ...}. */
  private static void addedTokens(Session s) throws IOException {
    JsonParser p = s.p;
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    int index = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() == JsonToken.START_OBJECT) {
        tokenObject(s, "added_tokens[" + index + "]", false);
      } else {
        p.skipChildren();
      }
      index++;
    }
  }

  /** tokenizer_config.json: {"128000": {content, special, normalized, ...}, ...}. */
  private static void addedTokensDecoder(Session s) throws IOException {
    JsonParser p = s.p;
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String id = p.currentName();
      if (p.nextToken() == JsonToken.START_OBJECT) {
        tokenObject(s, "added_tokens_decoder." + id, false);
      } else {
        p.skipChildren();
      }
    }
  }

  /** Reads one token object the parser is at; reports it. */
  private static void tokenObject(Session s, String path, boolean forceSpecial) throws IOException {
    JsonParser p = s.p;
    long at = s.offset();
    String content = null;
    boolean special = forceSpecial;
    Boolean normalized = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if (field.equals("content") && v == JsonToken.VALUE_STRING) {
        content = p.getText();
      } else if (field.equals("special") && v.isBoolean()) {
        special |= p.getBooleanValue();
      } else if (field.equals("normalized") && v.isBoolean()) {
        normalized = p.getBooleanValue();
      } else {
        p.skipChildren();
      }
    }
    if (content != null) {
      s.token(content, special, normalized, path, at);
    }
  }

  private static void specialToken(Session s, String key, JsonToken value, long at)
      throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      s.token(s.p.getText(), true, null, key, at);
    } else if (value == JsonToken.START_OBJECT) {
      tokenObject(s, key, true);
    } else {
      s.p.skipChildren();
    }
  }

  private static void additionalSpecialTokens(Session s) throws IOException {
    JsonParser p = s.p;
    if (p.currentToken() != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    int index = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      String path = "additional_special_tokens[" + index++ + "]";
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        s.token(p.getText(), true, null, path, s.offset());
      } else if (p.currentToken() == JsonToken.START_OBJECT) {
        tokenObject(s, path, true);
      } else {
        p.skipChildren();
      }
    }
  }

  /** A custom tokenizer class: the code transformers imports with trust_remote_code=True. */
  private static void autoMap(Session s, JsonToken value, long at) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      s.p.skipChildren();
      return;
    }
    JsonNode node = new ObjectMapper(BoundedJson.factory()).readTree(s.p);
    List<String> refs = new ArrayList<>();
    Set<String> modules = new TreeSet<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      List<JsonNode> values = new ArrayList<>();
      if (e.getValue().isArray()) {
        e.getValue().forEach(values::add);
      } else {
        values.add(e.getValue());
      }
      for (JsonNode v : values) {
        if (v.isTextual()) {
          String ref = v.asText();
          refs.add(e.getKey() + " -> " + ref);
          String local = ref.contains("--") ? ref.substring(ref.indexOf("--") + 2) : ref;
          int dot = local.lastIndexOf('.');
          if (dot > 0) {
            modules.add(local.substring(0, dot).replace('.', '/') + ".py");
          }
        }
      }
    }
    if (refs.isEmpty()) {
      return;
    }
    modules.forEach(m -> s.ctx.addProperty("hf.remote_code", m));
    s.ctx.report(
        "CFG-001",
        s.ctx.at(at, "auto_map"),
        "The tokenizer maps auto classes to custom code; loading it with trust_remote_code=True"
            + " imports "
            + String.join(", ", modules)
            + ".",
        String.join("; ", refs));
  }

  /**
   * tokenizer.json's model: merges are skipped; the vocabulary is streamed only to see whether an
   * added token that looks like a word is also an ordinary vocabulary piece.
   */
  private static void model(Session s) throws IOException {
    JsonParser p = s.p;
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if (!field.equals("vocab") || s.vocabCandidates.isEmpty()) {
        p.skipChildren();
        continue;
      }
      long at = s.offset();
      long n = 0;
      if (v == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          vocabPiece(s, p.currentName(), at);
          p.nextToken();
          p.skipChildren();
          if ((++n & 0xffff) == 0) {
            s.ctx.checkDeadline();
          }
        }
      } else if (v == JsonToken.START_ARRAY) {
        while (p.nextToken() != JsonToken.END_ARRAY) {
          if (p.currentToken() == JsonToken.START_ARRAY) {
            if (p.nextToken() == JsonToken.VALUE_STRING) {
              vocabPiece(s, p.getText(), at);
            }
            if (p.currentToken() != JsonToken.END_ARRAY) {
              while (p.nextToken() != JsonToken.END_ARRAY) {
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
          if ((++n & 0xffff) == 0) {
            s.ctx.checkDeadline();
          }
        }
      } else {
        p.skipChildren();
      }
    }
  }

  private static void vocabPiece(Session s, String piece, long at) {
    Boolean special = s.vocabCandidates.remove(piece);
    if (special != null && s.tokenFindings++ < MAX_TOKEN_FINDINGS) {
      s.shadow(piece, special, "model.vocab", at, "also an ordinary vocabulary piece");
    }
  }
}
