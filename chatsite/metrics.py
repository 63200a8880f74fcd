"""The operating figures the app reports to Prometheus (prometheus-client), defined once here and
counted where they happen: the reply pipeline, the end policy's records, the assessment of each
user message.

Web and worker processes are many, so prometheus-client runs in its multiprocess mode whenever
PROMETHEUS_MULTIPROC_DIR is set (it must be set before this module is imported, and emptied when
the whole set of processes restarts, docs/deploy.md): each process writes its samples to files
there and `/metrics` (chatsite/metrics_endpoint.py) adds them up. Without it each process reports
only its own, which is what a lone `manage.py` command needs.
"""

from prometheus_client import Counter, Histogram

# A model's first token is usually under a few seconds; a reply that waited for a busy worker or
# a provider retry takes longer, and those tails are what an operator looks for.
_FIRST_TOKEN_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300)
_DURATION_BUCKETS = (0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600)

REPLIES = Counter("chat_replies", "Replies that reached a final status (complete or failed).", ["status"])
FIRST_TOKEN_SECONDS = Histogram(
    "chat_reply_first_token_seconds",
    "From the user's send to the first token of the reply that completed, by provider.",
    ["provider"],
    buckets=_FIRST_TOKEN_BUCKETS,
)
DURATION_SECONDS = Histogram(
    "chat_reply_duration_seconds",
    "From the user's send to the completed reply, saved, by provider.",
    ["provider"],
    buckets=_DURATION_BUCKETS,
)
ENDS = Counter("chat_ends", "Branches ended, by reason and by who ended them.", ["reason", "initiated_by"])
END_REFUSALS = Counter("chat_end_refusals", "A model's requests to end that the policy refused, by refusal.", ["refusal"])
RISK_VETOES = Counter(
    "chat_risk_vetoes",
    "A model's requests to end refused because a recent user turn showed a risk of harm to self or others.",
)
PROVIDER_ERRORS = Counter(
    "chat_provider_errors", "Failed calls to a model provider, by provider and whether worth retrying.", ["provider", "transient"]
)
PROVIDER_RETRIES = Counter("chat_provider_retries", "Provider calls scheduled again after a transient failure.", ["provider"])
MIDDLE_READS = Counter(
    "chat_moderation_middle_reads",
    "User messages too long to be read whole, by when their middle was read: as sent, or only before an end (the user's budget was spent).",
    ["when"],
)
# What the assessment of each user message asked of its reply and of the end policy, as sent. The
# shares are the live view of what cross-validation measures offline: a jump in `support` or `veto`
# after a model, threshold or traffic change is what an operator reviews first (docs/deploy.md).
ASSESSMENTS = Counter(
    "chat_moderation_assessments",
    "User messages assessed as sent, by the strongest thing the assessment asked for: support (a risk at the support line), "
    "veto (at the veto line only), flagged (misconduct or an end request, no risk), ordinary.",
    ["result"],
)
FLAGS = Counter("chat_moderation_flags", "User messages assessed as sent with a label at its line, by label.", ["label"])
MODERATION_FALLBACKS = Counter(
    "chat_moderation_fallbacks",
    "Messages the builtin classifier assessed because the configured external backend failed or is not configured.",
    ["backend"],
)
