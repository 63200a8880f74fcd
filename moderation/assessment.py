"""Assessing a user message: the configured backend, the two risk lines, and the middle of a long
message read within a budget. What each assessment asked of the reply is counted on /metrics."""

import logging
from dataclasses import replace

import redis
from django.conf import settings

from chatsite import metrics, rate_limits
from moderation.classifiers import ExternalConfig, Thresholds, assess, builtin
from moderation.classifiers.base import Assessment
from moderation.classifiers.encoder import MAX_CHARS

logger = logging.getLogger(__name__)


def thresholds() -> Thresholds:
    """The two risk lines as configured (RISK_VETO_THRESHOLD, RISK_SUPPORT_THRESHOLD)."""
    return Thresholds(veto=settings.RISK_VETO_THRESHOLD, support=settings.RISK_SUPPORT_THRESHOLD)


def assess_text(text: str) -> Assessment:
    """Assess a user message with the configured backend; never raises for an outage.

    An external backend that fails or times out is replaced by `builtin`, and the assessment
    (stored on the message) carries `fallback_from` and `fallback_error`. Its flags and veto are
    read on the configured lines, which the assessment records.
    """
    backend = settings.MODERATION_BACKEND
    assessment = assess(text, backend=backend, config=external_config(backend), thresholds=thresholds())
    if assessment.fallback_from:
        metrics.MODERATION_FALLBACKS.labels(assessment.fallback_from).inc()
    return assessment


def assess_message(text: str, *, user_id: int) -> dict:
    """The assessment stored on a user message: `assess_text`, and for a message too long to be
    read whole (over `MAX_CHARS`), its middle read too (`builtin.assess_middles`, each score the
    higher of the two readings), so that a risk said inside a long paste gets the support reply.

    Reading a middle costs up to about 2 s of one core, so it is done as the message is sent for
    at most RISK_MIDDLE_READS_PER_MINUTE of one user's messages a minute (a Redis window every
    worker shares). Past that, or with Redis unreachable, the middle waits for the end-time review,
    which reads whatever was not read (`end_review`). `middle_read` says which it was. Each
    assessment is counted by what it asks of the reply, and by label (`metrics.ASSESSMENTS`,
    `metrics.FLAGS`)."""
    assessment = assess_text(text)
    extra: dict = {}
    if len(text) > MAX_CHARS:
        read = _middle_allowed(user_id)
        if read:
            (middle,) = builtin.assess_middles([text], thresholds())
            assessment = higher(assessment, middle)
        metrics.MIDDLE_READS.labels("sent" if read else "end_review").inc()
        extra = {"middle_read": read}
    _count(assessment)
    return assessment.to_dict() | extra


def _count(assessment: Assessment) -> None:
    if assessment.risk:
        result = "support"
    elif assessment.veto:
        result = "veto"
    else:
        result = "flagged" if assessment.flagged else "ordinary"
    metrics.ASSESSMENTS.labels(result).inc()
    for label in assessment.flagged:
        metrics.FLAGS.labels(label).inc()


def _middle_allowed(user_id: int) -> bool:
    limit = settings.RISK_MIDDLE_READS_PER_MINUTE
    if limit <= 0:
        return False
    try:
        return rate_limits.admit([rate_limits.Window(f"moderation:middle-reads:{user_id}", limit, 60)]) is None
    except redis.RedisError as error:
        logger.warning("Reading a long message's middle is left to the end-time review: Redis failed (%s)", error)
        return False


def external_config(backend: str) -> ExternalConfig | None:
    """The connection settings of an external backend, or None for the in-process ones."""
    timeout = settings.MODERATION_TIMEOUT_MS / 1000
    if backend == "openai":
        return ExternalConfig(
            settings.MODERATION_OPENAI_BASE_URL, settings.MODERATION_OPENAI_API_KEY, settings.MODERATION_OPENAI_MODEL, timeout
        )
    if backend == "llamaguard":
        return ExternalConfig(
            settings.MODERATION_LLAMAGUARD_BASE_URL,
            settings.MODERATION_LLAMAGUARD_API_KEY,
            settings.MODERATION_LLAMAGUARD_MODEL,
            timeout,
        )
    return None


def higher(first: Assessment, second: Assessment) -> Assessment:
    """One assessment of a message read in two parts (its ends, and its middle by `builtin`): every
    score the higher of the two, under the first's backend, model and fallback."""
    labels = {label: max(first.labels[label], second.labels[label]) for label in first.labels}
    risk = max(first.risk_score, second.risk_score)
    built = Assessment.from_scores(labels, first.backend, risk, first.thresholds, first.model)
    return replace(built, fallback_from=first.fallback_from, fallback_error=first.fallback_error)
