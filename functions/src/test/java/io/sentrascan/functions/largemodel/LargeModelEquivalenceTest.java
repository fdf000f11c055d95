package io.sentrascan.functions.largemodel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.LargeScanRequest;
import io.sentrascan.events.ObjectRef;
import io.sentrascan.events.PlanChunk;
import io.sentrascan.functions.scan.ScanConfig;
import io.sentrascan.functions.scan.ScanTableDesign;
import io.sentrascan.functions.testing.Dynalite;
import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.ScanResult;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * The workflow gives what one invocation gives on the same files: the same verdict, the same files
 * with the same findings and errors, the same digests wherever a whole file was hashed (and a shard
 * manifest that matches the bytes where it was not), and a record, event, BOM and tags of the same
 * shape as the scan function's.
 */
class LargeModelEquivalenceTest extends LargeModelTestBase {
  private static final String FOLDER = "llama-like/";

  /** A sharded model folder: one shard (model-00002) carries a malicious pickle. */
  private static final Map<String, String> FILES =
      Map.of(
          "config.json", "hfconfig/benign-llama3-config.json",
          "README.md", "modelcard/benign-complete-README.md",
          "model-00001-of-00003.safetensors", "safetensors/benign-linear.safetensors",
          "model-00002-of-00003.bin", "pytorch/malicious-extra-pkl-entry.pt",
          "model-00003-of-00003.bin", "pytorch/benign-state-dict.pt",
          "model.gguf", "gguf/benign-llama3-chat.gguf");

