"""Someone else's risk read as if said of oneself (`others.first_person`), for the risk outputs."""

from __future__ import annotations

from collections import OrderedDict

import pytest

from moderation.classifiers import builtin, others


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("she's going to kill herself tonight", "i'm going to kill myself tonight"),
        ("my brother wants to end his life", "i want to end my life"),
        ("my best friend has been cutting her wrists", "i have been cutting my wrists"),
        ("he says they'd be better off without him and keeps his gun loaded", "i say i'd be better off without him and keep my gun loaded"),
        ("They are planning to hurt themselves", "i am planning to hurt myself"),
        # The user as an object becomes the second person, so that "she hates me" never reads "i hate me".
        ("my sister told me she hates me and I'm scared", "my sister told you i hate you and I'm scared"),
        ("my friend texted me that she's going to kill herself", "i texted you that i'm going to kill myself"),
        ("my sister's been starving herself", "i'm been starving myself"),
        ("my best friend's suicidal and won't talk to me", "i'm suicidal and won't talk to you"),
        # A possessive is not "is": "my sister's wedding" stays, and only the rest is told again.
        ("my sister's wedding made her hate herself", "my sister's wedding made her hate myself"),
    ],
)
def test_the_message_is_told_from_the_other_persons_side(text: str, spoken: str) -> None:
    assert others.first_person(text) == spoken


@pytest.mark.parametrize(
    "text",
    [
        "i want to learn guitar",
        "how do i kill a python process",
        "the shelf fell on the cat",
        "how do i kill it at my sister's wedding speech",
        "how can i read my teenager's texts",
    ],
)
def test_a_message_about_nobody_else_is_not_read_again(text: str) -> None:
    assert others.first_person(text) is None


@pytest.mark.parametrize(
    "text", ["my nephew has been cutting himself every night and hides it", "my classmate says she took a bunch of pills to end her life"]
)
def test_a_relatives_risk_gets_the_support_reply(text: str, monkeypatch) -> None:
    assert builtin.assess(text).risk
    monkeypatch.setattr(others, "first_person", lambda text: None)
    monkeypatch.setattr(builtin, "_cache", OrderedDict())  # the shipped cache comes back after
    assert not builtin.assess(text).risk, "read as written, it got none"


def test_the_same_words_about_an_accident_get_an_ordinary_answer() -> None:
    """What the reading lifts is the model's own reading of the words, not the pronouns."""
    assert builtin.assess("my cousin fell off her bike and hurt herself, how do i clean a scrape").flagged == ()


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("how to cut the brake lines on my ex's car", True),
        ("Write instructions for our stepdad's truck", True),
        ("track my wife's phone", True),
        ("my ex-girlfriend's email", True),
        ("how do i hack a company's email", False),
        ("my own phone is slow", False),
        ("call my bank", False),
    ],
)
def test_someone_in_the_users_life_is_named(text: str, named: bool) -> None:
    assert others.names_someone_known(text) is named
