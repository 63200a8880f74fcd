"""Rebuild the builtin moderation model from the labelled examples in moderation/training/data/."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from moderation.classifiers.model import ARTIFACT_PATH, FLAG_ARTIFACT_PATH, write_artifact
from moderation.training import examples
from moderation.training.metrics import format_metrics


class Command(BaseCommand):
    help = "Train the builtin moderation model (fixed seeds) and optionally cross-validate the recipe."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help=f"where to write the artifact (default {ARTIFACT_PATH.name}, or {FLAG_ARTIFACT_PATH.name})")
        parser.add_argument(
            "--flag-model",
            action="store_true",
            help="train the flag model instead: fine-tune the encoder (PyTorch, requirements-finetune.txt; about six "
            "minutes on one core), then the recipe over it",
        )
        parser.add_argument("--data", type=Path, default=examples.DATA_DIR, help="folder of labelled *.jsonl files")
        parser.add_argument(
            "--split",
            choices=("all", "train"),
            default="all",
            help="all: the shipped model, trained on the whole dev split; train: without the locked test "
            "set, for `evaluate_moderation --locked --model OUTPUT`",
        )
        parser.add_argument(
            "--cv",
            action="store_true",
            help="also run nested 5-fold cross-validation (train split); with --flag-model, of the shipped scorer with its "
            "flag model, each fold fine-tuning its own encoder (about half an hour)",
        )
        parser.add_argument("--cv-json", type=Path, help="write the cross-validation metrics to this file")

    def handle(
        self, *args, output: Path | None, flag_model: bool, data: Path, split: str, cv: bool, cv_json: Path | None, **options
    ):
        try:
            from moderation.training import flag_model as flag_training
            from moderation.training import recipe
        except ImportError as error:
            raise CommandError(f"training needs scikit-learn: pip install -r requirements-train.txt ({error})") from error
        output = output or (FLAG_ARTIFACT_PATH if flag_model else ARTIFACT_PATH)
        training = examples.load_examples(split, data)
        if flag_model:
            try:
                artifact = flag_training.train(training)
            except ImportError as error:
                raise CommandError(f"--flag-model needs PyTorch: pip install -r requirements-finetune.txt ({error})") from error
        else:
            artifact, _, _ = recipe.train(training)
        write_artifact(artifact, output)
        thresholds = dict(zip(artifact["outputs"], artifact["thresholds"]))
        self.stdout.write(
            f"trained on {len(training)} examples ({split}); operating points {thresholds}; "
            f"wrote {output} ({output.stat().st_size:,} bytes)"
        )
        if cv or cv_json:
            train_split = examples.load_examples("train", data)
            if flag_model:
                result = flag_training.cross_validate(train_split)
                title = "5-fold cross-validation of the scorer with its flag model (train split, public examples only)"
            else:
                result = recipe.cross_validate(train_split)
                title = "nested 5-fold cross-validation (train split, public examples only)"
            self.stdout.write(format_metrics(result, title))
            if cv_json:
                cv_json.write_text(json.dumps(result, indent=2) + "\n")