  @Test
  void aShardedModelFolderScannedInChunksMatchesTheSingleInvocation() throws Exception {
    String prefix = "eq-" + table + "/" + FOLDER;
    Map<String, byte[]> content = new TreeMap<>();
    FILES.forEach((name, fixture) -> content.put(name, fixture(fixture)));
    content.forEach((name, bytes) -> upload(prefix + name, bytes));
    // Files over 700 bytes are big (structure + hash shards); shards of 1000 bytes: the 957-byte
    // file is hashed whole, the 1063- and 3584-byte files in 2 and 4 shards.
    LargeModelConfig cfg = largeConfig(700, 1000);
    LargeScanRequest request = LargeScanRequest.forPrefix("scan-" + table, MODELS, prefix);

    Run run = run(request, cfg);
    ScanResult single = singleInvocation(prefix);

    assertThat(run.chunks())
        .extracting(PlanChunk::kind)
        .containsOnly(PlanChunk.Kind.FILES, PlanChunk.Kind.STRUCTURE, PlanChunk.Kind.HASH_SHARD);
    assertThat(run.chunks().stream().filter(c -> c.kind() == PlanChunk.Kind.HASH_SHARD))
        .hasSize(1 + 2 + 4);
    assertThat(run.batches()).hasSizeGreaterThan(0);
    assertThat(run.outcome().get("verdict").asText()).isEqualTo("FAIL");
    assertThat(single.verdict().name()).isEqualTo("FAIL");
    assertThat(single.findings()).isNotEmpty();

    ScanResult merged = mergedAsTheAggregateSawIt(request, run);
    Map<String, FileResult> byPath = byPath(merged.files());
    Map<String, FileResult> expected = byPath(single.files());
    assertThat(byPath.keySet()).isEqualTo(expected.keySet());
    assertThat(merged.findings()).containsExactlyElementsOf(single.findings());
    assertThat(merged.countsBySeverity()).isEqualTo(single.countsBySeverity());
    for (FileResult want : single.files()) {
      FileResult got = byPath.get(want.path());
      assertThat(got.findings()).as(want.path()).isEqualTo(want.findings());
      assertThat(got.errors()).as(want.path()).isEqualTo(want.errors());
      assertThat(got.format()).as(want.path()).isEqualTo(want.format());
      assertThat(got.scanner()).as(want.path()).isEqualTo(want.scanner());
      assertThat(got.skipped()).as(want.path()).isEqualTo(want.skipped());
      Map<String, SortedSet<String>> props = new TreeMap<>(got.properties());
      props.remove(ResultMerger.SHARD_PROPERTY);
      assertThat(props).as(want.path()).isEqualTo(want.properties());
    }

    // Digests: every whole-file hash equals the single path's; big files hashed in shards carry
    // the OpenSSF-style manifest instead, and it matches the bytes.
    for (Map.Entry<String, byte[]> file : content.entrySet()) {
      String uri = "s3://" + MODELS + "/" + prefix + file.getKey();
      FileResult got = byPath.get(uri);
      int size = file.getValue().length;
      if (size <= 1000) {
        assertThat(got.digests()).as(uri).isEqualTo(expected.get(uri).digests()).hasSize(4);
        assertThat(got.properties()).doesNotContainKey(ResultMerger.SHARD_PROPERTY);
      } else {
        assertThat(got.digests()).as(uri).isEmpty();
        SortedSet<String> manifest = new TreeSet<>();
        for (int start = 0; start < size; start += 1000) {
          int end = Math.min(size, start + 1000);
          manifest.add(
              file.getKey()
                  + ":"
                  + start
                  + ":"
                  + end
                  + "="
                  + sha256(Arrays.copyOfRange(file.getValue(), start, end)));
        }
        assertThat(got.properties().get(ResultMerger.SHARD_PROPERTY)).as(uri).isEqualTo(manifest);
      }
    }

    // What a user sees: one record, the same counts, one event, the BOM, the tags.
    Map<String, AttributeValue> item = item(request.scanId());
    assertThat(item.get("verdict").s()).isEqualTo("FAIL");
    assertThat(item.get("key").s()).isEqualTo(prefix);
    assertThat(item.get("size").n())
        .isEqualTo(String.valueOf(content.values().stream().mapToLong(b -> b.length).sum()));
    assertThat(item).doesNotContainKey("sha256");
    Map<String, String> counts = new LinkedHashMap<>();
    item.get("counts").m().forEach((k, v) -> counts.put(k, v.n()));
    Map<String, String> expectedCounts = new LinkedHashMap<>();
    single.countsBySeverity().forEach((k, v) -> expectedCounts.put(k.name(), String.valueOf(v)));
    assertThat(counts).isEqualTo(expectedCounts);
    assertThat(eventBus.entries()).hasSize(1);
    JsonNode detail = EventJson.tree(eventBus.entries().get(0).get("Detail").asText());
    assertThat(detail.get("verdict").asText()).isEqualTo("FAIL");
    assertThat(detail.get("scanId").asText()).isEqualTo(request.scanId());
    assertThat(detail.get("topFindings").get(0).get("path").asText()).contains("model-00002");
    String bom =
        s3.getObjectAsBytes(b -> b.bucket(SBOMS).key("sboms/" + request.scanId() + ".cdx.json"))
            .asUtf8String();
    assertThat(bom).contains("sentrascan:" + ResultMerger.SHARD_PROPERTY, "model.gguf:0:1000=");
    for (String name : content.keySet()) {
      assertThat(tags(prefix + name, null))
          .containsEntry("sentrascan:verdict", "FAIL")
          .containsEntry("sentrascan:scan-id", request.scanId());
    }
  }

