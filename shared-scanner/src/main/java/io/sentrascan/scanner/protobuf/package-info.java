/**
 * A bounded reader of the protobuf wire format, shared by the formats that are protobuf messages
 * (Core ML, PaddlePaddle): no generated classes, every length checked against its message.
 */
package io.sentrascan.scanner.protobuf;
