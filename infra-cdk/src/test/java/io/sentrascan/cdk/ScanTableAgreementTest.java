package io.sentrascan.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The table the stack declares is the one the function's {@code ScanTableDesign} creates in tests:
 * read from the function jar itself, in a class loader of its own (its SDK and Jackson stay out of
 * this module's class path).
 */
class ScanTableAgreementTest {

  private static Object call(Object target, String method) throws ReflectiveOperationException {
    Method m = target.getClass().getMethod(method);
    return m.invoke(target);
  }

  private static List<String> keys(Object keySchema) throws ReflectiveOperationException {
    List<String> out = new ArrayList<>();
    for (Object element : (List<?>) keySchema) {
      out.add(call(element, "attributeName") + ":" + call(element, "keyTypeAsString"));
    }
    return out;
  }

  @Test
  void stackTableMatchesScanTableDesign() throws Exception {
    URL jar = FunctionsJar.locate().toUri().toURL();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar}, ClassLoader.getPlatformClassLoader())) {
      Class<?> design = loader.loadClass("io.sentrascan.functions.scan.ScanTableDesign");
      Object request = design.getMethod("createTableRequest", String.class).invoke(null, "t");

      assertThat(keys(call(request, "keySchema")))
          .containsExactly(ScanTable.PARTITION_KEY + ":HASH", ScanTable.SORT_KEY + ":RANGE");
      assertThat(call(request, "billingModeAsString")).isEqualTo("PAY_PER_REQUEST");

      List<String> fromJar = new ArrayList<>();
      for (Object gsi : (List<?>) call(request, "globalSecondaryIndexes")) {
        fromJar.add(
            call(gsi, "indexName")
                + " "
                + keys(call(gsi, "keySchema"))
                + " "
                + call(call(gsi, "projection"), "projectionTypeAsString"));
      }
      List<String> fromStack = new ArrayList<>();
      for (ScanTable.Index index : ScanTable.INDEXES) {
        fromStack.add(
            index.name()
                + " "
                + List.of(index.partitionKey() + ":HASH", index.sortKey() + ":RANGE")
                + " ALL");
      }
      assertThat(fromStack).containsExactlyInAnyOrderElementsOf(fromJar);
    }
  }

  @Test
  void synthesizedTableDeclaresTheseIndexes() {
    List<Object> expected = new ArrayList<>();
    for (ScanTable.Index index : ScanTable.INDEXES) {
      expected.add(
          Map.of(
              "IndexName",
              index.name(),
              "KeySchema",
              List.of(
                  Map.of("AttributeName", index.partitionKey(), "KeyType", "HASH"),
                  Map.of("AttributeName", index.sortKey(), "KeyType", "RANGE")),
              "Projection",
              Map.of("ProjectionType", "ALL")));
    }
    Map<String, Object> table =
        Synthesized.properties(PipelineTemplateTest.onlyId("AWS::DynamoDB::Table"));
    List<Object> declared = new ArrayList<>((List<?>) table.get("GlobalSecondaryIndexes"));
    assertThat(declared).containsExactlyInAnyOrderElementsOf(expected);
  }
}
