"""Fine-tuning the sentence encoder with a low-rank adapter (LoRA), in PyTorch, on the CPU.

Only training imports this module (torch is in requirements-finetune.txt, never in the app's
requirements). The network is all-MiniLM-L6-v2 written out here in a few lines of torch over the
very weights file the app runs (`encoder.model_dir()`), tokenised by the app's own tokenizer, so
what is trained is what is shipped: `tests/moderation/training/test_finetune.py` checks that this
network, with and without an adapter, gives the vectors the shipped ONNX graph gives with the
adapter merged (`encoder.merge`).

The recipe, measured in docs/moderation.md ("What was tried"): every attention and feed-forward
matrix of the six layers gets a rank-16 adapter (663,552 weights; the base weights stay frozen),
trained with a linear head over the 7 classes on the scaled unit vector (class-balanced cross
entropy, AdamW, 3 epochs, batches of 16, the first 128 word pieces of each text, dropout as in the
original training). The head is thrown away: the model's own heads are fitted afterwards, on the
fine-tuned vectors, by `recipe`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn
from torch.nn import functional

from moderation.classifiers import encoder as encoder_module
from moderation.classifiers.model import CLASSES
from moderation.training.export_encoder import safetensors_index

RANK = 16
SCALE = 2.0
EPOCHS = 3
BATCH = 16
ADAPTER_LEARNING_RATE = 5e-4
HEAD_LEARNING_RATE = 2e-3
WEIGHT_DECAY = 0.01
WARM_UP = 0.1
MAX_PIECES = 128
# The head reads the unit vector times this: cosine similarities alone are too flat for softmax.
LOGIT_SCALE = 20.0
DROPOUT = 0.1
HEADS = 12
LAYERS = 6
LAYER_NORM_EPS = 1e-12
# The matrices that get an adapter, inside each layer.
TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


def load_weights() -> dict[str, torch.Tensor]:
    """The encoder's float32 tensors from the package's safetensors file, by name."""
    directory = encoder_module.model_dir()
    encoder_module.check_weights(directory)
    index = safetensors_index(directory / encoder_module.WEIGHTS_FILE)
    return {name: torch.from_numpy(array.copy()) for name, (array, _, _) in index.items()}


class Linear(nn.Module):
    """A frozen linear layer, with a trainable low-rank adapter when `rank` is set."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor, rank: int | None) -> None:
        super().__init__()
        self.register_buffer("weight", weight)
        self.register_buffer("bias", bias)
        self.a = self.b = None
        if rank:
            self.a = nn.Parameter(torch.randn(rank, weight.shape[1]) / math.sqrt(weight.shape[1]))
            self.b = nn.Parameter(torch.zeros(weight.shape[0], rank))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = functional.linear(x, self.weight, self.bias)
        if self.a is not None:
            y = y + (x @ self.a.T @ self.b.T) * SCALE
        return y


class MiniLM(nn.Module):
    """BERT (6 layers, 384 wide, 12 heads) to mean-pooled unit vectors, as sentence-transformers
    computes them."""

    def __init__(self, tensors: dict[str, torch.Tensor], rank: int | None = RANK) -> None:
        super().__init__()
        self.tensors = tensors
        self.linears = nn.ModuleDict()
        for layer in range(LAYERS):
            for target in TARGETS:
                name = f"encoder.layer.{layer}.{target}"
                self.linears[name.replace(".", "_")] = Linear(tensors[name + ".weight"], tensors[name + ".bias"], rank)

    def _linear(self, name: str) -> Linear:
        return self.linears[name.replace(".", "_")]

    def _norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return functional.layer_norm(x, x.shape[-1:], self.tensors[name + ".weight"], self.tensors[name + ".bias"], LAYER_NORM_EPS)

    def _drop(self, x: torch.Tensor) -> torch.Tensor:
        return functional.dropout(x, DROPOUT, self.training)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        t = self.tensors
        positions = torch.arange(ids.shape[1])
        x = t["embeddings.word_embeddings.weight"][ids] + t["embeddings.position_embeddings.weight"][positions]
        x = self._drop(self._norm(x + t["embeddings.token_type_embeddings.weight"][0], "embeddings.LayerNorm"))
        batch, width, hidden = x.shape
        size = hidden // HEADS
        blocked = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in range(LAYERS):
            p = f"encoder.layer.{layer}."

            def split(y: torch.Tensor) -> torch.Tensor:
                return y.view(batch, width, HEADS, size).transpose(1, 2)

            q, k, v = (split(self._linear(p + f"attention.self.{m}")(x)) for m in ("query", "key", "value"))
            attention = self._drop(torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(size) + blocked, dim=-1))
            context = (attention @ v).transpose(1, 2).reshape(batch, width, hidden)
            x = self._norm(self._drop(self._linear(p + "attention.output.dense")(context)) + x, p + "attention.output.LayerNorm")
            inner = functional.gelu(self._linear(p + "intermediate.dense")(x))
            x = self._norm(self._drop(self._linear(p + "output.dense")(inner)) + x, p + "output.LayerNorm")
        weights = mask.unsqueeze(-1).float()
        return functional.normalize((x * weights).sum(1) / weights.sum(1), dim=-1)

    def adapter(self) -> encoder_module.Adapter:
        matrices = {}
        for layer in range(LAYERS):
            for target in TARGETS:
                name = f"encoder.layer.{layer}.{target}"
                linear = self._linear(name)
                matrices[name + ".weight"] = (linear.a.detach().numpy().copy(), linear.b.detach().numpy().copy())
        return encoder_module.Adapter(SCALE, matrices)


