"""The moderation management commands: train_moderation, evaluate_moderation, simulate_policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from moderation.classifiers.base import LABELS
from moderation.classifiers.model import LinearModel

DATA = Path(__file__).resolve().parents[2] / "moderation" / "data"


def dev_items() -> list[dict]:
    items = []
    for path in sorted(DATA.glob("dev_*.jsonl")):
        items += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return items


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory) -> Path:
    """A few texts of every label, in the datasets format."""
    chosen, seen = [], {}
    for item in dev_items():
        if seen.get(item["label"], 0) < 12:
            seen[item["label"]] = seen.get(item["label"], 0) + 1
            chosen.append({"text": item["text"], "label": item["label"]})
    path = tmp_path_factory.mktemp("eval") / "sample.jsonl"
    path.write_text("".join(json.dumps(item) + "\n" for item in chosen), encoding="utf-8")
    return path


def test_evaluate_moderation_reports_every_label_and_writes_json(sample_file, tmp_path, capsys):
    out = tmp_path / "metrics.json"
    call_command("evaluate_moderation", str(sample_file), "--json", str(out))
    result = json.loads(out.read_text())
    assert set(result["labels"]) == set(LABELS)
    for metrics in result["labels"].values():
        assert {"precision", "recall", "f1", "support"} <= set(metrics)
        assert 0.0 <= metrics["precision"] <= 1.0 and 0.0 <= metrics["recall"] <= 1.0
    assert result["labels"]["abuse"]["support"] == 12
    assert 0.0 <= result["benign_sensitive_flag_rate"] <= 1.0
    assert result["messages_per_second"] > 0
    assert "benign_sensitive flagged" in capsys.readouterr().out


def test_evaluate_moderation_refuses_unknown_labels(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "hi", "label": "spam"}) + "\n")
    with pytest.raises(CommandError, match="spam"):
        call_command("evaluate_moderation", str(path))


def test_train_moderation_writes_a_loadable_artifact(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    items = dev_items()
    # A small but complete training set: every label, a few of each, so the run takes seconds.
    lines = []
    for label in (*LABELS, "benign", "benign_sensitive"):
        lines += [json.dumps(item) for item in items if item["label"] == label][:15]
    (data / "dev_small.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "model.json.gz"
    call_command("train_moderation", "--data", str(data), "--output", str(out))
    model = LinearModel.load(out)
    assert set(model.scores("Please end this conversation.")) == set(LABELS)


@pytest.fixture(scope="module")
def simulation(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("sim") / "simulation.json"
    files = [str(path) for path in sorted(DATA.glob("dev_*.jsonl"))]
    call_command("simulate_policy", *files, "--conversations", "20", "--json", str(out))
    return json.loads(out.read_text())["scenarios"]


def test_simulate_policy_reports_every_scenario(simulation):
    assert set(simulation) == {"benign", "persistent_abuse", "abuse_with_risk", "end_request"}
    for result in simulation.values():
        assert {"conversations", "ended", "end_rate", "mean_end_turn", "support_replies", "risk_vetoes"} <= set(result)
        assert result["conversations"] == 20


def test_simulated_benign_conversations_are_never_ended(simulation):
    assert simulation["benign"]["ended"] == 0


def test_simulated_abusive_conversations_with_a_risk_turn_are_never_ended(simulation):
    assert simulation["abuse_with_risk"]["ended"] == 0
    assert simulation["abuse_with_risk"]["support_replies"] >= 20


def test_simulated_persistent_abuse_ends_after_the_redirections(simulation):
    result = simulation["persistent_abuse"]
    assert result["end_rate"] >= 0.9
    assert result["mean_end_turn"] >= 4  # three redirected turns come first


def test_simulated_end_requests_end_the_conversation(simulation):
    assert simulation["end_request"]["end_rate"] >= 0.9
