package io.sentrascan.functions.scan;

import io.sentrascan.functions.testing.AwsTestClients;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.sbom.MlBomBuilder;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * Benchmark, not a test: one object scanned through {@link S3RangeSource} exactly as the scan
 * function does (1 MiB blocks, 8 cached), counting GET requests and bytes fetched, with the hash
 * pass (the function's SHA-256, SHA-512, SHA-1 and MD5) on or off. Prints one JSON line. Run by
 * {@code functions/bench/run.sh}.
 *
 * <pre>RangeReadBench ENDPOINTS OBJECT_PROPERTIES hash|nohash</pre>
 */
public final class RangeReadBench {
  private RangeReadBench() {}

  public static void main(String[] args) throws Exception {
    Properties endpoints = load(Path.of(args[0]));
    Properties object = load(Path.of(args[1]));
    boolean hash = args[2].equals("hash");
    ScanEngine engine = ScanEngine.defaults().withDigests(hash ? MlBomBuilder.DIGESTS : List.of());
    S3RangeSource source =
        new S3RangeSource(
            AwsTestClients.s3(URI.create(endpoints.getProperty("s3"))),
            object.getProperty("bucket"),
            object.getProperty("key"),
            object.getProperty("versionId"),
            null,
            Long.parseLong(object.getProperty("size")),
            "s3://" + object.getProperty("bucket") + "/" + object.getProperty("key"),
            S3RangeSource.BLOCK_BYTES);
    long t0 = System.nanoTime();
    ScanResult result = engine.scanSources(List.of(source), Policy.defaults());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println(
        "{\"hash\":"
            + hash
            + ",\"size\":"
            + source.size()
            + ",\"requests\":"
            + source.requests()
            + ",\"bytesFetched\":"
            + source.bytesFetched()
            + ",\"scanMs\":"
            + ms
            + ",\"verdict\":\""
            + result.verdict()
            + "\",\"findings\":"
            + result.findings().size()
            + ",\"vmHwmKb\":"
            + io.sentrascan.functions.bench.HandlerBench.vmHwmKb()
            + "}");
  }

  private static Properties load(Path file) throws java.io.IOException {
    Properties p = new Properties();
    try (var in = Files.newInputStream(file)) {
      p.load(in);
    }
    return p;
  }
}
