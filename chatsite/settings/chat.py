"""The chat's own settings: the reply pipeline and its providers, streams, health checks,
moderation and the end policy, metrics and accounts."""

import os

from chatsite.env import env_bool, env_choice, env_float, env_int, env_list, env_str

# The reply pipeline.
LLM_PROVIDER = env_str("LLM_PROVIDER", "local")
LLM_MODEL = env_str("LLM_MODEL", "")
# Extra providers as "name=package.module:ClassName" pairs, comma separated; used by deployments
# with their own provider and by the tests' doubles.
LLM_EXTRA_PROVIDERS = env_list("LLM_EXTRA_PROVIDERS")
LOCAL_TOKEN_DELAY_MS = env_int("LOCAL_TOKEN_DELAY_MS", 30, minimum=0)
MAX_MESSAGE_CHARS = env_int("MAX_MESSAGE_CHARS", 32000, minimum=1)
# New conversations a user may start in any hour (deleted ones count; ends never do). 0: no limit.
MAX_CONVERSATIONS_PER_HOUR = env_int("MAX_CONVERSATIONS_PER_HOUR", 100, minimum=0)
# A pending reply no worker has claimed after this long is handed to the queue again (also right
# after Redis comes back, for replies whose enqueue failed).
REPLY_REQUEUE_SECONDS = env_int("REPLY_REQUEUE_SECONDS", 120, minimum=5)
# A deleted conversation is purged this many days after it was deleted, and never while an end or
# a refused end of it awaits staff review (then this many days after the review). docs/privacy.md.
DELETED_RETENTION_DAYS = env_int("DELETED_RETENTION_DAYS", 30, minimum=0)
REPLY_LEASE_SECONDS = env_int("REPLY_LEASE_SECONDS", 60, minimum=1)
REPLY_STREAM_TTL_SECONDS = env_int("REPLY_STREAM_TTL_SECONDS", 3600, minimum=60)
REPLY_STREAM_MAXLEN = env_int("REPLY_STREAM_MAXLEN", 20000, minimum=100)
# A reply pending (or streaming without a lease renewal) this long is failed by the sweeper.
REPLY_STUCK_SECONDS = env_int("REPLY_STUCK_SECONDS", 600, minimum=30)
PROVIDER_MAX_RETRIES = env_int("PROVIDER_MAX_RETRIES", 3, minimum=0)
# Real providers (issue 4). The SDKs read their own standard variables (ANTHROPIC_API_KEY,
# ANTHROPIC_BASE_URL, OPENAI_API_KEY, OPENAI_BASE_URL); these only pick the model and the limits.
ANTHROPIC_MODEL = env_str("ANTHROPIC_MODEL", "claude-sonnet-5")
OPENAI_MODEL = env_str("OPENAI_MODEL", "gpt-4.1-mini")
# What users may pick (GET /api/v1/models/), as provider:model pairs, comma separated. Empty means
# the default provider, the local one, and each real provider whose key or base URL is set.
LLM_CHOICES = env_list("LLM_CHOICES")
LLM_CONNECT_TIMEOUT_SECONDS = env_int("LLM_CONNECT_TIMEOUT_SECONDS", 10, minimum=1)
# Longest silence between two chunks of a streamed reply before the call counts as hung.
LLM_READ_TIMEOUT_SECONDS = env_int("LLM_READ_TIMEOUT_SECONDS", 60, minimum=1)
LLM_MAX_OUTPUT_TOKENS = env_int("LLM_MAX_OUTPUT_TOKENS", 1024, minimum=16)
# Transcript budget in (estimated) tokens: the oldest turns are dropped first; the system prompt
# and the latest user turn are always sent.
LLM_CONTEXT_BUDGET_TOKENS = env_int("LLM_CONTEXT_BUDGET_TOKENS", 24000, minimum=256)
# Backoff between provider retries: exponential from the base, capped, with full jitter; a longer
# Retry-After from the provider always wins.
PROVIDER_RETRY_BASE_SECONDS = env_int("PROVIDER_RETRY_BASE_SECONDS", 2, minimum=0)
PROVIDER_RETRY_MAX_SECONDS = env_int("PROVIDER_RETRY_MAX_SECONDS", 60, minimum=1)
# Health checks (chatsite/health.py): how long a worker ping's answer is reused, how long a ping
# waits, and a secret that shows monitors the details of /readyz (`Authorization: Bearer ...`).
HEALTH_WORKER_CACHE_SECONDS = env_int("HEALTH_WORKER_CACHE_SECONDS", 10, minimum=1)
HEALTH_WORKER_TIMEOUT_SECONDS = env_int("HEALTH_WORKER_TIMEOUT_SECONDS", 1, minimum=1)
HEALTH_TOKEN = env_str("HEALTH_TOKEN")
# Reply streams (conversations/stream_hub.py, conversations/stream_slots.py). A web process reads
# Redis for its streams through a pool of at most STREAM_REDIS_POOL_SIZE connections (plus one
# that waits for new entries on behalf of every stream), and a read waits at most
# STREAM_REDIS_POOL_TIMEOUT_SECONDS for a free one. A user has at most MAX_STREAMS_PER_USER open
# streams across all web processes; opening one more closes their least recently active one.
STREAM_REDIS_POOL_SIZE = env_int("STREAM_REDIS_POOL_SIZE", 20, minimum=1)
STREAM_REDIS_POOL_TIMEOUT_SECONDS = env_int("STREAM_REDIS_POOL_TIMEOUT_SECONDS", 5, minimum=1)
MAX_STREAMS_PER_USER = env_int("MAX_STREAMS_PER_USER", 8, minimum=1)
SSE_HEARTBEAT_SECONDS = env_int("SSE_HEARTBEAT_SECONDS", 15, minimum=1)

