package io.sentrascan.scanner.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Sources;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class PickleMachineTest {
  private static PickleLedger run(byte[] data) throws IOException {
    PickleLedger ledger = new PickleLedger(ImportPolicy.defaults(), () -> {});
    new PickleMachine(ledger, 0)
        .run(new PickleOpcodeReader(Sources.bytes(data, "t"), 0, Long.MAX_VALUE));
    return ledger;
  }

  private static ImportRecord record(PickleLedger ledger, String qualified) {
    return ledger.imports().stream()
        .filter(r -> r.qualified().equals(qualified))
        .findFirst()
        .orElseThrow(() -> new AssertionError(qualified + " not in " + ledger.imports()));
  }

  @Test
  void resolvesStackGlobalThroughMemoizedStrings() throws IOException {
    PickleBytes p = PickleBytes.of().proto(4);
    p.shortUnicode("os").op(0x94); // memo 0
    p.shortUnicode("system").op(0x94).op('0').op('0'); // memo 1, both popped
    p.shortUnicode("decoy").op('0');
    int stackGlobal = p.op('h', 0).op('h', 1).size();
    p.op(0x93);
    p.shortUnicode("id").op(0x85);
    int reduce = p.size();
    p.reduce().stop();
    ImportRecord r = record(run(p.bytes()), "os.system");
    assertThat(r.opcode).isEqualTo("STACK_GLOBAL");
    assertThat(r.offset).isEqualTo(stackGlobal);
    assertThat(r.verdict.kind()).isEqualTo(ImportVerdict.Kind.DENIED);
    assertThat(r.callOpcode).isEqualTo("REDUCE");
    assertThat(r.callOffset).isEqualTo(reduce);
  }

  @Test
  void resolvesProtocolZeroMemoStrings() throws IOException {
    byte[] data =
        PickleBytes.of()
            .ascii("Vsubprocess\np0\n0")
            .ascii("S'Popen'\np1\n0")
            .ascii("g0\ng1\n")
            .op(0x93)
            .op(')')
            .reduce()
            .stop()
            .bytes();
    assertThat(record(run(data), "subprocess.Popen").called()).isTrue();
  }

  @Test
  void followsAGlobalStoredInTheMemoToItsCall() throws IOException {
    PickleBytes p = PickleBytes.of().proto(2).global("os", "system").op('r').u32(70000).op('0');
    p.op('N').op('0');
    int call = p.op('j').u32(70000).mark().unicode("id").tuple().size();
    byte[] data = p.reduce().stop().bytes();
    ImportRecord r = record(run(data), "os.system");
    assertThat(r.opcode).isEqualTo("GLOBAL");
    assertThat(r.offset).isEqualTo(2);
    assertThat(r.callOffset).isEqualTo(call);
  }

  @Test
  void detectsEachCallingOpcode() throws IOException {
    byte[] reduce = PickleBytes.call("evilpkg", "f", "x");
    assertThat(record(run(reduce), "evilpkg.f").callOpcode).isEqualTo("REDUCE");

    byte[] newobj =
        PickleBytes.of().proto(2).global("evilpkg", "C").op(')').op(0x81).stop().bytes();
    assertThat(record(run(newobj), "evilpkg.C").callOpcode).isEqualTo("NEWOBJ");

    byte[] newobjEx =
        PickleBytes.of().proto(4).global("evilpkg", "C").op(')').op('}').op(0x92).stop().bytes();
    assertThat(record(run(newobjEx), "evilpkg.C").callOpcode).isEqualTo("NEWOBJ_EX");

    byte[] inst = PickleBytes.of().mark().ascii("S'x'\n").inst("evilpkg", "C").stop().bytes();
    ImportRecord i = record(run(inst), "evilpkg.C");
    assertThat(i.opcode).isEqualTo("INST");
    assertThat(i.callOpcode).isEqualTo("INST");

    byte[] obj = PickleBytes.of().mark().global("evilpkg", "C").op('o').stop().bytes();
    assertThat(record(run(obj), "evilpkg.C").callOpcode).isEqualTo("OBJ");

    // BUILD on an instance made without calling its class: __setstate__ runs.
    byte[] build =
        PickleBytes.of()
            .proto(2)
            .global("copyreg", "_reconstructor")
            .mark()
            .global("evilpkg", "C")
            .global("builtins", "object")
            .op('N')
            .tuple()
            .reduce()
            .op('}')
            .op('b')
            .stop()
            .bytes();
    PickleLedger l = run(build);
    assertThat(record(l, "evilpkg.C").callOpcode).isEqualTo("BUILD");
    assertThat(record(l, "builtins.object").called()).isFalse();
    assertThat(record(l, "copyreg._reconstructor").verdict.kind())
        .isEqualTo(ImportVerdict.Kind.ALLOWED);
  }

  @Test
  void anImportThatIsOnlyImportedIsNotCalled() throws IOException {
    byte[] data = PickleBytes.of().proto(2).global("evilpkg", "C").op('0').op('N').stop().bytes();
    ImportRecord r = record(run(data), "evilpkg.C");
    assertThat(r.called()).isFalse();
    assertThat(r.verdict).isEqualTo(ImportVerdict.UNKNOWN);
  }

  @Test
  void callingTheResultOfACallCountsAsCallingItsOrigin() throws IOException {
    byte[] data =
        PickleBytes.of()
            .proto(2)
            .global("evilpkg", "factory")
            .op(')')
            .reduce()
            .op(')')
            .reduce()
            .stop()
            .bytes();
    assertThat(record(run(data), "evilpkg.factory").called()).isTrue();
  }

  @Test
  void computedImportNamesAreProblems() throws IOException {
    byte[] data =
        PickleBytes.of()
            .proto(4)
            .global("builtins", "str")
            .shortUnicode("os")
            .op(0x85)
            .reduce()
            .shortUnicode("system")
            .op(0x93)
            .op(')')
            .reduce()
            .stop()
            .bytes();
    PickleLedger l = run(data);
    assertThat(l.problems()).extracting(PickleLedger.Problem::ruleId).contains("PKL-008");
  }

  @Test
  void extensionRegistryImportsAreRecorded() throws IOException {
    byte[] data = PickleBytes.of().proto(2).op(0x82, 7).op(')').reduce().stop().bytes();
    ImportRecord r = run(data).imports().iterator().next();
    assertThat(r.name).isEqualTo("code 7");
    assertThat(r.opcode).isEqualTo("EXT1");
    assertThat(r.called()).isTrue();
  }

  @Test
  void hostileStacksAreErrorsNotCrashes() {
    byte[] underflow = PickleBytes.of().proto(2).reduce().stop().bytes();
    assertThatThrownBy(() -> run(underflow))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("underflow");
    byte[] missingMemo = PickleBytes.of().proto(2).op('h', 9).stop().bytes();
    assertThatThrownBy(() -> run(missingMemo)).isInstanceOf(MalformedFileException.class);
    byte[] hugeMemo = PickleBytes.of().proto(2).op('N').op('r').u32(0xfffffff0L).stop().bytes();
    assertThatThrownBy(() -> run(hugeMemo)).isInstanceOf(PickleLimitException.class);
    byte[] popBelowMark = PickleBytes.of().proto(2).op('N').mark().reduce().stop().bytes();
    assertThatThrownBy(() -> run(popBelowMark)).isInstanceOf(MalformedFileException.class);
    byte[] badProtocol = PickleBytes.of().proto(9).op('N').stop().bytes();
    assertThatThrownBy(() -> run(badProtocol)).hasMessageContaining("protocol 9");
    PickleBytes deep = PickleBytes.of().proto(2);
    for (int i = 0; i < PickleMachine.MAX_MARKS + 1; i++) {
      deep.mark();
    }
    assertThatThrownBy(() -> run(deep.bytes())).isInstanceOf(PickleLimitException.class);
  }

  @Test
  void skipsJoblibArrayBytesAndSeesWhatFollows() throws IOException {
    PickleBytes p = PickleBytes.of().proto(4).op(']').mark();
    p.global("joblib.numpy_pickle", "NumpyArrayWrapper").op(')').op(0x81);
    p.op('}').mark();
    p.shortUnicode("shape").op('K', 3).op(0x85);
    p.shortUnicode("dtype").global("numpy", "dtype").shortUnicode("f8").op(0x89, 0x88).op(0x87);
    p.reduce().op('N').op('b');
    p.shortUnicode("numpy_array_alignment_bytes").op('K', 16);
    p.op('u').op('b');
    p.op(5).raw(new byte[5]); // padding length and padding
    p.ascii("cos\nsystem\n").raw(new byte[24 - 11]); // array bytes that look like opcodes
    p.global("os", "system").op('0');
    p.op('e').stop();
    PickleLedger l = run(p.bytes());
    assertThat(l.joblib).isTrue();
    ImportRecord r = record(l, "os.system");
    assertThat(r.offset).isEqualTo(p.size() - 14); // the real one, after the array bytes
  }

  @Test
  void stringsPastTheRetentionBudgetMakeImportsUnresolvableNotInvisible() throws IOException {
    PickleBytes p = PickleBytes.of().proto(4).op(']');
    String filler = "x".repeat(500);
    long kept = 0;
    int memo = 0;
    while (kept <= PickleMachine.MAX_TEXT_CHARS) {
      p.unicode(filler).op('r').u32(memo++).op('0');
      kept += filler.length();
    }
    p.shortUnicode("os").op('r').u32(memo++).op('0');
    p.shortUnicode("system").op('r').u32(memo).op('0');
    p.op('j').u32(memo - 1).op('j').u32(memo).op(0x93).op(')').reduce().op('0').stop();
    PickleLedger l = run(p.bytes());
    assertThat(l.imports()).isEmpty();
    assertThat(l.problems()).extracting(PickleLedger.Problem::ruleId).contains("PKL-008");
  }
}
