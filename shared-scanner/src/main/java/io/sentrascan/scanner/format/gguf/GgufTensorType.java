package io.sentrascan.scanner.format.gguf;

import org.jspecify.annotations.Nullable;

/** ggml tensor types: bytes per block and elements per block, to size a tensor's data. */
enum GgufTensorType {
  F32(0, 4, 1),
  F16(1, 2, 1),
  Q4_0(2, 18, 32),
  Q4_1(3, 20, 32),
  Q5_0(6, 22, 32),
  Q5_1(7, 24, 32),
  Q8_0(8, 34, 32),
  Q8_1(9, 36, 32),
  Q2_K(10, 84, 256),
  Q3_K(11, 110, 256),
  Q4_K(12, 144, 256),
  Q5_K(13, 176, 256),
  Q6_K(14, 210, 256),
  Q8_K(15, 292, 256),
  IQ2_XXS(16, 66, 256),
  IQ2_XS(17, 74, 256),
  IQ3_XXS(18, 98, 256),
  IQ1_S(19, 50, 256),
  IQ4_NL(20, 18, 32),
  IQ3_S(21, 110, 256),
  IQ2_S(22, 82, 256),
  IQ4_XS(23, 136, 256),
  I8(24, 1, 1),
  I16(25, 2, 1),
  I32(26, 4, 1),
  I64(27, 8, 1),
  F64(28, 8, 1),
  IQ1_M(29, 56, 256),
  BF16(30, 2, 1),
  TQ1_0(34, 54, 256),
  TQ2_0(35, 66, 256),
  MXFP4(39, 17, 32);

  final int id;
  final int blockBytes;
  final int blockElements;

  GgufTensorType(int id, int blockBytes, int blockElements) {
    this.id = id;
    this.blockBytes = blockBytes;
    this.blockElements = blockElements;
  }

  static @Nullable GgufTensorType of(int id) {
    for (GgufTensorType t : values()) {
      if (t.id == id) {
        return t;
      }
    }
    return null;
  }
}
