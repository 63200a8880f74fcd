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


def _clamp(value: float) -> float:
    return round(min(1.0, max(0.0, float(value))), 3)


@dataclass(frozen=True)
class Thresholds:
    """The two lines for risk (settings RISK_VETO_THRESHOLD and RISK_SUPPORT_THRESHOLD).

    - `veto`, on the `risk` score, is tuned for recall: a turn at or above it keeps the assistant
      from ending the branch. A false veto only delays an end.
    - `support`, on the `self_harm` and `harm_to_others` scores, is tuned for precision: a turn
      at or above it gets a reply with crisis resources, so nobody gets them for "kill a Python
      process". A support flag always vetoes too.

    Every backend scores so that 0.5 is its own operating point, so 0.5 is the default of both.
    """

    veto: float = FLAG_THRESHOLD
    support: float = FLAG_THRESHOLD

    def to_dict(self) -> dict[str, float]:
        return {"veto": self.veto, "support": self.support}


@dataclass(frozen=True)
class Assessment:
    """Scores in [0, 1] for every label and for `risk`, what they flag, and who scored them.

    `flagged` holds the labels at or above their line (0.5, or `thresholds.support` for the risk
    labels); `veto` says whether the turn is a risk at the veto line.
    """

    labels: dict[str, float]
    flagged: tuple[str, ...]
    backend: str
    risk_score: float = 0.0
    veto: bool = False
    thresholds: Thresholds = Thresholds()
    # Set when the configured backend failed and `builtin` answered instead: which backend
    # failed and why, so the message's record shows the assessment was a fallback.
    fallback_from: str | None = None
    fallback_error: str | None = None
    # The `builtin` model (its artifact's identity) whose scores these are, or, for an external
    # backend, whose scores they include: an external risk score is the higher of the service's
    # and that model's, never under the model's own. The end-time review re-scores a turn unless
    # this very model scored it when it was sent.
    model: str | None = None

    @classmethod
    def from_scores(
        cls,
        scores: dict[str, float],
        backend: str,
        risk: float | None = None,
        thresholds: Thresholds = Thresholds(),
        model: str | None = None,
    ) -> Assessment:
        """Build an assessment from raw scores, clamping, rounding and deriving flags and veto.

        `risk` is the backend's veto score; a backend without one gives None, and the higher of
        its two risk labels stands in. Flags are derived from the rounded scores so that an
        assessment read back from storage flags exactly what it flagged when it was made.
        """
        unknown = set(scores) - set(LABELS)
        if unknown:
            raise ValueError(f"unknown labels: {sorted(unknown)}")
        labels = {label: _clamp(scores.get(label, 0.0)) for label in LABELS}
        risk_score = _clamp(max(labels[label] for label in RISK_LABELS) if risk is None else risk)
        flagged = tuple(
            label
            for label in LABELS
            if labels[label] >= (thresholds.support if label in RISK_LABELS else FLAG_THRESHOLD)
        )
        veto = risk_score >= thresholds.veto or any(label in RISK_LABELS for label in flagged)
        return cls(
            labels=labels, flagged=flagged, backend=backend, risk_score=risk_score, veto=veto, thresholds=thresholds, model=model
        )

    def with_thresholds(self, thresholds: Thresholds) -> Assessment:
        """The same scores read with other lines (the configured settings)."""
        built = Assessment.from_scores(self.labels, self.backend, self.risk_score, thresholds, self.model)
        return replace(built, fallback_from=self.fallback_from, fallback_error=self.fallback_error)

    @property
    def risk(self) -> bool:
        """A risk at the support line: the reply offers support."""
        return any(label in RISK_LABELS for label in self.flagged)

    @property
    def misconduct(self) -> bool:
        return any(label in MISCONDUCT_LABELS for label in self.flagged)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "labels": dict(self.labels),
            "flagged": list(self.flagged),
            "risk": self.risk_score,
            "veto": self.veto,
            "thresholds": self.thresholds.to_dict(),
            "backend": self.backend,
        }
        if self.fallback_from:
            data["fallback_from"] = self.fallback_from
            data["fallback_error"] = self.fallback_error or ""
        if self.model:
            data["model"] = self.model
        return data

    def as_fallback(self, failed_backend: str, error: str) -> Assessment:
        """This assessment, marked as standing in for `failed_backend`, which failed with `error`."""
        return replace(self, fallback_from=failed_backend, fallback_error=error[:500])

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Assessment:
        """Rebuild an assessment stored with `to_dict`.

        The stored flags and veto are kept rather than recomputed, because they record what the
        backend decided at the time, even if the thresholds change later. An assessment stored
        before the veto existed vetoes exactly when it flagged a risk label.
        """
        stored_thresholds = data.get("thresholds") or {}
        thresholds = Thresholds(
            veto=float(stored_thresholds.get("veto", FLAG_THRESHOLD)), support=float(stored_thresholds.get("support", FLAG_THRESHOLD))
        )
        built = cls.from_scores(
            dict(data["labels"]), str(data["backend"]), data.get("risk"), thresholds, str(data["model"]) if data.get("model") else None
        )
        if data.get("fallback_from"):
            built = built.as_fallback(str(data["fallback_from"]), str(data.get("fallback_error", "")))
        if "flagged" not in data:
            return built
        stored = set(data["flagged"])
        unknown = stored - set(LABELS)
        if unknown:
            raise ValueError(f"unknown labels: {sorted(unknown)}")
        flagged = tuple(label for label in LABELS if label in stored)
        veto = bool(data["veto"]) if "veto" in data else bool(stored & RISK_LABELS)
        return replace(built, flagged=flagged, veto=veto)