  @Test
  void aBigObjectGetsTheRecordTheScanFunctionWouldHaveWritten() throws Exception {
    String key = "big-" + table + "/model.pt";
    byte[] model = fixture("pytorch/malicious-extra-pkl-entry.pt");
    PutObjectResponse put = upload(key, model);
    JsonNode outcomes = invoke(handler(), s3Event(key, put, model.length));
    String scanId = outcomes.get(0).get("scanId").asText();
    Map<String, AttributeValue> single = item(scanId);
    List<JsonNode> singleEvents = List.copyOf(eventBus.entries());

    // The same object through the workflow, into a fresh table and event log.
    table = table + "-workflow";
    dynamoDb.createTable(ScanTableDesign.createTableRequest(table));
    Dynalite.awaitActive(dynamoDb, table);
    config =
        new ScanConfig(
            RESULTS,
            table,
            "sentrascan-bus",
            ScanConfig.DEFAULT_REPORT_INLINE_MAX_BYTES,
            true,
            ScanConfig.DEFAULT_MAX_OBJECT_BYTES,
            SBOMS);
    eventBus.clear();
    // As the hand-off passes it: the event's sequencer too, which orders the record for retention.
    ObjectRef object =
        new ObjectRef(
            MODELS,
            key,
            put.versionId(),
            (long) model.length,
            put.eTag().replace("\"", ""),
            single.get("sequencer").s());
    Run run =
        run(
            LargeScanRequest.forObject(scanId, object, (long) model.length),
            largeConfig(500, 1L << 20));
    Map<String, AttributeValue> workflow = item(scanId);

    assertThat(run.chunks())
        .extracting(PlanChunk::kind)
        .containsExactly(PlanChunk.Kind.STRUCTURE, PlanChunk.Kind.HASH_SHARD);
    assertThat(run.chunks().get(0).format()).isEqualTo("pytorch");
    for (String attribute :
        List.of(
            "scanId",
            "bucket",
            "key",
            "versionId",
            "revision",
            "sha256",
            "size",
            "verdict",
            "counts",
            "topFindings",
            "scannerVersion",
            "sequencer",
            "gsi1pk",
            "gsi2pk",
            "gsi3pk")) {
      assertThat(workflow.get(attribute)).as(attribute).isEqualTo(single.get(attribute));
    }
    assertThat(workflow.keySet())
        .containsAll(single.keySet().stream().filter(k -> !k.equals("reportLocation")).toList());
    JsonNode a = EventJson.tree(singleEvents.get(0).get("Detail").asText());
    JsonNode b = EventJson.tree(eventBus.entries().get(0).get("Detail").asText());
    assertThat(fieldNames(b)).isEqualTo(fieldNames(a));
    for (String field :
        List.of(
            "verdict", "sha256", "size", "countsBySeverity", "topFindings", "key", "versionId")) {
      assertThat(b.get(field)).as(field).isEqualTo(a.get(field));
    }
    assertThat(tags(key, put.versionId())).containsEntry("sentrascan:verdict", "FAIL");
  }

  private static List<String> fieldNames(JsonNode node) {
    return java.util.stream.StreamSupport.stream(
            java.util.Spliterators.spliteratorUnknownSize(node.fieldNames(), 0), false)
        .toList();
  }

  /** The files as the aggregate merged them, from the partials the run left in S3. */
  private static ScanResult mergedAsTheAggregateSawIt(LargeScanRequest request, Run run)
      throws Exception {
    Map<String, ChunkPartial> partials = new LinkedHashMap<>();
    for (PlanChunk c : run.chunks()) {
      String json =
          s3.getObjectAsBytes(
                  b ->
                      b.bucket(RESULTS)
                          .key(
                              io.sentrascan.events.LargeScanPlan.partialKey(
                                  request.scanId(), c.chunkId())))
              .asUtf8String();
      partials.put(c.chunkId(), EventJson.read(json, ChunkPartial.class));
    }
    ResultMerger.Merged merged = ResultMerger.merge(request, run.chunks(), partials);
    assertThat(merged.problems()).isEmpty();
    io.sentrascan.scanner.Policy policy = io.sentrascan.scanner.Policy.defaults();
    return new ScanResult(
        request.scanId(),
        java.time.Instant.EPOCH,
        0,
        "x",
        new java.util.TreeMap<>(),
        merged.targets(),
        merged.files(),
        policy,
        policy.verdict(merged.files()));
  }

  private static Map<String, FileResult> byPath(List<FileResult> files) {
    return files.stream()
        .collect(
            Collectors.toMap(FileResult::path, Function.identity(), (x, y) -> x, TreeMap::new));
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
