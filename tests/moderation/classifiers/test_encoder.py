"""The sentence encoder: the model's own numbers, from the package's weights, offline."""

import json
from pathlib import Path

import numpy as np
import pytest

from moderation.classifiers import encoder

REFERENCE = json.loads((Path(__file__).parent / "encoder_reference.json").read_text())


def test_the_encoder_gives_what_sentence_transformers_gives_for_the_same_model():
    """encoder_reference.json holds sentence-transformers' own embeddings of these texts
    (moderation/training/export_encoder.py wrote it from the same wheel)."""
    vectors = encoder.get_encoder().embed(REFERENCE["texts"])
    for windows, expected in zip(vectors, REFERENCE["embeddings"]):
        assert windows.shape == (1, encoder.DIMENSIONS)
        assert np.abs(windows[0] - np.array(expected)).max() < 1e-4


def test_paraphrases_lie_closer_than_unrelated_texts():
    a, b, c = (v[0] for v in encoder.get_encoder().embed(["I can't go on living like this", "I don't want to be alive anymore", "Where can I buy cheap train tickets?"]))
    assert a @ b > a @ c + 0.2


def test_a_long_message_is_read_to_its_end_in_windows():
    text = "I had a long day at work and the bus was late again. " * 60 + "I am going to kill myself tonight."
    windows = encoder.get_encoder().windows(text)
    assert len(windows) > 1
    assert all(len(w.ids) <= encoder.WINDOW_TOKENS for w in windows)
    assert text[windows[-1].start : windows[-1].end].endswith("kill myself tonight.")
    assert windows[0].start == 0


def test_the_end_of_a_message_as_long_as_the_app_takes_is_read(settings):
    filler = "The water cycle moves water between the oceans, the air and the land. "
    text = filler * ((settings.MAX_MESSAGE_CHARS - 40) // len(filler)) + "I am going to kill myself tonight."
    assert len(text) <= settings.MAX_MESSAGE_CHARS
    windows = encoder.get_encoder().windows(text)
    read = encoder.readable(text)
    assert read.startswith(text[: encoder.HEAD_CHARS]) and len(read) == encoder.MAX_CHARS
    assert read[windows[-1].start : windows[-1].end].endswith("kill myself tonight.")


@pytest.mark.parametrize("length", [encoder.MAX_CHARS, encoder.MAX_CHARS + 1, 12_000, 17_003, 32_000])
def test_the_middle_of_a_long_message_covers_all_its_ends_leave_out(length):
    """Every sentence of up to OVERLAP_CHARS characters lies whole in one of the ends or the
    middle's pieces, and each piece is read whole."""
    text = "".join(f"{i:05d} " for i in range(length))[:length]
    pieces = encoder.middle(text)
    if length <= encoder.MAX_CHARS:
        assert pieces == []
        return
    assert all(encoder.readable(piece) == piece for piece in pieces)
    read = [(0, encoder.HEAD_CHARS), (length - encoder.HEAD_CHARS, length)]
    read += [(text.index(piece), text.index(piece) + len(piece)) for piece in pieces]
    for start in range(0, length - encoder.OVERLAP_CHARS + 1, 97):
        assert any(a <= start and start + encoder.OVERLAP_CHARS <= b for a, b in read), start


def test_an_empty_text_is_one_window():
    assert len(encoder.get_encoder().windows("")) == 1
    assert encoder.get_encoder().embed([""])[0].shape == (1, encoder.DIMENSIONS)


def test_the_graph_carries_no_weights_of_its_own():
    assert encoder.GRAPH_PATH.stat().st_size < 300_000


def test_weights_other_than_those_the_graph_was_exported_from_are_refused(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"\0" * 1000)
    with pytest.raises(encoder.EncoderUnavailable, match="exported from"):
        encoder.check_weights(tmp_path, full=False)


def test_a_missing_weights_file_is_refused(tmp_path):
    with pytest.raises(encoder.EncoderUnavailable, match="missing"):
        encoder.check_weights(tmp_path)


def test_the_installed_package_holds_the_exact_file():
    encoder.check_weights(encoder.model_dir(), full=True)


def test_batching_a_branch_changes_no_embedding():
    """The review embeds a branch's turns in batches of similar length; each text still gets the
    vectors it gets alone, and every window is in exactly one batch within the padding budget."""
    texts = [
        "hi",
        "I can't keep living like this.",
        "you are a useless bot " * 12,
        "How do I kill a Python process?",
        "word " * 400,  # two windows, one of them a batch of its own
        "Please end this conversation.",
    ]
    model = encoder.get_encoder()
    together = model.embed(texts)
    for text, vectors in zip(texts, together):
        assert np.allclose(vectors, model.embed([text])[0], atol=1e-5)
    windows = [w for text in texts for w in model.windows(text)]
    groups = encoder.batches(windows)
    assert sorted(i for group in groups for i in group) == list(range(len(windows)))
    for group in groups:
        width = max(len(windows[i].ids) for i in group)
        assert len(group) == 1 or width * len(group) <= encoder.BATCH_TOKENS
