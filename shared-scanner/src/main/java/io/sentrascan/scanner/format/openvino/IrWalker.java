package io.sentrascan.scanner.format.openvino;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Severity;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streams the IR's elements once, with depth and element-count bounds.
 *
 * <p>Structure checked on 2026-11-27 against OpenVINO's IR documentation
 * (docs/articles_en/documentation/openvino-ir-format.rst: {@code <net>} root, {@code <layer>} per
 * operation with {@code type} and the opset in {@code version}, {@code <edge>} per data flow) and
 * the IR reader of openvinotoolkit/openvino (inference-engine/src/readers/ir_reader/
 * ie_ir_parser.cpp, 2021): an operation whose {@code version} names no opset, such as {@code
 * "extension"} or {@code "experimental"}, is built from a loaded extension library. So every
 * version that is not {@code opsetN} (or OpenVINO's {@code internal}) is reported, as written.
 */
final class IrWalker {
  static final long MAX_BYTES = 512L * 1024 * 1024;
  static final int MAX_DEPTH = 64;
  static final long MAX_ELEMENTS = 20_000_000L;
  private static final int PER_RULE = 10;
  private static final Pattern STANDARD_OPSET = Pattern.compile("opset\\d{1,3}");

  /** Operation types of the standard opsets (opset1 to opset15) and of OpenVINO's internal ops. */
  static final Set<String> STANDARD_TYPES =
      Set.of(
          "Abs",
          "Acos",
          "Acosh",
          "AdaptiveAvgPool",
          "AdaptiveMaxPool",
          "Add",
          "Asin",
          "Asinh",
          "Assign",
          "Atan",
          "Atanh",
          "AvgPool",
          "BatchNormInference",
          "BatchToSpace",
          "BinaryConvolution",
          "BitwiseAnd",
          "BitwiseLeftShift",
          "BitwiseNot",
          "BitwiseOr",
          "BitwiseRightShift",
          "BitwiseXor",
          "Broadcast",
          "Bucketize",
          "CTCGreedyDecoder",
          "CTCGreedyDecoderSeqLen",
          "CTCLoss",
          "Ceiling",
          "Clamp",
          "Col2Im",
          "Concat",
          "Const",
          "Constant",
          "Convert",
          "ConvertLike",
          "ConvertPromoteTypes",
          "Convolution",
          "ConvolutionBackpropData",
          "Cos",
          "Cosh",
          "CumSum",
          "DFT",
          "DeformableConvolution",
          "DeformablePSROIPooling",
          "DepthToSpace",
          "DetectionOutput",
          "Divide",
          "Einsum",
          "Elu",
          "EmbeddingBagOffsets",
          "EmbeddingBagOffsetsSum",
          "EmbeddingBagPacked",
          "EmbeddingBagPackedSum",
          "EmbeddingSegmentsSum",
          "Equal",
          "Erf",
          "Exp",
          "ExperimentalDetectronDetectionOutput",
          "ExperimentalDetectronGenerateProposalsSingleImage",
          "ExperimentalDetectronPriorGridGenerator",
          "ExperimentalDetectronROIFeatureExtractor",
          "ExperimentalDetectronTopKROIs",
          "ExtractImagePatches",
          "Eye",
          "FakeConvert",
          "FakeQuantize",
          "Floor",
          "FloorMod",
          "GRN",
          "GRUCell",
          "GRUSequence",
          "Gather",
          "GatherElements",
          "GatherND",
          "GatherTree",
          "Gelu",
          "GenerateProposals",
          "Greater",
          "GreaterEqual",
          "GridSample",
          "GroupConvolution",
          "GroupConvolutionBackpropData",
          "GroupNormalization",
          "HSigmoid",
          "HSwish",
          "HardSigmoid",
          "IDFT",
          "IRDFT",
          "ISTFT",
          "Identity",
          "If",
          "Interpolate",
          "Inverse",
          "IsFinite",
          "IsInf",
          "IsNaN",
          "LRN",
          "LSTMCell",
          "LSTMSequence",
          "Less",
          "LessEqual",
          "Log",
          "LogSoftmax",
          "LogicalAnd",
          "LogicalNot",
          "LogicalOr",
          "LogicalXor",
          "Loop",
          "MVN",
          "MatMul",
          "MatrixNms",
          "MaxPool",
          "Maximum",
          "Minimum",
          "Mish",
          "Mod",
          "MulticlassNms",
          "Multinomial",
          "Multiply",
          "NMSRotated",
          "Negative",
          "NonMaxSuppression",
          "NonZero",
          "NormalizeL2",
          "NotEqual",
          "OneHot",
          "PRelu",
          "PReLU",
          "PSROIPooling",
          "Pad",
          "Parameter",
          "Power",
          "PriorBox",
          "PriorBoxClustered",
          "Proposal",
          "RDFT",
          "RNNCell",
          "RNNSequence",
          "ROIAlign",
          "ROIAlignRotated",
          "ROIPooling",
          "RandomUniform",
          "Range",
          "ReadValue",
          "ReduceL1",
          "ReduceL2",
          "ReduceLogicalAnd",
          "ReduceLogicalOr",
          "ReduceMax",
          "ReduceMean",
          "ReduceMin",
          "ReduceProd",
          "ReduceSum",
          "RegionYolo",
          "Relu",
          "ReorgYolo",
          "Reshape",
          "Result",
          "Reverse",
          "ReverseSequence",
          "Roll",
          "Round",
          "STFT",
          "ScaledDotProductAttention",
          "ScatterElementsUpdate",
          "ScatterNDUpdate",
          "ScatterUpdate",
          "SearchSorted",
          "SegmentMax",
          "Select",
          "Selu",
          "ShapeOf",
          "ShuffleChannels",
          "Sigmoid",
          "Sign",
          "Sin",
          "Sinh",
          "Slice",
          "SliceScatter",
          "SoftMax",
          "SoftPlus",
          "SoftSign",
          "Softmax",
          "SpaceToBatch",
          "SpaceToDepth",
          "SparseFillEmptyRows",
          "Split",
          "Sqrt",
          "SquaredDifference",
          "Squeeze",
          "StridedSlice",
          "StringTensorPack",
          "StringTensorUnpack",
          "Subtract",
          "Swish",
          "Tan",
          "Tanh",
          "TensorIterator",
          "Tile",
          "TopK",
          "Transpose",
          "Unique",
          "Unsqueeze",
          "VariadicSplit",
          "PagedAttentionExtension",
          "TypeRelaxed",
          "NonMaxSuppressionIEInternal",
          "RMS",
          "RoPE",
          "GatherCompressed",
          "FullyConnected",
          "FullyConnectedCompressed");

  private final XMLStreamReader xml;
  private final ScanContext context;
  private final Map<String, Integer> counts = new TreeMap<>();
  private int layers;

  IrWalker(XMLStreamReader xml, ScanContext context) {
    this.xml = xml;
    this.context = context;
  }

  void walk() throws XMLStreamException, MalformedFileException {
    int depth = 0;
    long elements = 0;
    boolean root = true;
    try {
      while (xml.hasNext()) {
        int event = xml.next();
        if (event == XMLStreamConstants.DTD) {
          report(
              "OV-003",
              null,
              offset(),
              "DOCTYPE",
              "The IR declares a DOCTYPE"
                  + (xml.getText().contains("ENTITY") ? " with entity declarations" : "")
                  + "; OpenVINO's IR never has one, and entities are how XML external-entity"
                  + " attacks read files. It was not resolved.",
              xml.getText());
        } else if (event == XMLStreamConstants.ENTITY_REFERENCE) {
          report(
              "OV-003",
              null,
              offset(),
              "&" + xml.getLocalName() + ";",
              "The IR refers to the entity &" + xml.getLocalName() + "; (not resolved).",
              "&" + xml.getLocalName() + ";");
        } else if (event == XMLStreamConstants.START_ELEMENT) {
          if (++depth > MAX_DEPTH) {
            throw new MalformedFileException("IR XML nested deeper than " + MAX_DEPTH, offset());
          }
          if (++elements > MAX_ELEMENTS) {
            throw new MalformedFileException(
                "more than " + MAX_ELEMENTS + " XML elements", offset());
          }
          if ((elements & 0xfff) == 0) {
            context.checkDeadline();
          }
          String name = xml.getLocalName();
          if (root) {
            root = false;
            if (!name.equals("net")) {
              throw new MalformedFileException(
                  "the root element is <" + name + ">, not <net>", offset());
            }
            String version = xml.getAttributeValue(null, "version");
            context.addProperty("openvino.ir_version", version == null ? "" : version);
          }
          element(name);
        } else if (event == XMLStreamConstants.END_ELEMENT) {
          depth--;
        }
      }
    } finally {
      context.addProperty("openvino.layers", Integer.toString(layers));
      summarise();
      xml.close();
    }
  }

  private void element(String name) {
    for (int i = 0; i < xml.getAttributeCount(); i++) {
      String attr = xml.getAttributeLocalName(i);
      if (attr.equalsIgnoreCase("extension") || attr.equalsIgnoreCase("extensions")) {
        report(
            "OV-001",
            null,
            offset(),
            "<" + name + " " + attr + ">",
            "Element <"
                + name
                + "> names an extension ("
                + xml.getAttributeValue(i)
                + "); extensions are native libraries loaded into the process.",
            attr + "=" + xml.getAttributeValue(i));
      }
    }
    if (name.equals("custom_layer") || name.equals("CustomLayer")) {
      report(
          "OV-001",
          null,
          offset(),
          "<" + name + ">",
          "The IR declares a custom layer implementation, which a native extension provides.",
          "<" + name + " " + attributes() + ">");
      return;
    }
    if (!name.equals("layer")) {
      return;
    }
    layers++;
    String type = orEmpty(xml.getAttributeValue(null, "type"));
    String opset = xml.getAttributeValue(null, "version");
    String layerName = orEmpty(xml.getAttributeValue(null, "name"));
    String where =
        "layer " + orEmpty(xml.getAttributeValue(null, "id")) + " " + layerName + " (" + type + ")";
    if (opset != null && !STANDARD_OPSET.matcher(opset).matches() && !opset.equals("internal")) {
      context.addProperty("openvino.extension_opsets", opset);
      report(
          "OV-001",
          null,
          offset(),
          where,
          "Layer "
              + where
              + " comes from opset \""
              + opset
              + "\", not a standard OpenVINO opset: loading the model needs a custom extension, a native library.",
          "type=" + type + " version=" + opset);
    } else if (!STANDARD_TYPES.contains(type)) {
      report(
          "OV-002",
          null,
          offset(),
          where,
          "Layer "
              + where
              + " has a type this scanner does not know from the standard opsets; it may need a custom extension.",
          "type=" + type + (opset == null ? "" : " version=" + opset));
    }
  }

  private String attributes() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < xml.getAttributeCount() && sb.length() < 200; i++) {
      sb.append(i == 0 ? "" : " ")
          .append(xml.getAttributeLocalName(i))
          .append("=\"")
          .append(xml.getAttributeValue(i))
          .append('"');
    }
    return sb.toString();
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private long offset() {
    return xml.getLocation() == null ? -1 : xml.getLocation().getCharacterOffset();
  }

  private void report(
      String rule, Severity severity, long at, String where, String description, String evidence) {
    if (counts.merge(rule, 1, Integer::sum) <= PER_RULE) {
      Severity s = severity == null ? context.rule(rule).severity() : severity;
      context.report(rule, s, context.at(at, where), description, evidence);
    }
  }

  private void summarise() {
    counts.forEach(
        (rule, n) -> {
          if (n > PER_RULE) {
            context.report(
                rule,
                Severity.INFO,
                context.at(-1, rule),
                (n - PER_RULE) + " more " + rule + " findings were not listed (" + n + " in all).",
                rule + " x " + n);
          }
        });
  }
}
