package io.sentrascan.scanner;

import java.util.List;

/**
 * The explicit registry of scanners, in the order the engine asks them: specific formats before the
 * generic containers that would also accept their bytes (a PyTorch zip before a plain zip). A new
 * format is one line here.
 */
public final class Scanners {
  private Scanners() {}

  public static List<Scanner> defaults() {
    return List.of(
        // formats
        new io.sentrascan.scanner.format.nemo.NemoScanner(),
        new io.sentrascan.scanner.format.torchserve.MarScanner(),
        new io.sentrascan.scanner.format.rds.RdsScanner(),
        new io.sentrascan.scanner.format.llamafile.LlamafileScanner(),
        new io.sentrascan.scanner.format.mxnet.MxnetSymbolScanner(),
        new io.sentrascan.scanner.format.mxnet.MxnetParamsScanner(),
        new io.sentrascan.scanner.format.oci.OciImageScanner(),
        // A tar is recognised by its header checksum, a strong signature; it goes before the
        // sniffers that would otherwise claim a whole tar by a pickle near its start or a zip
        // end record near its end. Tar-based formats (NeMo, OCI) come before it.
        new io.sentrascan.scanner.container.TarScanner(),
        new io.sentrascan.scanner.format.keras.KerasV3Scanner(),
        new io.sentrascan.scanner.format.keras.KerasH5Scanner(),
        new io.sentrascan.scanner.format.keras.KerasMetadataScanner(),
        new io.sentrascan.scanner.format.paddle.PaddleScanner(),
        new io.sentrascan.scanner.format.flax.FlaxScanner(),
        new io.sentrascan.scanner.format.tensorflow.TensorFlowScanner(),
        new io.sentrascan.scanner.format.pytorch.PyTorchScanner(),
        new io.sentrascan.scanner.format.skops.SkopsScanner(),
        new io.sentrascan.scanner.format.numpy.NpzScanner(),
        new io.sentrascan.scanner.format.numpy.NpyScanner(),
        new io.sentrascan.scanner.format.safetensors.SafeTensorsScanner(),
        new io.sentrascan.scanner.format.coreml.CoreMlScanner(),
        new io.sentrascan.scanner.format.onnx.OnnxScanner(),
        new io.sentrascan.scanner.format.tflite.TfliteScanner(),
        new io.sentrascan.scanner.format.executorch.ExecuTorchScanner(),
        new io.sentrascan.scanner.format.tensorrt.TensorRtScanner(),
        new io.sentrascan.scanner.format.openvino.OpenVinoScanner(),
        new io.sentrascan.scanner.format.gguf.GgufScanner(),
        new io.sentrascan.scanner.format.pmml.PmmlScanner(),
        new io.sentrascan.scanner.format.lightgbm.LightGbmScanner(),
        new io.sentrascan.scanner.format.xgboost.XgboostScanner(),
        new io.sentrascan.scanner.format.catboost.CatBoostScanner(),
        new io.sentrascan.scanner.format.tokenizer.TokenizerScanner(),
        new io.sentrascan.scanner.format.hfconfig.HfConfigScanner(),
        new io.sentrascan.scanner.format.chattemplate.ChatTemplateScanner(),
        new io.sentrascan.scanner.format.pickle.PickleScanner(),
        new io.sentrascan.scanner.format.notebook.NotebookScanner(),
        new io.sentrascan.scanner.format.modelcard.ModelCardScanner(),
        new io.sentrascan.scanner.format.python.PythonScanner(),
        new io.sentrascan.scanner.format.textsecrets.TextSecretsScanner(),
        // containers
        new io.sentrascan.scanner.container.SevenZScanner(),
        new io.sentrascan.scanner.container.CompressedStreamScanner(),
        new io.sentrascan.scanner.container.ZipScanner());
  }
}
