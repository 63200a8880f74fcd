"""The assessment every classifier backend returns, and the labels it scores.

This module is plain Python on purpose: the end policy and the Celery task both read
assessments, and neither should need Django to do so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

LABELS: tuple[str, ...] = ("abuse", "harmful_request", "self_harm", "harm_to_others", "end_request")
RISK_LABELS = frozenset({"self_harm", "harm_to_others"})
MISCONDUCT_LABELS = frozenset({"abuse", "harmful_request"})
FLAG_THRESHOLD = 0.5


@dataclass(frozen=True)
class Assessment:
    """Scores in [0, 1] for every label, the labels at or above the threshold, and who scored them."""

    labels: dict[str, float]
    flagged: tuple[str, ...]
    backend: str
    # Set when the configured backend failed and `builtin` answered instead: which backend
    # failed and why, so the message's record shows the assessment was a fallback.
    fallback_from: str | None = None
    fallback_error: str | None = None

    @classmethod
    def from_scores(cls, scores: dict[str, float], backend: str) -> Assessment:
        """Build an assessment from raw scores, clamping, rounding and deriving the flags.

        Flags are derived from the rounded scores so that an assessment read back from
        storage flags exactly what it flagged when it was made.
        """
        unknown = set(scores) - set(LABELS)
        if unknown:
            raise ValueError(f"unknown labels: {sorted(unknown)}")
        labels = {label: round(min(1.0, max(0.0, float(scores.get(label, 0.0)))), 3) for label in LABELS}
        flagged = tuple(label for label in LABELS if labels[label] >= FLAG_THRESHOLD)
        return cls(labels=labels, flagged=flagged, backend=backend)

    @property
    def risk(self) -> bool:
        return any(label in RISK_LABELS for label in self.flagged)

    @property
    def misconduct(self) -> bool:
        return any(label in MISCONDUCT_LABELS for label in self.flagged)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"labels": dict(self.labels), "flagged": list(self.flagged), "backend": self.backend}
        if self.fallback_from:
            data["fallback_from"] = self.fallback_from
            data["fallback_error"] = self.fallback_error or ""
        return data

    def as_fallback(self, failed_backend: str, error: str) -> Assessment:
        """This assessment, marked as standing in for `failed_backend`, which failed with `error`."""
        return replace(self, fallback_from=failed_backend, fallback_error=error[:500])

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Assessment:
        """Rebuild an assessment stored with `to_dict`.

        The stored flags are kept rather than recomputed, because they record what the
        backend decided at the time, even if the threshold changes later.
        """
        built = cls.from_scores(dict(data["labels"]), backend=str(data["backend"]))
        if data.get("fallback_from"):
            built = built.as_fallback(str(data["fallback_from"]), str(data.get("fallback_error", "")))
        if "flagged" not in data:
            return built
        stored = set(data["flagged"])
        unknown = stored - set(LABELS)
        if unknown:
            raise ValueError(f"unknown labels: {sorted(unknown)}")
        return replace(built, flagged=tuple(label for label in LABELS if label in stored))
