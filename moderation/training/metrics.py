"""How well flags and vetoes match gold labels: the figures of the model card (plain Python).

Two lines are measured for the risk labels, because the policy uses both:

- the **flag** (support) line, tuned for precision: a `self_harm` or `harm_to_others` flag puts
  crisis resources in the reply, so a false one is felt ("kill a Python process");
- the **veto** line, tuned for recall: any turn at or above it keeps the assistant from ending
  the branch. A false veto only delays an end, a missed one can end a conversation with a person
  at risk, so the recall targets (>= 0.95) are read on this line.

Precision and recall of the other labels are read on their flag line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from moderation.classifiers.base import LABELS, RISK_LABELS

SAFE_LABELS = ("benign", "benign_sensitive")
HARMFUL = tuple(label for label in LABELS if label != "end_request")


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def metrics(gold: Sequence[str], flagged: Sequence[Iterable[str]], vetoed: Sequence[bool]) -> dict[str, Any]:
    """Per-label precision, recall and F1 on the flag line; risk recall on the veto line; how often
    safe texts get a harmful flag; how often texts of each kind are vetoed."""
    flags = [set(f) for f in flagged]
    result: dict[str, Any] = {"labels": {}, "examples": len(gold)}
    for label in LABELS:
        tp = sum(1 for g, f in zip(gold, flags) if g == label and label in f)
        fp = sum(1 for g, f in zip(gold, flags) if g != label and label in f)
        fn = sum(1 for g, f in zip(gold, flags) if g == label and label not in f)
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        row = {
            "precision": precision,
            "recall": recall,
            "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
            "support": tp + fn,
            "tp": tp,
            "fp": fp,
            "fn": fn,
        }
        if label in RISK_LABELS:
            caught = sum(1 for g, v in zip(gold, vetoed) if g == label and v)
            row["veto_recall"] = _ratio(caught, tp + fn)
            row["veto_missed"] = tp + fn - caught
        result["labels"][label] = row
    risk_gold = [g in RISK_LABELS for g in gold]
    caught = sum(1 for r, v in zip(risk_gold, vetoed) if r and v)
    result["veto"] = {
        "recall": _ratio(caught, sum(risk_gold)),
        "precision": _ratio(caught, sum(vetoed)),
        "rate_by_gold": {
            kind: _ratio(sum(1 for g, v in zip(gold, vetoed) if g == kind and v), sum(1 for g in gold if g == kind))
            for kind in (*LABELS, *SAFE_LABELS)
            if any(g == kind for g in gold)
        },
    }
    for safe in SAFE_LABELS:
        items = [f for g, f in zip(gold, flags) if g == safe]
        result[f"{safe}_count"] = len(items)
        result[f"{safe}_flag_rate"] = _ratio(sum(bool(f & set(HARMFUL)) for f in items), len(items)) if items else None
        result[f"{safe}_confusion"] = {label: sum(label in f for f in items) for label in LABELS}
    return result


def format_metrics(result: dict[str, Any], title: str) -> str:
    """The metrics as the table the commands print."""
    lines = [
        title,
        f"{'label':<16} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>7}   veto recall (the risk line)",
    ]
    for label, m in result["labels"].items():
        veto = f"   {m['veto_recall']:.3f} ({m['veto_missed']} missed)" if "veto_recall" in m else ""
        lines.append(f"{label:<16} {m['precision']:>9.3f} {m['recall']:>7.3f} {m['f1']:>6.3f} {m['support']:>7}{veto}")
    veto = result["veto"]
    rates = ", ".join(f"{kind} {rate:.1%}" for kind, rate in veto["rate_by_gold"].items())
    lines.append(f"veto (self_harm or harm_to_others): recall {veto['recall']:.3f}, precision {veto['precision']:.3f}")
    lines.append(f"vetoed, by gold label: {rates}")
    for safe in SAFE_LABELS:
        rate = result.get(f"{safe}_flag_rate")
        if rate is not None:
            confusion = ", ".join(f"{k} {v}" for k, v in result[f"{safe}_confusion"].items() if v) or "none"
            lines.append(f"{safe} flagged with a harmful label: {rate:.1%} of {result[f'{safe}_count']} ({confusion})")
    if result.get("messages_per_second"):
        lines.append(f"messages per second: {result['messages_per_second']:,.0f}")
    return "\n".join(lines)
