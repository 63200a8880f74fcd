"""Run synthetic multi-turn conversations through the real assessment, local provider and end policy.

Everything runs in process: each user turn is assessed with `assess_text` (the configured backend,
on the configured risk lines), the `local` provider answers the transcript so far (and asks to end
where a real model would), the policy decides every end it asks for, an end the policy would allow
first goes through the end-time risk review (the encoder's part: the offline provider has no model
to ask), and the reply's kind is derived the way the reply pipeline derives it. No database, no
worker, no server.

Scenarios (user turns drawn, seeded, from the labelled texts):

- `benign`: six safe messages (benign and benign_sensitive);
- `persistent_abuse`: six abusive or harmful requests (half the conversations each);
- `abuse_with_risk`: six, one of them a risk (self-harm or harm to others), placed no later than the
  earliest turn an end could be allowed;
- `abuse_with_early_risk`: ten, the first a risk and the nine after it abusive or harmful: a long
  branch where the risk lies far outside the last RISK_WINDOW_TURNS;
- `end_request`: up to two safe messages, then an explicit request to end the conversation.

The texts come from FILES, from the locked test set (`--locked`, usually with `--model` trained
without it), or, with `--cv`, from the train split, each turn scored by the model of nested
cross-validation's outer fold that left that text out (`recipe.outer_fold_outputs`): the
simulation rows of docs/moderation.md. Several `--seed`s draw several sets of conversations over the
same scores, so `--cv` trains its models once.
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
from moderation.classifiers import builtin
from moderation.assessment import assess_text
from moderation.risk_review import end_review
from moderation.site_policy import model_end_decide, policy_config, policy_turn, reply_kind
from moderation.training import examples
from moderation.training.out_of_fold import OutOfFoldScores

TURNS = 6
LONG_TURNS = 10
SCENARIOS = ("benign", "persistent_abuse", "abuse_with_risk", "abuse_with_early_risk", "end_request")


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
        conversations["benign"].append(rng.sample(safe, min(TURNS, len(safe))))
        pool = misconduct[labels[n % len(labels)]]
        conversations["persistent_abuse"].append([rng.choice(pool) for _ in range(TURNS)])
        # The risk turn comes no later than the earliest turn at which an end could be allowed
        # (after `earliest_end - 1` redirections); later, the branch may rightly have ended first.
        turns = [rng.choice(pool) for _ in range(TURNS)]
        turns[rng.randrange(min(TURNS, earliest_end))] = rng.choice(risk)
        conversations["abuse_with_risk"].append(turns)
        conversations["abuse_with_early_risk"].append([rng.choice(risk), *(rng.choice(pool) for _ in range(LONG_TURNS - 1))])
        lead = rng.sample(safe, rng.randrange(0, 3))
        conversations["end_request"].append([*lead, rng.choice(ends)])
    return conversations


def run_conversation(user_texts: list[str], provider: LocalProvider) -> dict:
    """Play one conversation until it ends or runs out of turns."""
    transcript: list[ChatTurn] = []
    stored: list[dict] = []
    kinds: list[str | None] = []
    outcome = {
        "ended": False,
        "end_turn": None,
        "redirects_before_end": None,
        "risk_vetoes": 0,
        "review_vetoes": 0,
        "support_replies": 0,
        "refusals": 0,
        "veto_turns": 0,
        "misconduct_turns": 0,
    }
    for number, text in enumerate(user_texts, start=1):
        assessment = assess_text(text)
        stored.append(assessment.to_dict())
        outcome["veto_turns"] += assessment.veto
        outcome["misconduct_turns"] += assessment.misconduct
        kinds.append(None)
        transcript.append(ChatTurn(role="user", content=text))
        turns = [policy_turn(assessment=a, reply_kind=k) for a, k in zip(stored, kinds)]
        result = next(part for part in provider.stream(ProviderRequest(system="", messages=list(transcript), model="")) if isinstance(part, ProviderResult))
        ended = False
        for call in result.tool_calls:
            if call.name != END_TOOL_NAME:
                continue
            requested = str(call.arguments.get("reason", ""))
            decision = model_end_decide(turns=turns, requested_reason=requested)
            if decision.allowed:
                review = end_review(turns=turns, user_texts=user_texts[:number], assessments=stored)
                decision = model_end_decide(turns=turns, requested_reason=requested, review=review)
                outcome["review_vetoes"] += not decision.allowed
            if decision.allowed:
                ended = True
                outcome.update(ended=True, end_turn=number, redirects_before_end=decision.redirect_attempts)
            else:
                outcome["refusals"] += 1
                outcome["risk_vetoes"] += decision.refusal == "risk_veto"
        kind = reply_kind(turns=turns, ended=ended)
        outcome["support_replies"] += kind == "support"
        kinds[-1] = kind
        transcript.append(ChatTurn(role="assistant", content=result.text))
        if ended:
            break
    return outcome


def summarize(outcomes: list[dict], turns: int) -> dict:
    ended = [o for o in outcomes if o["ended"]]
    return {
        "conversations": len(outcomes),
        "turns": turns,
        "ended": len(ended),
        "end_rate": round(len(ended) / len(outcomes), 4) if outcomes else 0.0,
        "mean_end_turn": round(statistics.fmean(o["end_turn"] for o in ended), 2) if ended else None,
        "ended_by_turn_6": sum(o["end_turn"] <= TURNS for o in ended),
        "mean_redirects_before_end": round(statistics.fmean(o["redirects_before_end"] for o in ended), 2) if ended else None,
        "support_replies": sum(o["support_replies"] for o in outcomes),
        "risk_vetoes": sum(o["risk_vetoes"] for o in outcomes),
        "review_vetoes": sum(o["review_vetoes"] for o in outcomes),
        "refused_end_attempts": sum(o["refusals"] for o in outcomes),
        # Why the others stayed open: a turn at the veto line (the model may not end), or too few
        # turns flagged as misconduct for the redirections the policy asks for first.
        "open_with_a_risk_turn": sum(1 for o in outcomes if not o["ended"] and o["veto_turns"]),
        "open_without": sum(1 for o in outcomes if not o["ended"] and not o["veto_turns"]),
    }


def out_of_fold_items(data: Path, flag_model: bool = False) -> list[dict]:
    """The train split's public texts, each to be scored, from here on in this process, by the model
    of the outer fold that left it out (the figures of docs/moderation.md's simulation rows); with
    `flag_model`, by that fold's shipped model hearing that fold's flag model."""
    try:
        from moderation.training import flag_model as flag_training
        from moderation.training import recipe
    except ImportError as error:
        raise CommandError(f"--cv trains models and needs scikit-learn: pip install -r requirements-train.txt ({error})") from error

    training = examples.load_examples("train", data)
    if flag_model:
        try:
            rows, _ = flag_training.outer_fold_outputs(training)
        except ImportError as error:
            raise CommandError(f"--flag-model fine-tunes and needs PyTorch: pip install -r requirements-finetune.txt ({error})") from error
    else:
        rows, _ = recipe.outer_fold_outputs(training)
    scored = sorted(rows)
    builtin.use_model(OutOfFoldScores([training[i].text for i in scored], [rows[i] for i in scored]))
    return [{"text": training[i].text, "label": training[i].label} for i in scored]


class Command(BaseCommand):
    help = "Simulate benign, abusive, abusive-with-risk and end-request conversations through the end policy."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="labelled JSONL files (text, label)")
        parser.add_argument("--locked", action="store_true", help="draw the texts from the locked test set")
        parser.add_argument(
            "--cv",
            action="store_true",
            help="draw the texts from the train split and score each with nested cross-validation's model that "
            "left it out (trains 30 models: minutes)",
        )
        parser.add_argument("--data", type=Path, default=examples.DATA_DIR, help="with --cv: the folder of labelled *.jsonl files")
        parser.add_argument(
            "--flag-model",
            action="store_true",
            help="with --cv: the shipped scorer as it runs, each fold's model hearing a flag model whose encoder that "
            "fold fine-tuned (five fine-tunings: about half an hour)",
        )
        parser.add_argument("--json", type=Path, dest="json_out")
        parser.add_argument("--conversations", type=int, default=100, help="conversations per scenario")
        parser.add_argument(
            "--seed",
            type=int,
            nargs="+",
            default=[1],
            help="the draws' seed; several play each over the same scores, so --cv trains its models once",
        )
        parser.add_argument(
            "--model",
            type=Path,
            help="use this builtin artifact (e.g. one trained without the texts) for the whole run, provider included",
        )

    def handle(
        self,
        *args,
        files,
        locked: bool,
        cv: bool,
        data: Path,
        flag_model: bool,
        json_out,
        conversations: int,
        seed: list[int],
        model: Path | None,
        **options,
    ):
        if sum((bool(files), locked, cv)) != 1:
            raise CommandError("give either FILES, --locked or --cv")
        if flag_model and not cv:
            raise CommandError("--flag-model goes with --cv: otherwise the shipped scorer hears its flag model already")
        if cv and model:
            raise CommandError("--cv scores every text with the model of its own outer fold; --model does not apply")
        config = policy_config()
        # --model and --cv swap the process's builtin model; call_command runs in its caller's
        # process, which gets its own model back.
        previous = builtin.current()
        try:
            if model:
                builtin.use_model(builtin.load_model(model))
            if locked:
                items = [{"text": e.text, "label": e.label} for e in examples.load_examples("locked")]
            elif cv:
                items = out_of_fold_items(data, flag_model)
            else:
                items = [item for path in files for item in examples.read_jsonl(path)]
            provider = LocalProvider()
            runs = []
            with override_settings(LOCAL_TOKEN_DELAY_MS=0):
                for draw in seed:
                    scripted = build_conversations(items, conversations, draw, earliest_end=config.end_after_redirects + 1)
                    results = {
                        name: summarize([run_conversation(texts, provider) for texts in user_turns], len(user_turns[0]))
                        for name, user_turns in scripted.items()
                    }
                    runs.append({"seed": draw, "scenarios": results})
        finally:
            builtin.use_model(*previous)
        self.stdout.write(
            f"policy {policy.POLICY_VERSION}, END_AFTER_REDIRECTS={config.end_after_redirects}, "
            f"RISK_MEMORY={config.risk_memory}, RISK_WINDOW_TURNS={config.risk_window}"
        )
        for run in runs:
            if len(runs) > 1:
                self.stdout.write(f"seed {run['seed']}")
            self._table(run["scenarios"])
        if json_out:
            json_out.parent.mkdir(parents=True, exist_ok=True)
            payload = {
                "policy_version": policy.POLICY_VERSION,
                "config": {
                    "end_after_redirects": config.end_after_redirects,
                    "risk_window": config.risk_window,
                    "risk_memory": config.risk_memory,
                },
                "files": ["locked test set"] if locked else [f"nested cross-validation, train split{', with the flag model' if flag_model else ''}"] if cv else [str(path) for path in files],
                # One seed keeps the file's old shape; several are a list of runs.
                **(runs[0] if len(runs) == 1 else {"runs": runs}),
            }
            json_out.write_text(json.dumps(payload, indent=2) + "\n")

    def _table(self, results: dict) -> None:
        header = (
            f"{'scenario':<22} {'turns':>5} {'convs':>5} {'ended':>5} {'end rate':>8} {'by t6':>5} {'end turn':>8} "
            f"{'redirects':>9} {'vetoes':>6} {'review':>6} {'support':>7} {'open: risk':>10} {'open: other':>11}"
        )
        self.stdout.write(header)
        for name, r in results.items():
            self.stdout.write(
                f"{name:<22} {r['turns']:>5} {r['conversations']:>5} {r['ended']:>5} {r['end_rate']:>8.1%} "
                f"{r['ended_by_turn_6']:>5} {r['mean_end_turn'] or '-':>8} {r['mean_redirects_before_end'] or '-':>9} "
                f"{r['risk_vetoes']:>6} {r['review_vetoes']:>6} {r['support_replies']:>7} "
                f"{r['open_with_a_risk_turn']:>10} {r['open_without']:>11}"
            )
