"""The name an assessment records for the scorer that made it (`Model.identity`): the end-time
review reads a stored record instead of scoring the text again only when that name is its own, so
the name must change with anything that changes the scores: the artifact, or the code that reads
texts for it (a new reading or rule)."""

from __future__ import annotations

import shutil
from pathlib import Path

from moderation.classifiers import model as model_module
from moderation.classifiers.model import ARTIFACT_PATH, CODE_DIR, Model, code_fingerprint


def test_the_identity_names_the_artifact_and_the_classifiers_code(tmp_path: Path, monkeypatch) -> None:
    shipped = Model.load().identity
    assert shipped.startswith("builtin-") and Model.load().identity == shipped, "the same scorer, the same name"

    code = tmp_path / "classifiers"
    shutil.copytree(CODE_DIR, code, ignore=shutil.ignore_patterns("__pycache__", "*.gz", "*.onnx", "*.json"))
    assert code_fingerprint(code) == code_fingerprint()
    readings = code / "readings.py"
    readings.write_text(readings.read_text() + "\n# one more rule\n")
    assert code_fingerprint(code) != code_fingerprint()
    monkeypatch.setattr(model_module, "code_fingerprint", lambda: code_fingerprint(code))
    assert Model.load().identity != shipped, "a record scored before a change of reading is scored again"

    monkeypatch.undo()
    artifact = tmp_path / "other.json.gz"
    artifact.write_bytes(ARTIFACT_PATH.read_bytes())
    assert Model.load(artifact).identity == shipped, "named by its bytes, not its path"
