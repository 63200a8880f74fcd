"""Score a labelled JSONL file (datasets format: text, label) with a moderation backend."""

import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from moderation.classifiers import builtin, training
from moderation.classifiers.base import LABELS
from moderation.management.commands.train_moderation import format_metrics
from moderation.services import assess_text


class Command(BaseCommand):
    help = "Per-label precision/recall/F1, benign_sensitive confusion and throughput on a labelled JSONL file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", type=Path, dest="json_out", help="write the metrics to this JSON file")
        parser.add_argument("--model", type=Path, help="score with this builtin artifact instead of the configured backend")

    def handle(self, *args, file: Path, json_out: Path | None, model: Path | None, **options):
        if not file.exists():
            raise CommandError(f"{file} does not exist")
        items = training.read_jsonl(file)
        unknown = {item["label"] for item in items} - set(LABELS) - set(training.SAFE_LABELS)
        if unknown:
            raise CommandError(f"unknown labels in {file}: {sorted(unknown)}")
        if model:
            loaded = builtin.load_model(model)
            assess = lambda text: builtin.assess(text, loaded)  # noqa: E731
            backend = f"builtin ({model})"
        else:
            assess = assess_text
            backend = settings.MODERATION_BACKEND
        started = time.perf_counter()
        flagged = [assess(item["text"]).flagged for item in items]
        elapsed = time.perf_counter() - started
        result = training.metrics([item["label"] for item in items], flagged)
        result["messages_per_second"] = round(len(items) / elapsed, 1) if elapsed else None
        result["backend"] = backend
        result["file"] = str(file)
        result["examples"] = len(items)
        self.stdout.write(format_metrics(result, f"{file} with {backend}: {len(items)} examples"))
        if json_out:
            json_out.parent.mkdir(parents=True, exist_ok=True)
            json_out.write_text(json.dumps(result, indent=2) + "\n")
