"""Score labelled messages with a moderation backend: the figures of the model card."""

import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from moderation.classifiers import builtin
from moderation.classifiers.base import LABELS
from moderation.assessment import assess_text, thresholds
from moderation.training import examples
from moderation.training.metrics import format_metrics, metrics


class Command(BaseCommand):
    help = (
        "Per-label precision/recall/F1 on the flag line, risk recall on the veto line, safe texts "
        "flagged, and throughput, on a labelled JSONL file or on the locked test set."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?", help="JSONL with text and label per line")
        parser.add_argument(
            "--locked",
            action="store_true",
            help="score the locked test set (moderation/training/data/locked_test_ids.txt) instead of FILE; "
            "use it with --model and a model trained with `train_moderation --split train`",
        )
        parser.add_argument("--json", type=Path, dest="json_out", help="write the metrics to this JSON file")
        parser.add_argument("--model", type=Path, help="score with this builtin artifact instead of the configured backend")

    def handle(self, *args, file: Path | None, locked: bool, json_out: Path | None, model: Path | None, **options):
        if locked == (file is not None):
            raise CommandError("give either FILE or --locked")
        if locked:
            items = [{"text": e.text, "label": e.label} for e in examples.load_examples("locked")]
            source = "the locked test set"
        else:
            if not file.exists():
                raise CommandError(f"{file} does not exist")
            items = examples.read_jsonl(file)
            source = str(file)
        unknown = {item["label"] for item in items} - set(LABELS) - set(examples.SAFE_LABELS)
        if unknown:
            raise CommandError(f"unknown labels in {source}: {sorted(unknown)}")
        if model:
            loaded = builtin.load_model(model)
            lines = thresholds()
            assess = lambda text: builtin.assess(text, loaded, lines)  # noqa: E731
            backend = f"builtin ({model})"
        else:
            assess = assess_text
            backend = settings.MODERATION_BACKEND
        assess(items[0]["text"])  # loads the model and the encoder outside the timing
        started = time.perf_counter()
        assessments = [assess(item["text"]) for item in items]
        elapsed = time.perf_counter() - started
        result = metrics([item["label"] for item in items], [a.flagged for a in assessments], [a.veto for a in assessments])
        result["messages_per_second"] = round(len(items) / elapsed, 1) if elapsed else None
        result["backend"] = backend
        result["file"] = source
        result["thresholds"] = {"veto": settings.RISK_VETO_THRESHOLD, "support": settings.RISK_SUPPORT_THRESHOLD}
        self.stdout.write(format_metrics(result, f"{source} with {backend}: {len(items)} examples"))
        if json_out:
            json_out.parent.mkdir(parents=True, exist_ok=True)
            json_out.write_text(json.dumps(result, indent=2) + "\n")