# Moderation and the end policy.
MODERATION_BACKEND = env_choice("MODERATION_BACKEND", "builtin", ("builtin", "openai", "llamaguard"))
# External moderation backends. When one fails or times out, the message is assessed by builtin
# and the fallback is recorded on it; a chat never waits on a moderation outage.
MODERATION_OPENAI_BASE_URL = env_str("MODERATION_OPENAI_BASE_URL", "https://api.openai.com/v1")
MODERATION_OPENAI_API_KEY = env_str("MODERATION_OPENAI_API_KEY")
MODERATION_OPENAI_MODEL = env_str("MODERATION_OPENAI_MODEL", "omni-moderation-latest")
MODERATION_LLAMAGUARD_BASE_URL = env_str("MODERATION_LLAMAGUARD_BASE_URL")
MODERATION_LLAMAGUARD_API_KEY = env_str("MODERATION_LLAMAGUARD_API_KEY")
MODERATION_LLAMAGUARD_MODEL = env_str("MODERATION_LLAMAGUARD_MODEL", "meta-llama/Llama-Guard-3-8B")
MODERATION_TIMEOUT_MS = env_int("MODERATION_TIMEOUT_MS", 3000, minimum=100)
END_AFTER_REDIRECTS = env_int("END_AFTER_REDIRECTS", 3, minimum=1)
RISK_WINDOW_TURNS = env_int("RISK_WINDOW_TURNS", 6, minimum=1)
# Risk is read on two lines (docs/moderation.md). The veto line, on an assessment's `risk` score,
# is tuned for recall: a turn at or above it keeps the model from ending the branch. The support
# line, on the self_harm and harm_to_others scores, is tuned for precision: a turn at or above it
# gets a reply with SUPPORT_RESOURCES. Every backend scores so that 0.5 is its operating point.
RISK_VETO_THRESHOLD = env_float("RISK_VETO_THRESHOLD", 0.5, minimum=0.0, maximum=1.0)
RISK_SUPPORT_THRESHOLD = env_float("RISK_SUPPORT_THRESHOLD", 0.5, minimum=0.0, maximum=1.0)
# Risk seen once on a branch vetoes the model's ends for the rest of it, unless staff clear it.
# Off, only the last RISK_WINDOW_TURNS user turns count.
RISK_MEMORY = env_bool("RISK_MEMORY", True)
# Before a model-initiated end, a real provider's model is asked one yes/no question about risk
# in the transcript (the offline provider is not). No answer within this time refuses the end.
RISK_REVIEW_MODEL_TIMEOUT_MS = env_int("RISK_REVIEW_MODEL_TIMEOUT_MS", 10000, minimum=100)
# A message longer than 8,001 characters is read in its ends when it is sent; the end-time review
# reads its middle too (about 2.5 s of one core for the app's longest, 32,000 characters). It reads
# at most this many characters of such messages in one end (two of the longest); a branch holding
# more cannot be ended by the model, since what was not read was not checked.
RISK_REVIEW_MAX_CHARS = env_int("RISK_REVIEW_MAX_CHARS", 64000, minimum=0)
# The middle of such a message is read as it is sent too, so a risk said there gets the support
# reply, for at most this many of one user's messages a minute (about 2 s of one core each for
# the longest): the budget keeps one user's pastes from taking the workers from everyone else.
# Past it, or at 0, the middle is read only before an end, as above.
RISK_MIDDLE_READS_PER_MINUTE = env_int("RISK_MIDDLE_READS_PER_MINUTE", 2, minimum=0)
# Each worker process loads the builtin model and its sentence encoder as it starts, so that no
# user waits for it; off, the first message a process assesses pays for it (about a second).
MODERATION_WARM_UP = env_bool("MODERATION_WARM_UP", True)
# The builtin backend's abuse and harmful_request scores are the mean of its model's and a second
# model's over a fine-tuned encoder, which tells them from alarming-but-safe texts better
# (docs/moderation.md, "Flags from the fine-tuned encoder"); the veto and the support reply never
# hear it. Off, one model gives every score, and each worker process holds one encoder less.
MODERATION_FINE_TUNED_FLAGS = env_bool("MODERATION_FINE_TUNED_FLAGS", True)
SUPPORT_RESOURCES = env_str(
    "SUPPORT_RESOURCES",
    "If you are in immediate danger, call your local emergency number (112 in the EU, 911 in the "
    "US and Canada, 999 in the UK). You can find a free, confidential crisis line in your country "
    "at https://findahelpline.com; in the US you can call or text 988, in the UK and Ireland call "
    "Samaritans on 116 123.",
)

# GET /metrics (Prometheus) answers staff, and a scraper sending `Authorization: Bearer
# METRICS_TOKEN`; anyone else gets a 404. Empty: staff only. METRICS_TOKEN_FILE works too.
METRICS_TOKEN = env_str("METRICS_TOKEN")
# prometheus-client turns on its multiprocess mode when PROMETHEUS_MULTIPROC_DIR is present at all,
# even empty, and then writes its files into the working directory. By this project's rule an
# empty value is unset (chatsite/env.py), so an empty one goes before anything imports the library.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip():
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)

# Accounts.
ALLOW_SIGNUP = env_bool("ALLOW_SIGNUP", True)
