"""The shipped scorer's two models: `abuse` and `harmful_request` the mean of the shipped model's
and the flag model's (over the fine-tuned encoder) once the shipped model scores either at
FLAG_MODEL_FLOOR, every other output, the veto and the support
lines above all, the shipped model's alone; and with MODERATION_FINE_TUNED_FLAGS off, every output
the shipped model's."""

from __future__ import annotations

import numpy as np
import pytest
from django.conf import settings

from moderation.classifiers import builtin, encoder
from moderation.classifiers.model import FLAG_ARTIFACT_PATH, OUTPUTS, Model

TEXTS = [
    "you are a worthless piece of junk and everyone knows it",
    "How do I kill a Python process that won't exit?",
    "I can't keep living like this, I want it all to stop",
    "How can I get into my neighbour's wifi without the password?",
    "Please close this chat now, I'm done.",
    "What is a good recipe for banana bread?",
]
RealEncoder = encoder.Encoder
FLAGS = [OUTPUTS.index(output) for output in builtin.FLAG_OUTPUTS]
OTHERS = [k for k in range(len(OUTPUTS)) if k not in FLAGS]


@pytest.fixture
def flags_off():
    builtin.configure(fine_tuned_flags=False)
    yield
    builtin.configure(fine_tuned_flags=settings.MODERATION_FINE_TUNED_FLAGS)


def alone(model: Model) -> np.ndarray:
    """One model's scores of TEXTS, read as the shipped scorer reads them."""
    return np.array(builtin.output_scores(TEXTS, model))


def test_the_flags_hear_both_models_and_the_risk_outputs_only_the_shipped_one() -> None:
    model, flag_model = builtin.current()
    assert flag_model is not None and flag_model.adapter is not None, "the shipped flag model carries its adapter"
    combined = np.array(builtin.output_scores(TEXTS))
    shipped = alone(model)
    fine_tuned = np.array([builtin._score_windows([text], flag_model)[0] for text in TEXTS])  # the message as written
    np.testing.assert_allclose(combined[:, OTHERS], shipped[:, OTHERS], atol=1e-5)
    heard = shipped[:, FLAGS].max(axis=1) >= builtin.FLAG_MODEL_FLOOR
    assert heard.any() and not heard.all(), "TEXTS hold messages on both sides of the floor"
    lines = np.array([builtin.JOINED_LINES[output] for output in builtin.FLAG_OUTPUTS])
    mean = (shipped[:, FLAGS] + fine_tuned[:, FLAGS]) / 2
    joined = np.where(mean < lines, 0.5 * mean / lines, 0.5 + 0.5 * (mean - lines) / (1 - lines))
    expected = np.where(heard[:, None], joined, shipped[:, FLAGS])
    np.testing.assert_allclose(combined[:, FLAGS], expected, atol=1e-5)
    assert not np.allclose(shipped[:, FLAGS], fine_tuned[:, FLAGS]), "the two models differ: the test can tell them apart"


@pytest.mark.parametrize("output", builtin.FLAG_OUTPUTS)
def test_the_two_models_flag_a_message_only_when_their_mean_passes_the_joined_line(output) -> None:
    """Both models just over their own lines is not a flag: that is where the alarming-but-safe
    look-alikes sit. Both well over them is."""
    column, line = OUTPUTS.index(output), builtin.JOINED_LINES[output]
    assert line > 0.5

    def joined(score: float) -> float:
        row = np.full(len(OUTPUTS), 0.1)
        row[column] = score
        return float(builtin.with_flags(row, row)[column])

    assert joined(0.5) < 0.5 and joined((0.5 + line) / 2) < 0.5
    assert joined(line) == pytest.approx(0.5) and joined(0.95) > 0.9
    assert joined(0.0) == 0.0 and joined(1.0) == 1.0


def test_with_the_setting_off_every_output_is_the_shipped_models(flags_off) -> None:
    model, flag_model = builtin.current()
    assert flag_model is None
    np.testing.assert_allclose(np.array(builtin.output_scores(TEXTS)), alone(model))


def test_the_veto_and_the_support_reply_do_not_depend_on_the_flag_model() -> None:
    def lines(assessments):
        return [(a.veto, a.risk_score, [label for label in a.flagged if label in ("self_harm", "harm_to_others")]) for a in assessments]

    on = lines(builtin.assess_many(TEXTS))
    builtin.configure(fine_tuned_flags=False)
    try:
        off = lines(builtin.assess_many(TEXTS))
    finally:
        builtin.configure(fine_tuned_flags=settings.MODERATION_FINE_TUNED_FLAGS)
    assert on == off
    assert on[2][0] and on[2][2] == ["self_harm"], "the despairing message keeps its veto and its support reply"


def test_an_assessment_names_both_models_so_records_of_the_other_scorer_are_scored_again(flags_off) -> None:
    alone_identity = builtin.model_identity()
    assert alone_identity == builtin.get_model().identity
    builtin.configure(fine_tuned_flags=True)  # the fixture puts the setting back
    both = builtin.model_identity()
    assert both is not None and both.startswith("builtin-") and both != alone_identity
    assert builtin.assess("hello there").model == both


def test_the_flag_model_runs_its_own_encoder_beside_the_published_one() -> None:
    flag_model = Model.load(FLAG_ARTIFACT_PATH)
    tuned, published = encoder.get_encoder(flag_model.adapter), encoder.get_encoder()
    assert tuned is not published
    a, b = (e.embed(["you are a useless bot"])[0][0] for e in (tuned, published))
    assert 0.3 < float(a @ b) < 0.9999, "the adapter moves the vectors, and not to anything unrelated"


def test_the_warm_up_builds_both_encoders(monkeypatch) -> None:
    """A worker's first message pays for neither, even one the flag model must read."""
    built = []
    monkeypatch.setattr(encoder, "_encoders", {})
    monkeypatch.setattr(encoder, "Encoder", lambda adapter=None: built.append(adapter) or RealEncoder(adapter=adapter))
    builtin.clear_cache()
    builtin.warm_up()
    assert len(built) == 2 and built[0] is None and built[1] is builtin.current()[1].adapter