class Pieces:
    """Texts as word-piece ids, the way the app's encoder cuts its first window."""

    def __init__(self) -> None:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(encoder_module.model_dir() / "tokenizer.json"))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        self._cls, self._sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")

    def batch(self, texts: Sequence[str], limit: int = MAX_PIECES) -> tuple[torch.Tensor, torch.Tensor]:
        rows = [
            [self._cls, *self._tokenizer.encode(text[: encoder_module.MAX_CHARS], add_special_tokens=False).ids[: limit - 2], self._sep]
            for text in texts
        ]
        width = max(len(row) for row in rows)
        ids = torch.zeros((len(rows), width), dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = torch.tensor(row)
            mask[i, : len(row)] = 1
        return ids, mask


def fine_tune(texts: Sequence[str], labels: Sequence[str], seed: int, threads: int | None = None) -> encoder_module.Adapter:
    """An adapter trained on these texts (labels are CLASSES), the same for the same seed, data
    and thread count on one machine."""
    if threads:
        torch.set_num_threads(threads)
    torch.manual_seed(seed)
    order_rng = np.random.default_rng(seed)
    model = MiniLM(load_weights())
    head = nn.Linear(encoder_module.DIMENSIONS, len(CLASSES))
    y = np.array([CLASSES.index(label) for label in labels])
    counts = np.bincount(y, minlength=len(CLASSES))
    weight = torch.tensor([len(y) / (len(CLASSES) * c) if c else 0.0 for c in counts], dtype=torch.float32)
    optimiser = torch.optim.AdamW(
        [
            {"params": list(model.parameters()), "lr": ADAPTER_LEARNING_RATE},
            {"params": list(head.parameters()), "lr": HEAD_LEARNING_RATE},
        ],
        weight_decay=WEIGHT_DECAY,
    )
    steps = EPOCHS * math.ceil(len(texts) / BATCH)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / (WARM_UP * steps)) * max(0.0, (steps - step) / steps)
    )
    loss_of = nn.CrossEntropyLoss(weight=weight)
    pieces = Pieces()
    model.train()
    for _ in range(EPOCHS):
        order = order_rng.permutation(len(texts))
        for start in range(0, len(order), BATCH):
            chosen = order[start : start + BATCH]
            ids, mask = pieces.batch([texts[i] for i in chosen])
            logits = head(model(ids, mask) * LOGIT_SCALE)
            loss = loss_of(logits, torch.from_numpy(y[chosen]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
    return model.adapter()


def embed(texts: Sequence[str], adapter: encoder_module.Adapter | None = None) -> np.ndarray:
    """Unit vectors of the texts' first window from this network (the reference the shipped graph,
    with the adapter merged, must match)."""
    model = MiniLM(load_weights(), rank=RANK if adapter is not None else None)
    if adapter is not None:
        with torch.no_grad():
            for name, (a, b) in adapter.matrices.items():
                linear = model._linear(name.removesuffix(".weight"))
                linear.a.copy_(torch.from_numpy(np.asarray(a, dtype=np.float32)))
                linear.b.copy_(torch.from_numpy(np.asarray(b, dtype=np.float32)))
    model.eval()
    with torch.no_grad():
        ids, mask = Pieces().batch(texts, limit=encoder_module.WINDOW_TOKENS)
        return model(ids, mask).numpy()
