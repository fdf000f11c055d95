package io.sentrascan.scanner.container;

import org.jspecify.annotations.Nullable;

/** Recognises the start of a native executable or script, for data in front of an archive. */
final class ExecutableMagic {
  private ExecutableMagic() {}

  /** What kind of executable the bytes start, or null when none. */
  static @Nullable String describe(byte[] head) {
    if (starts(head, 'M', 'Z')) {
      return "a Windows (PE) executable";
    }
    if (starts(head, 0x7f, 'E', 'L', 'F')) {
      return "an ELF executable";
    }
    if (starts(head, '#', '!')) {
      return "a script (#!)";
    }
    if (starts(head, 0xfe, 0xed, 0xfa, 0xce)
        || starts(head, 0xfe, 0xed, 0xfa, 0xcf)
        || starts(head, 0xce, 0xfa, 0xed, 0xfe)
        || starts(head, 0xcf, 0xfa, 0xed, 0xfe)
        || starts(head, 0xca, 0xfe, 0xba, 0xbe)) {
      return "a Mach-O executable";
    }
    return null;
  }

  private static boolean starts(byte[] head, int... magic) {
    if (head.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
