"""Rebuild the builtin moderation model from the training data kept in moderation/data/."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from moderation.classifiers import training
from moderation.classifiers.model import ARTIFACT_PATH


class Command(BaseCommand):
    help = "Train the builtin moderation model (reproducible: fixed seeds, same artifact every run)."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=ARTIFACT_PATH, help="where to write the artifact")
        parser.add_argument("--data", type=Path, default=training.DATA_DIR, help="folder of labelled *.jsonl files")
        parser.add_argument(
            "--holdout",
            type=Path,
            help="hold out a stratified 25%% of the public examples: write them to this JSONL file and train "
            "on the rest (evaluate the result with evaluate_moderation HOLDOUT --model OUTPUT)",
        )
        parser.add_argument("--cv", action="store_true", help="also run nested 5-fold cross-validation and print it")
        parser.add_argument("--cv-json", type=Path, help="write the cross-validation metrics to this file")

    def handle(self, *args, output: Path, data: Path, holdout: Path | None, cv: bool, cv_json: Path | None, **options):
        examples = training.load_examples(data)
        if holdout:
            examples, held = training.split_holdout(examples)
            training.write_jsonl(held, holdout)
            self.stdout.write(f"held out {len(held)} public examples in {holdout}")
        artifact = training.train(examples)
        training.write_artifact(artifact, output)
        sizes = {name: len(block.get("vocabulary", ())) for name, block in artifact["blocks"].items()}
        self.stdout.write(
            f"trained on {len(examples)} examples; features {sizes}; thresholds "
            f"{dict(zip(artifact['labels'], artifact['thresholds']))}; wrote {output} ({output.stat().st_size:,} bytes)"
        )
        if cv or cv_json:
            result = training.cross_validate(examples)
            self.stdout.write(format_metrics(result, "nested 5-fold cross-validation (public examples only)"))
            if cv_json:
                cv_json.write_text(json.dumps(result, indent=2) + "\n")


def format_metrics(result: dict, title: str) -> str:
    lines = [title, f"{'label':<16} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>7}"]
    for label, m in result["labels"].items():
        lines.append(f"{label:<16} {m['precision']:>9.3f} {m['recall']:>7.3f} {m['f1']:>6.3f} {m['support']:>7}")
    for safe in training.SAFE_LABELS:
        rate = result.get(f"{safe}_flag_rate")
        if rate is not None:
            lines.append(
                f"{safe} flagged with a harmful label: {rate:.1%} of {result[f'{safe}_count']} "
                f"({', '.join(f'{k} {v}' for k, v in result[f'{safe}_confusion'].items() if v) or 'none'})"
            )
    if "messages_per_second" in result:
        lines.append(f"messages per second: {result['messages_per_second']:,.0f}")
    return "\n".join(lines)
