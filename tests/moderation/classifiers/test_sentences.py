"""Risk read sentence by sentence: which pieces are read, and which outputs they may raise."""

from __future__ import annotations

import numpy as np

from moderation.classifiers import assess
from moderation.classifiers.model import OUTPUTS
from moderation.classifiers.sentences import CHUNK_STEP, CHUNK_WORDS, chunks, combine, pieces, read, sentences, with_sentences


def test_a_message_of_one_sentence_is_read_only_as_a_whole() -> None:
    assert sentences("How do I reset my router?") == []
    assert sentences("ok. lol! How do I reset my router?") == []  # "ok." and "lol!" say nothing alone


def test_a_message_is_cut_at_sentence_ends_and_line_breaks() -> None:
    text = "How do I reset my router? Also I have a plan to end my life.\nThanks..."
    assert sentences(text) == ["How do I reset my router?", "Also I have a plan to end my life.", "Thanks..."]


def test_a_long_piece_is_read_in_overlapping_chunks_that_cover_every_word() -> None:
    words = [f"w{i}" for i in range(CHUNK_WORDS * 3 + 5)]
    read_in = chunks(" ".join(words))
    assert all(len(chunk.split()) == CHUNK_WORDS for chunk in read_in)
    assert read_in[0].split()[0] == words[0] and read_in[-1].split()[-1] == words[-1]
    # Every run of words up to this long lies whole inside one chunk.
    span = CHUNK_WORDS - CHUNK_STEP + 1
    for start in range(len(words) - span + 1):
        assert any(" ".join(words[start : start + span]) in chunk for chunk in read_in), start
    assert chunks(" ".join(words[:CHUNK_WORDS])) == []


def test_a_message_typed_in_one_breath_is_read_in_chunks_and_a_short_one_only_whole() -> None:
    run_on = " ".join(["word"] * (CHUNK_WORDS + 10))
    assert len(pieces(run_on)) == 2
    assert pieces("How do I reset my router?") == []
    # A long sentence among short ones is cut too; the short ones stay whole.
    assert pieces(f"Hi there. {run_on}.")[0] == "Hi there."
    assert len(pieces(f"Hi there. {run_on}.")) == 3


def test_sentences_follow_their_messages_and_know_whose_they_are() -> None:
    everything, owners = with_sentences(["one.", "First one. Second one.", "Third! Fourth?"])
    assert everything == ["one.", "First one. Second one.", "Third! Fourth?", "First one.", "Second one.", "Third!", "Fourth?"]
    assert owners == [1, 1, 2, 2]


def test_a_sentence_can_raise_the_risk_outputs_and_nothing_else() -> None:
    whole = np.full(len(OUTPUTS), 0.1)
    sentence = np.full(len(OUTPUTS), 0.9)
    [combined] = combine(np.array([whole, sentence]), [0])
    for k, output in enumerate(OUTPUTS):
        expected = 0.9 if output in ("self_harm", "harm_to_others", "risk") else 0.1
        assert combined[k] == expected, output


def test_a_risk_said_in_passing_inside_a_request_vetoes_and_gets_support() -> None:
    assessment = assess(
        "how do I reset my router? also I've been thinking the world would be better without me in it and I'm making a plan"
    )
    assert assessment.veto
    assert "self_harm" in assessment.flagged



def test_a_message_already_at_the_veto_and_a_support_line_keeps_its_own_scores() -> None:
    whole = np.full(len(OUTPUTS), 0.1)
    whole[OUTPUTS.index("risk")] = whole[OUTPUTS.index("self_harm")] = 0.8
    scored: list[str] = []

    def score(texts: list[str]) -> np.ndarray:
        scored.extend(texts)
        return np.array([whole if len(text) > 30 else np.full(len(OUTPUTS), 0.9) for text in texts])

    [combined] = read(["I have a plan to end my life. It is tonight."], score)
    assert np.array_equal(combined, whole)
    assert scored == ["I have a plan to end my life. It is tonight."]  # its sentences were not read
