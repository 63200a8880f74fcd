"""Message classifiers: one `assess` entry point over named backends.

Backends register here by name. Only `builtin` exists so far; `openai` and `llamaguard` will
join the registry when they are written.
"""

from __future__ import annotations

from collections.abc import Callable

from moderation.classifiers import builtin
from moderation.classifiers.base import (
    FLAG_THRESHOLD,
    LABELS,
    MISCONDUCT_LABELS,
    RISK_LABELS,
    Assessment,
)

__all__ = [
    "FLAG_THRESHOLD",
    "LABELS",
    "MISCONDUCT_LABELS",
    "RISK_LABELS",
    "Assessment",
    "BACKENDS",
    "assess",
]

BACKENDS: dict[str, Callable[[str], Assessment]] = {
    builtin.BACKEND: builtin.assess,
}


def assess(text: str, backend: str = "builtin") -> Assessment:
    """Assess one user message with the named backend; an unknown name raises ValueError."""
    try:
        classify = BACKENDS[backend]
    except KeyError:
        known = ", ".join(sorted(BACKENDS))
        raise ValueError(f"unknown classifier backend {backend!r} (known: {known})") from None
    return classify(text)
