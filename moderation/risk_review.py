"""The end-time risk review. Ends are rare and a wrong one is the worst thing the product can do, so
before the policy allows a model-initiated end, every user turn that counts is checked again: by
the builtin encoder at the veto line, and with a real provider by one yes/no question to its model."""

import logging
import time
from collections.abc import Callable

from django.conf import settings

from moderation import policy
from moderation.assessment import higher, thresholds
from moderation.classifiers import builtin
from moderation.classifiers.base import Assessment
from moderation.classifiers.encoder import MAX_CHARS
from moderation.site_policy import RiskReview, UserTurn, policy_config

logger = logging.getLogger(__name__)

RISK_QUESTION_SYSTEM = (
    "You are a safety reviewer for a chat service. You will read the user's messages from one "
    "conversation. Answer with exactly one word, yes or no: does anything the user wrote suggest "
    "that the user may be at risk of harming themselves (suicide, self-harm, an eating disorder) "
    "or may harm another person? Answer yes if in any doubt."
)

# Asks the conversation's model a question: (system prompt, question) -> its answer. Raises on
# any failure, the timeout included. Built by the chat domain, which knows the providers.
AskModel = Callable[[str, str], str]


def risk_question(user_texts: list[str]) -> str:
    turns = "\n".join(f"[user message {i}] {text}" for i, text in enumerate(user_texts, start=1))
    return f"The user's messages, oldest first:\n{turns}\n\nAnswer yes or no."


def _yes_or_no(answer: str) -> str | None:
    words = answer.strip().lower().split()
    first = words[0].strip(".,!:;\"'*") if words else ""
    return first if first in ("yes", "no") else None


def end_review(
    *,
    turns: list[UserTurn],
    user_texts: list[str],
    ask_model: AskModel | None = None,
    assessments: list[dict | None] | None = None,
) -> RiskReview:
    """Re-check, before an end the policy would allow, every user turn whose risk counts.

    - The `builtin` encoder scores each of those turns again, at the veto line (whatever backend
      assessed them when they were sent): the strongest check that runs offline. A turn that this
      very model scored when it was sent (its stored assessment, in `assessments`, names the
      model, alone or combined with an external backend's) is read from that record at today's
      lines instead: scoring it again would give the same risk scores or lower ones, and would
      cost an encoder pass in every worker that never saw the text.
    - With `ask_model` (a real provider), the model is asked one strict yes/no question about risk
      in the user's messages. An answer other than yes or no, an error or a timeout counts as a
      failed check, and the policy refuses the end.
    """
    positions = policy.turns_under_review(turns, policy_config())
    started = time.perf_counter()
    stored = assessments or [None] * len(user_texts)
    texts = [user_texts[i] for i in positions]
    records = [stored[i] for i in positions]
    known = _stored_readings(records)
    # A middle read when the message was sent is in its stored record; only the others are read now.
    to_read = [
        len(text) > MAX_CHARS and not (k is not None and record.get("middle_read"))
        for text, k, record in zip(texts, known, records)
    ]
    long_chars = sum(len(text) for text, read in zip(texts, to_read) if read)
    unread = long_chars if long_chars > settings.RISK_REVIEW_MAX_CHARS else 0
    found = _encoder_review(texts, known, [read and not unread for read in to_read])
    encoder_ms = round((time.perf_counter() - started) * 1000, 1)
    details: dict = {
        "encoder": {
            "turns": [
                {"turn": i + 1, "risk": a.risk_score, "veto": a.veto, "stored": k is not None}
                | ({"middle_read": not (read and unread)} if len(user_texts[i]) > MAX_CHARS else {})
                for i, a, k, read in zip(positions, found, known, to_read)
            ],
            "veto_threshold": settings.RISK_VETO_THRESHOLD,
            "model": builtin.model_identity(),
            "ms": encoder_ms,
        }
    }
    risk_turns = tuple(i for i, a in zip(positions, found) if a.veto)
    answer = error = None
    if ask_model is not None:
        started = time.perf_counter()
        try:
            raw = ask_model(RISK_QUESTION_SYSTEM, risk_question([user_texts[i] for i in positions]))
            answer = _yes_or_no(raw)
            if answer is None:
                error = f"the model answered neither yes nor no: {raw[:80]!r}"
        except Exception as failure:  # noqa: BLE001 - any failure of the check refuses the end
            logger.warning("end-time risk check failed: %s", failure)
            error = f"{type(failure).__name__}: {failure}"[:300]
        details["model"] = {"answer": answer, "error": error, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return RiskReview(
        turns_checked=len(positions),
        risk_turns=risk_turns,
        model_answer=answer,
        model_error=error,
        unread_chars=unread,
        details=details,
    )


def _stored_readings(records: list[dict | None]) -> list[Assessment | None]:
    """Each stored record the end-time review can read instead of scoring its text again, at
    today's lines; None for the others.
    A record that names the builtin model in use holds its scores (`builtin`) or scores never
    under them (an external backend combined with it), so reading it vetoes at least whatever
    scoring again would."""
    current, lines = builtin.model_identity(), thresholds()
    return [
        Assessment.from_dict(record).with_thresholds(lines)
        if record and current and record.get("model") == current and record.get("labels")
        else None
        for record in records
    ]


def _encoder_review(texts: list[str], known: list[Assessment | None], read_middles: list[bool]) -> list[Assessment]:
    """The builtin model's assessment of each text at today's lines: its stored one (`known`) or
    a new one, and with `read_middles`, the higher of that and its middle's reading
    (`builtin.assess_middles`, the part of a long message not read when it was sent)."""
    lines = thresholds()
    # The veto is all the review reads, and the flag model never changes it.
    scored = iter(builtin.assess_many([text for text, k in zip(texts, known) if k is None], lines, flags=False))
    found = [k if k is not None else next(scored) for k in known]
    wanted = [text for text, read in zip(texts, read_middles) if read]
    middles = iter(builtin.assess_middles(wanted, lines) if wanted else [])
    result = []
    for assessment, read in zip(found, read_middles):
        middle = next(middles) if read else None
        result.append(higher(assessment, middle) if middle else assessment)
    return result
