"""External assessment backends: the OpenAI moderation endpoint and Llama Guard 3.

Both speak HTTP with httpx and map the service's categories onto our five labels. Neither can
tell whether a user asks to end the conversation, and neither separates "wants to hurt a person
in their life" from a generic violent request as our labels do, so the mapped scores are combined
with the `builtin` assessment of the same text:

- `end_request` always comes from `builtin`;
- `self_harm` and `harm_to_others` take the higher of the two scores, and the veto score the
  highest of `builtin`'s and the service's risk scores, so a risk signal seen by either backend
  counts (a missed risk is the costliest error);
- `abuse` and `harmful_request` come from the external service.

A backend raises `BackendError` on any failure (HTTP error, timeout, unreadable answer); the
caller (`moderation.assessment.assess_text`) then falls back to `builtin` and records why.
Configuration is passed in, so this module stays free of Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import httpx

from moderation.classifiers import builtin
from moderation.classifiers.base import RISK_LABELS, Assessment


class BackendError(Exception):
    """The external service could not assess the text."""


@dataclass(frozen=True)
class ExternalConfig:
    base_url: str
    api_key: str = ""
    model: str = ""
    timeout: float = 5.0

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}


# OpenAI moderation categories (omni-moderation) that feed each of our labels.
OPENAI_CATEGORIES: dict[str, tuple[str, ...]] = {
    "abuse": ("harassment", "harassment/threatening", "hate", "hate/threatening"),
    "harmful_request": ("illicit", "illicit/violent", "sexual/minors"),
    "self_harm": ("self-harm", "self-harm/intent", "self-harm/instructions"),
    # A threat of violence against a target; the service cannot tell the assistant from a
    # person, so threats against the assistant also read as a risk here (support, never an end).
    "harm_to_others": ("harassment/threatening", "hate/threatening"),
}

# Llama Guard 3 hazard codes (the MLCommons taxonomy) that feed each of our labels. Codes not
# listed (S6 specialized advice, S8 intellectual property, S12 sexual content, S13 elections)
# say nothing about abuse or harm in a user's own message, so they are ignored.
LLAMAGUARD_CODES: dict[str, tuple[str, ...]] = {
    "abuse": ("S10",),  # Hate
    # S1 Violent Crimes, S2 Non-Violent Crimes, S3 Sex-Related Crimes, S4 Child Sexual
    # Exploitation, S5 Defamation, S7 Privacy, S9 Indiscriminate Weapons, S14 Code Interpreter Abuse.
    "harmful_request": ("S1", "S2", "S3", "S4", "S5", "S7", "S9", "S14"),
    "self_harm": ("S11",),  # Suicide & Self-Harm
}
_CODE = re.compile(r"\bS(1[0-4]|[1-9])\b")


def combine(external: dict[str, float], text: str, backend: str) -> Assessment:
    """Merge mapped external scores with `builtin`'s (see the module docstring). The veto score is
    the highest of `builtin`'s and the service's two risk scores."""
    local = builtin.assess(text)
    scores = {
        "abuse": external.get("abuse", 0.0),
        "harmful_request": external.get("harmful_request", 0.0),
        "end_request": local.labels["end_request"],
    }
    for label in RISK_LABELS:
        scores[label] = max(external.get(label, 0.0), local.labels[label])
    risk = max([local.risk_score, *(external.get(label, 0.0) for label in RISK_LABELS)])
    # Named for `builtin`'s model: its risk scores are never under that model's own, so the
    # end-time review may read them instead of scoring the text again.
    return Assessment.from_scores(builtin.apply_rules(scores, text), backend=backend, risk=risk, model=local.model)


@lru_cache(maxsize=1)
def http_client() -> httpx.Client:
    """The process's one HTTP client for moderation services. Its pool keeps the connection open
    between messages; `httpx.post` opened a new one (and a TLS handshake) for every message
    assessed, on the path of every reply."""
    return httpx.Client()


def _post(config: ExternalConfig, path: str, payload: dict) -> dict:
    url = config.base_url.rstrip("/") + path
    try:
        response = http_client().post(url, json=payload, headers=config.headers(), timeout=config.timeout)
        response.raise_for_status()
        return response.json()
    except httpx.TimeoutException as error:
        raise BackendError(f"timed out after {config.timeout:g}s: {error}") from error
    except httpx.HTTPStatusError as error:
        raise BackendError(f"HTTP {error.response.status_code} from {url}") from error
    except (httpx.HTTPError, ValueError) as error:
        raise BackendError(f"{type(error).__name__}: {error}") from error


def openai_scores(body: dict) -> dict[str, float]:
    """Our label scores from a moderation response `{"results": [{"category_scores": ...}]}`."""
    try:
        result = body["results"][0]
        category_scores = result["category_scores"]
        categories = result.get("categories", {})
    except (KeyError, IndexError, TypeError) as error:
        raise BackendError(f"unexpected moderation response: {error!r}") from error
    scores = {}
    for label, names in OPENAI_CATEGORIES.items():
        # A category the service flagged counts as at least the threshold, whatever its score.
        values = [float(category_scores.get(name) or 0.0) for name in names]
        values += [0.5 for name in names if categories.get(name)]
        scores[label] = max(values, default=0.0)
    return scores


def openai_assess(text: str, config: ExternalConfig) -> Assessment:
    payload = {"input": text}
    if config.model:
        payload["model"] = config.model
    return combine(openai_scores(_post(config, "/moderations", payload)), text, "openai")


def llamaguard_scores(answer: str) -> dict[str, float]:
    """Our label scores from Llama Guard's answer: "safe", or "unsafe" then a line of codes."""
    lines = [line.strip() for line in answer.strip().splitlines() if line.strip()]
    if not lines or lines[0].lower() not in ("safe", "unsafe"):
        raise BackendError(f"unexpected Llama Guard answer: {answer[:100]!r}")
    if lines[0].lower() == "safe":
        return {}
    codes = {f"S{number}" for number in _CODE.findall(" ".join(lines[1:]))}
    scores = {label: 1.0 if codes & set(mapped) else 0.0 for label, mapped in LLAMAGUARD_CODES.items()}
    if not any(scores.values()) and not codes & {"S6", "S8", "S12", "S13"}:
        # "unsafe" with no code we can read: treat it as a harmful request rather than ignore it.
        scores["harmful_request"] = 1.0
    return scores


def llamaguard_assess(text: str, config: ExternalConfig) -> Assessment:
    # Served Llama Guard 3 models apply their own chat template (the hazard list and the
    # instructions), so the user's message is sent as the only turn.
    payload = {
        "model": config.model or "meta-llama/Llama-Guard-3-8B",
        "messages": [{"role": "user", "content": text}],
        "temperature": 0,
        "max_tokens": 20,
    }
    body = _post(config, "/chat/completions", payload)
    try:
        answer = body["choices"][0]["message"]["content"] or ""
    except (KeyError, IndexError, TypeError) as error:
        raise BackendError(f"unexpected chat completion response: {error!r}") from error
    return combine(llamaguard_scores(answer), text, "llamaguard")


EXTERNAL_BACKENDS = {"openai": openai_assess, "llamaguard": llamaguard_assess}
