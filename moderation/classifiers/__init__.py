"""Message classifiers: one `assess` entry point over named backends.

`builtin` (the trained model over a sentence encoder, embedded) runs in process. `openai` and
`llamaguard` call a service and need an `ExternalConfig`; when the service fails, `assess`
answers with `builtin` and marks the assessment as a fallback, so a moderation outage never
blocks a chat.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from moderation.classifiers import builtin
from moderation.classifiers.base import (
    FLAG_THRESHOLD,
    LABELS,
    MISCONDUCT_LABELS,
    RISK_LABELS,
    Assessment,
    Thresholds,
)
from moderation.classifiers.external import EXTERNAL_BACKENDS, BackendError, ExternalConfig

__all__ = [
    "FLAG_THRESHOLD",
    "LABELS",
    "MISCONDUCT_LABELS",
    "RISK_LABELS",
    "Assessment",
    "BACKENDS",
    "Thresholds",
    "BackendError",
    "ExternalConfig",
    "assess",
]

logger = logging.getLogger(__name__)

BACKENDS: dict[str, Callable[[str], Assessment]] = {
    builtin.BACKEND: builtin.assess,
}


def assess(
    text: str, backend: str = "builtin", config: ExternalConfig | None = None, thresholds: Thresholds = Thresholds()
) -> Assessment:
    """Assess one user message with the named backend, flagged and vetoed at `thresholds`; an
    unknown name raises ValueError.

    An external backend that fails for any reason is replaced by `builtin`, and the returned
    assessment says so (`fallback_from`, `fallback_error`).
    """
    return _assess(text, backend, config).with_thresholds(thresholds)


def _assess(text: str, backend: str, config: ExternalConfig | None) -> Assessment:
    if backend in EXTERNAL_BACKENDS:
        if config is None or not config.base_url:
            return builtin.assess(text).as_fallback(backend, "not configured: no base URL")
        try:
            return EXTERNAL_BACKENDS[backend](text, config)
        except BackendError as error:
            logger.warning("moderation backend %s failed, using builtin: %s", backend, error)
            return builtin.assess(text).as_fallback(backend, str(error))
    try:
        classify = BACKENDS[backend]
    except KeyError:
        known = ", ".join(sorted([*BACKENDS, *EXTERNAL_BACKENDS]))
        raise ValueError(f"unknown classifier backend {backend!r} (known: {known})") from None
    return classify(text)
