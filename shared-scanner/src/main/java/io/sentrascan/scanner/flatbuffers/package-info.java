/**
 * A bounded flatbuffer reader shared by the formats that are flatbuffers (TensorFlow Lite,
 * ExecuTorch): every offset, vtable and vector checked against the file before it is followed.
 */
package io.sentrascan.scanner.flatbuffers;
