package io.sentrascan.scanner.pickle;

import org.jspecify.annotations.Nullable;

/**
 * One distinct imported name in a pickle: where it was first imported, how it is classified, and
 * the first time it is called. One record per name and analysed file, however often it is used.
 */
final class ImportRecord {
  final String module;
  final String name;
  final ImportVerdict verdict;
  final String opcode;
  final long offset;
  final int stream;
  @Nullable String callOpcode;
  long callOffset = -1;

  ImportRecord(
      String module, String name, ImportVerdict verdict, String opcode, long offset, int stream) {
    this.module = module;
    this.name = name;
    this.verdict = verdict;
    this.opcode = opcode;
    this.offset = offset;
    this.stream = stream;
  }

  String qualified() {
    return module + "." + name;
  }

  boolean called() {
    return callOpcode != null;
  }

  void markCalled(String how, long at) {
    if (callOpcode == null) {
      callOpcode = how;
      callOffset = at;
    }
  }
}
