package io.sentrascan.scanner.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.pickle.ImportVerdict.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImportPolicyTest {
  private final ImportPolicy policy = ImportPolicy.defaults();

  @Test
  void listsLoadWithVersionsAndDocumentedGroups() {
    assertThat(policy.allowVersion()).matches("\\d+\\.\\d+\\.\\d+");
    assertThat(policy.denyVersion()).matches("\\d+\\.\\d+\\.\\d+");
    assertThat(policy.allowGroups()).allSatisfy(g -> assertThat(g.reason()).isNotBlank());
    assertThat(policy.denyFamilies())
        .allSatisfy(
            g -> {
              assertThat(g.reason()).isNotBlank();
              assertThat(g.patterns()).isNotEmpty();
            });
    assertThat(policy.denyFamilies()).hasSizeGreaterThan(20);
  }

  @Test
  void noAllowPatternIsAlsoDenied() {
    for (ImportPolicy.Group g : policy.allowGroups()) {
      for (String pattern : g.patterns()) {
        String sample = pattern.replace(".**", ".x").replace("*", "X");
        int dot = sample.lastIndexOf('.');
        ImportVerdict v = policy.classify(sample.substring(0, dot), sample.substring(dot + 1));
        assertThat(v.kind()).as(pattern).isEqualTo(Kind.ALLOWED);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({
    "os, system, DENIED, os",
    "os.path, join, DENIED, os",
    "posix, system, DENIED, os",
    "nt, spawnv, DENIED, os",
    "subprocess, Popen, DENIED, subprocess",
    "builtins, eval, DENIED, builtins-code",
    "__builtin__, eval, DENIED, builtins-code",
    "builtins, getattr, DENIED, builtins-reflection",
    "builtins, open, DENIED, builtins-io",
    "urllib.request, urlopen, DENIED, network",
    "torch, load, DENIED, nested-deserialization",
    "torch.hub, load, DENIED, remote-models",
    "dill._dill, _create_function, DENIED, nested-deserialization",
    "pathlib, os.system, DENIED, dangerous-attribute",
    "somepkg.utils, system, DENIED, dangerous-attribute",
    "torch._utils, _rebuild_tensor_v2, ALLOWED, torch-rebuild",
    "torch, FloatStorage, ALLOWED, torch-values",
    "collections, OrderedDict, ALLOWED, collections",
    "numpy.core.multiarray, _reconstruct, ALLOWED, numpy",
    "numpy._core.multiarray, _reconstruct, ALLOWED, numpy",
    "copy_reg, _reconstructor, ALLOWED, copyreg",
    "__builtin__, set, ALLOWED, builtins-values",
    "sklearn.linear_model._logistic, LogisticRegression, ALLOWED, scikit-learn",
    "transformers.models.bert.configuration_bert, BertConfig, ALLOWED, transformers-tokenizers",
    "torch, FloatStorageX.system, DENIED, dangerous-attribute",
    "mylib.models, Net, UNKNOWN, unknown",
    "torch.nn.modules.linear, Linear, ALLOWED, torch-modules",
    "builtins, type, UNKNOWN, unknown"
  })
  void classifies(String module, String name, Kind kind, String group) {
    ImportVerdict v = policy.classify(module, name);
    assertThat(v.kind()).isEqualTo(kind);
    assertThat(v.group()).isEqualTo(group);
  }

  @Test
  void wildcardsStayWithinOneSegment() {
    assertThat(policy.classify("torch.hub", "FloatStorage").kind()).isEqualTo(Kind.DENIED);
    assertThat(policy.classify("torch.evil", "FloatStorage").kind()).isEqualTo(Kind.UNKNOWN);
    assertThat(ImportPolicy.toRegex("os.**")).isEqualTo("(?:\\Qos\\E(?:\\..+)?)");
  }
}
