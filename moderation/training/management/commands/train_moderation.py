"""Rebuild the builtin moderation model from the labelled examples in moderation/training/data/."""

import gzip
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from moderation.classifiers.model import ARTIFACT_PATH, write_artifact
from moderation.training import examples
from moderation.training.metrics import format_metrics


class Command(BaseCommand):
    help = "Train the builtin moderation model (fixed seeds) and optionally cross-validate the recipe."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=ARTIFACT_PATH, help="where to write the artifact")
        parser.add_argument("--data", type=Path, default=examples.DATA_DIR, help="folder of labelled *.jsonl files")
        parser.add_argument(
            "--split",
            choices=("all", "train"),
            default="all",
            help="all: the shipped model, trained on the whole dev split; train: without the locked test "
            "set, for `evaluate_moderation --locked --model OUTPUT`",
        )
        parser.add_argument(
            "--fine-tune",
            action="store_true",
            help="run the whole recipe: fine-tune the encoder (torch, requirements-finetune.txt; about 15 minutes "
            "on two cores) and pick the operating points on inner folds fine-tuned on their own. Without it, the "
            "encoder adapter and operating points of --reuse are kept and the rest is fitted again (about a minute)",
        )
        parser.add_argument(
            "--reuse",
            type=Path,
            default=ARTIFACT_PATH,
            help="without --fine-tune, the artifact whose adapter (if it has one) and operating points are kept; "
            "moderation/classifiers/review_model.json.gz rebuilds the end-time review's second model",
        )
        parser.add_argument("--oof-json", type=Path, help="with --fine-tune: write the inner folds' out-of-fold probabilities here")
        parser.add_argument("--threads", type=int, default=2, help="torch's threads for fine-tuning (the result depends on it)")
        parser.add_argument(
            "--cv", action="store_true", help="also run nested 5-fold cross-validation (train split; 30 fine-tunings, over an hour)"
        )
        parser.add_argument("--cv-json", type=Path, help="write the cross-validation metrics to this file")

    def handle(
        self,
        *args,
        output: Path,
        data: Path,
        split: str,
        fine_tune: bool,
        reuse: Path,
        oof_json: Path | None,
        threads: int,
        cv: bool,
        cv_json: Path | None,
        **options,
    ):
        try:
            from moderation.training import recipe
        except ImportError as error:
            raise CommandError(f"training needs scikit-learn: pip install -r requirements-train.txt ({error})") from error
        if fine_tune or cv or cv_json:
            try:
                import torch
            except ImportError as error:
                raise CommandError(f"fine-tuning needs torch: pip install --require-hashes -r requirements-finetune.txt ({error})") from error
            torch.set_num_threads(threads)
        training = examples.load_examples(split, data)
        if fine_tune:
            report: dict = {}
            artifact, _, _ = recipe.train(training, report=report)
            if oof_json:
                oof_json.write_text(json.dumps(report) + "\n")
        else:
            try:
                artifact, _, _ = recipe.train(training, reuse=json.loads(gzip.decompress(reuse.read_bytes())))
            except ValueError as error:
                raise CommandError(f"{reuse}: {error} (--fine-tune)") from error
        write_artifact(artifact, output)
        thresholds = dict(zip(artifact["outputs"], artifact["thresholds"]))
        self.stdout.write(
            f"trained on {len(training)} examples ({split}); operating points {thresholds}; "
            f"wrote {output} ({output.stat().st_size:,} bytes)"
        )
        if cv or cv_json:
            result = recipe.cross_validate(examples.load_examples("train", data))
            self.stdout.write(format_metrics(result, "nested 5-fold cross-validation (train split, public examples only)"))
            if cv_json:
                cv_json.write_text(json.dumps(result, indent=2) + "\n")
