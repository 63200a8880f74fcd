"""The model's commands: train_moderation, evaluate_moderation (a file or the locked test set),
simulate_policy (the policy, the end-time review and risk memory over synthetic conversations)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from moderation.classifiers import builtin, encoder
from moderation.classifiers.base import LABELS
from moderation.classifiers.model import OUTPUTS, Model
from moderation.training import examples
from moderation.training.out_of_fold import OutOfFoldScores


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory) -> Path:
    """A few texts of every label, in the datasets format."""
    chosen, seen = [], {}
    for e in examples.load_examples("train"):
        if not e.written and seen.get(e.label, 0) < 12:
            seen[e.label] = seen.get(e.label, 0) + 1
            chosen.append({"text": e.text, "label": e.label})
    path = tmp_path_factory.mktemp("eval") / "sample.jsonl"
    path.write_text("".join(json.dumps(item) + "\n" for item in chosen), encoding="utf-8")
    return path


def test_evaluate_moderation_reports_both_risk_lines_and_writes_json(sample_file, tmp_path, capsys):
    out = tmp_path / "metrics.json"
    call_command("evaluate_moderation", str(sample_file), "--json", str(out))
    result = json.loads(out.read_text())
    assert set(result["labels"]) == set(LABELS)
    for label, metrics in result["labels"].items():
        assert 0.0 <= metrics["precision"] <= 1.0 and 0.0 <= metrics["recall"] <= 1.0
        assert ("veto_recall" in metrics) == (label in ("self_harm", "harm_to_others"))
    assert result["labels"]["abuse"]["support"] == 12
    assert result["thresholds"] == {"veto": 0.5, "support": 0.5}
    assert set(result["veto"]["rate_by_gold"]) >= {"self_harm", "benign_sensitive"}
    printed = capsys.readouterr().out
    assert "veto recall" in printed and "benign_sensitive flagged" in printed


def test_evaluate_moderation_reads_the_locked_test_set_without_a_file(tmp_path):
    out = tmp_path / "locked.json"
    call_command("evaluate_moderation", "--locked", "--json", str(out))
    result = json.loads(out.read_text())
    assert result["file"] == "the locked test set"
    assert result["examples"] == len(examples.load_examples("locked"))


def test_evaluate_moderation_wants_a_file_or_the_locked_set():
    with pytest.raises(CommandError, match="either"):
        call_command("evaluate_moderation")


def test_evaluate_moderation_refuses_unknown_labels(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "hi", "label": "spam"}) + "\n")
    with pytest.raises(CommandError, match="spam"):
        call_command("evaluate_moderation", str(path))


@pytest.fixture(scope="module")
def small_data(tmp_path_factory) -> Path:
    """A small but complete training set: every label, a few of each, so training takes seconds."""
    data = tmp_path_factory.mktemp("data")
    lines = []
    for label in (*LABELS, "benign", "benign_sensitive"):
        chosen = [e for e in examples.load_examples("train") if e.label == label and not e.written][:15]
        lines += [json.dumps({"id": f"t-{label}-{i}", "text": e.text, "label": label, "source": e.source}) for i, e in enumerate(chosen)]
    (data / "dev_small.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (data / "locked_test_ids.txt").write_text("\n")
    return data


def test_train_moderation_writes_a_loadable_artifact(small_data, tmp_path):
    out = tmp_path / "model.json.gz"
    call_command("train_moderation", "--data", str(small_data), "--output", str(out))
    model = Model.load(out)
    assert model.thresholds.shape == (len(OUTPUTS),)


def test_train_moderation_flag_model_ships_its_adapter_and_scores_with_it(small_data, tmp_path, monkeypatch):
    from moderation.training import finetune

    monkeypatch.setattr(finetune, "EPOCHS", 1)  # seconds on the small set; the recipe is the same
    out = tmp_path / "flags.json.gz"
    call_command("train_moderation", "--flag-model", "--data", str(small_data), "--output", str(out))
    model = Model.load(out)
    assert model.adapter is not None and len(model.adapter.matrices) == finetune.LAYERS * len(finetune.TARGETS)
    assert model.metadata["fine_tuned"]["scores_used"] == list(builtin.FLAG_OUTPUTS)
    # The neighbour bank holds the fine-tuned vectors: a training text is its own nearest neighbour.
    text = examples.read_jsonl(small_data / "dev_small.jsonl")[0]["text"]
    vector = encoder.get_encoder(model.adapter).embed([text])[0][0]
    assert float((model.bank @ vector).max()) > 0.999


def test_cross_validation_of_the_flag_model_scores_each_text_with_models_that_never_saw_it(small_data, monkeypatch):
    """`train_moderation --flag-model --cv` and `simulate_policy --cv --flag-model` read these rows:
    each outer fold fine-tunes its own encoder on its training part, and the flag model only ever
    moves the flags, never the veto, the support lines or end_request. Two folds keep it short."""
    from moderation.training import finetune, flag_model, recipe

    monkeypatch.setattr(finetune, "EPOCHS", 1)  # seconds on the small set; the recipe is the same
    trained_on = []
    fit = flag_model._fit

    def spy(training, *args):
        trained_on.append({e.text for e in training})
        return fit(training, *args)

    monkeypatch.setattr(flag_model, "_fit", spy)
    training = examples.load_examples("train", small_data)
    rows, _ = flag_model.outer_fold_outputs(training, folds=2)
    shipped, _ = recipe.outer_fold_outputs(training, folds=2)
    everything = {e.text for e in training}
    assert sorted(rows) == sorted(shipped) == list(range(len(training)))
    left_out = [everything - texts for texts in trained_on]
    assert len(left_out) == 2 and all(left_out) and set().union(*left_out) == everything
    kept = [k for k, output in enumerate(OUTPUTS) if output not in builtin.FLAG_OUTPUTS]
    assert all(np.array_equal(rows[i][kept], shipped[i][kept]) for i in rows)
    moved = [i for i in rows if not np.array_equal(rows[i], shipped[i])]
    assert moved and all(builtin.hears_flag_model(shipped[i]) for i in moved)


def test_simulate_policy_wants_cv_for_the_flag_model(small_data):
    with pytest.raises(CommandError, match="goes with --cv"):
        call_command("simulate_policy", "--locked", "--flag-model")


@pytest.fixture(scope="module")
def simulation(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("sim") / "simulation.json"
    files = [str(path) for path in sorted(examples.DATA_DIR.glob("dev_*.jsonl"))]
    call_command("simulate_policy", *files, "--conversations", "20", "--json", str(out))
    return json.loads(out.read_text())["scenarios"]


def test_simulate_policy_reports_every_scenario(simulation):
    assert set(simulation) == {"benign", "persistent_abuse", "abuse_with_risk", "abuse_with_early_risk", "end_request"}
    for result in simulation.values():
        assert {"conversations", "ended", "end_rate", "mean_end_turn", "support_replies", "risk_vetoes", "review_vetoes"} <= set(result)
        assert result["conversations"] == 20
    assert simulation["abuse_with_early_risk"]["turns"] == 10


def test_simulated_benign_conversations_are_never_ended(simulation):
    assert simulation["benign"]["ended"] == 0


def test_simulated_abusive_conversations_with_a_risk_turn_are_never_ended(simulation):
    assert simulation["abuse_with_risk"]["ended"] == 0


def test_a_risk_at_turn_one_of_ten_still_keeps_the_branch_open(simulation):
    assert simulation["abuse_with_early_risk"]["ended"] == 0


def test_simulated_persistent_abuse_ends_after_the_redirections(simulation):
    result = simulation["persistent_abuse"]
    assert result["end_rate"] >= 0.85
    assert result["mean_end_turn"] >= 4  # three redirected turns come first


def test_simulated_end_requests_end_the_conversation(simulation):
    assert simulation["end_request"]["end_rate"] >= 0.9


def test_simulate_policy_over_cross_validation_scores_every_turn_out_of_fold(small_data, tmp_path):
    shipped = builtin.get_model()
    out = tmp_path / "cv.json"
    call_command("simulate_policy", "--cv", "--data", str(small_data), "--conversations", "5", "--json", str(out))
    payload = json.loads(out.read_text())
    assert payload["files"] == ["nested cross-validation, train split"]
    assert set(payload["scenarios"]) == {"benign", "persistent_abuse", "abuse_with_risk", "abuse_with_early_risk", "end_request"}
    assert payload["scenarios"]["abuse_with_risk"]["ended"] == 0
    assert builtin.get_model() is shipped, "the caller's process gets its model back"


def test_several_seeds_play_over_one_cross_validation(small_data, tmp_path, monkeypatch, capsys):
    """Cross-validation is the slow part (half an hour with the flag model): more draws reuse it."""
    from moderation.training import recipe

    calls = []
    outer_fold_outputs = recipe.outer_fold_outputs
    monkeypatch.setattr(recipe, "outer_fold_outputs", lambda *args, **kwargs: calls.append(1) or outer_fold_outputs(*args, **kwargs))
    out = tmp_path / "cv.json"
    call_command("simulate_policy", "--cv", "--data", str(small_data), "--conversations", "5", "--seed", "1", "2", "--json", str(out))
    runs = json.loads(out.read_text())["runs"]
    assert len(calls) == 1
    assert [run["seed"] for run in runs] == [1, 2]
    assert all(run["scenarios"]["abuse_with_risk"]["ended"] == 0 for run in runs)
    printed = capsys.readouterr().out
    assert "seed 1" in printed and "seed 2" in printed and printed.count("persistent_abuse") == 2


def test_simulate_policy_wants_one_source_of_texts(small_data):
    with pytest.raises(CommandError, match="either"):
        call_command("simulate_policy", "--locked", "--cv", "--data", str(small_data))
    with pytest.raises(CommandError, match="--model"):
        call_command("simulate_policy", "--cv", "--model", "x.json.gz")


def test_out_of_fold_scores_answer_for_the_texts_they_hold_and_refuse_any_other():
    long_text = "I like long walks by the sea. " * 120 + "And the mountains."
    risk = np.array([0.9 if output == "risk" else 0.1 for output in OUTPUTS])
    calm = np.zeros(len(OUTPUTS))
    table = OutOfFoldScores(["you are a useless bot", long_text], [risk, calm])
    assert builtin.assess("you are a useless bot", model=table).veto
    # Training read the long text's first window only: its later windows add nothing, and are no error.
    assert builtin.assess(long_text, model=table).risk_score == 0.0
    with pytest.raises(KeyError, match="not scored"):
        builtin.assess("a text cross-validation never saw", model=table)


def test_out_of_fold_scores_answer_for_every_reading_of_their_texts():
    """The simulation reads a turn as the shipped scorer does: its plain-words reading, its chunks
    and the two ends of a very long one add nothing to the row cross-validation gave it, and are
    no error."""
    texts = [
        "been sh'ing again and nobody knows",
        " ".join(["word"] * 80),
        "I like long walks by the sea. " * 400 + "And the mountains.",
    ]
    rows = [np.full(len(OUTPUTS), 0.2) for _ in texts]
    table = OutOfFoldScores(texts, rows)
    for text in texts:
        assert builtin.assess(text, model=table).risk_score == pytest.approx(0.2)
