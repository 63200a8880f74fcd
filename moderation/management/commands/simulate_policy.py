"""Run synthetic multi-turn conversations through the real assessment, local provider and end policy.

Everything runs in process: each user turn is assessed with `assess_text` (the configured
backend), the `local` provider answers the transcript so far (and asks to end where a real model
would), the policy decides every end it asks for, and the reply's kind is derived the way the
reply pipeline derives it. No database, no worker, no server.
"""

import json
import random
import statistics
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from conversations.providers.base import ChatTurn, ProviderRequest, ProviderResult
from conversations.providers.local import LocalProvider
from conversations.providers.prompts import END_TOOL_NAME
from moderation import policy
from moderation.classifiers import builtin, training
from moderation.services import assess_text, policy_config

TURNS = 6
SCENARIOS = ("benign", "persistent_abuse", "abuse_with_risk", "end_request")


def build_conversations(items: list[dict], per_scenario: int, seed: int, earliest_end: int = TURNS) -> dict[str, list[list[str]]]:
    """User turns for every scenario, drawn (seeded) from the labelled texts."""
    rng = random.Random(seed)
    by_label: dict[str, list[str]] = {}
    for item in items:
        by_label.setdefault(item["label"], []).append(item["text"])
    safe = by_label.get("benign", []) + by_label.get("benign_sensitive", [])
    misconduct = {label: by_label[label] for label in ("abuse", "harmful_request") if by_label.get(label)}
    risk = by_label.get("self_harm", []) + by_label.get("harm_to_others", [])
    ends = by_label.get("end_request", [])
    missing = [name for name, texts in (("benign", safe), ("abuse/harmful_request", misconduct), ("risk", risk), ("end_request", ends)) if not texts]
    if missing:
        raise CommandError(f"the file has no texts for: {', '.join(missing)}")
    conversations: dict[str, list[list[str]]] = {name: [] for name in SCENARIOS}
    labels = sorted(misconduct)
    for n in range(per_scenario):
        conversations["benign"].append(rng.sample(safe, TURNS))
        pool = misconduct[labels[n % len(labels)]]
        conversations["persistent_abuse"].append([rng.choice(pool) for _ in range(TURNS)])
        # The risk turn comes no later than the earliest turn at which an end could be allowed
        # (after `earliest_end - 1` redirections); later, the branch may rightly have ended first.
        turns = [rng.choice(pool) for _ in range(TURNS)]
        turns[rng.randrange(min(TURNS, earliest_end))] = rng.choice(risk)
        conversations["abuse_with_risk"].append(turns)
        lead = rng.sample(safe, rng.randrange(0, 3))
        conversations["end_request"].append([*lead, rng.choice(ends)])
    return conversations


def run_conversation(user_texts: list[str], provider: LocalProvider, config: policy.PolicyConfig) -> dict:
    """Play one conversation until it ends or runs out of turns."""
    transcript: list[ChatTurn] = []
    turns: list[policy.Turn] = []
    outcome = {"ended": False, "end_turn": None, "redirects_before_end": None, "risk_vetoes": 0, "support_replies": 0, "refusals": 0}
    for number, text in enumerate(user_texts, start=1):
        assessment = assess_text(text)
        transcript.append(ChatTurn(role="user", content=text))
        turns.append(policy.Turn(flagged=frozenset(assessment.flagged)))
        result = next(part for part in provider.stream(ProviderRequest(system="", messages=list(transcript), model="")) if isinstance(part, ProviderResult))
        ended = False
        for call in result.tool_calls:
            if call.name != END_TOOL_NAME:
                continue
            decision = policy.decide_model_end(turns, str(call.arguments.get("reason", "")), config)
            if decision.allowed:
                ended = True
                outcome.update(ended=True, end_turn=number, redirects_before_end=decision.redirect_attempts)
            else:
                outcome["refusals"] += 1
                outcome["risk_vetoes"] += decision.refusal == "risk_veto"
        kind = policy.reply_kind(turns[-1], ended=ended)
        outcome["support_replies"] += kind == "support"
        turns[-1] = policy.Turn(flagged=turns[-1].flagged, reply_kind=kind)
        transcript.append(ChatTurn(role="assistant", content=result.text))
        if ended:
            break
    return outcome


def summarize(outcomes: list[dict]) -> dict:
    ended = [o for o in outcomes if o["ended"]]
    return {
        "conversations": len(outcomes),
        "ended": len(ended),
        "end_rate": round(len(ended) / len(outcomes), 4) if outcomes else 0.0,
        "mean_end_turn": round(statistics.fmean(o["end_turn"] for o in ended), 2) if ended else None,
        "ended_by_turn_6": sum(o["end_turn"] <= TURNS for o in ended),
        "mean_redirects_before_end": round(statistics.fmean(o["redirects_before_end"] for o in ended), 2) if ended else None,
        "support_replies": sum(o["support_replies"] for o in outcomes),
        "risk_vetoes": sum(o["risk_vetoes"] for o in outcomes),
        "refused_end_attempts": sum(o["refusals"] for o in outcomes),
    }


class Command(BaseCommand):
    help = "Simulate benign, abusive, abusive-with-risk and end-request conversations through the end policy."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help="labelled JSONL files (text, label)")
        parser.add_argument("--json", type=Path, dest="json_out")
        parser.add_argument("--conversations", type=int, default=100, help="conversations per scenario")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--model",
            type=Path,
            help="use this builtin artifact (e.g. one trained without FILE) for the whole run, provider included",
        )

    def handle(self, *args, files, json_out, conversations: int, seed: int, model: Path | None, **options):
        if model:
            # The command is its own process: swapping the cached model affects only this run.
            builtin.use_model(builtin.load_model(model))
        items = [item for path in files for item in training.read_jsonl(path)]
        config = policy_config()
        scripted = build_conversations(items, conversations, seed, earliest_end=config.end_after_redirects + 1)
        provider = LocalProvider()
        results = {}
        with override_settings(LOCAL_TOKEN_DELAY_MS=0):
            for name, user_turns in scripted.items():
                results[name] = summarize([run_conversation(texts, provider, config) for texts in user_turns])
        header = f"{'scenario':<18} {'convs':>5} {'ended':>5} {'end rate':>8} {'end turn':>8} {'redirects':>9} {'vetoes':>6} {'support':>7}"
        self.stdout.write(f"policy {policy.POLICY_VERSION}, END_AFTER_REDIRECTS={config.end_after_redirects}, RISK_WINDOW_TURNS={config.risk_window}")
        self.stdout.write(header)
        for name, r in results.items():
            self.stdout.write(
                f"{name:<18} {r['conversations']:>5} {r['ended']:>5} {r['end_rate']:>8.1%} {r['mean_end_turn'] or '-':>8} "
                f"{r['mean_redirects_before_end'] or '-':>9} {r['risk_vetoes']:>6} {r['support_replies']:>7}"
            )
        if json_out:
            json_out.parent.mkdir(parents=True, exist_ok=True)
            payload = {
                "policy_version": policy.POLICY_VERSION,
                "config": {"end_after_redirects": config.end_after_redirects, "risk_window": config.risk_window},
                "files": [str(path) for path in files],
                "seed": seed,
                "scenarios": results,
            }
            json_out.write_text(json.dumps(payload, indent=2) + "\n")
