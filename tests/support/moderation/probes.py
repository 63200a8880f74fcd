"""Probe sets as test parameters: a probe the shipped scorer gets wrong stays visible as a strict
xfail, so a fix fails the test until its mark goes (docs/moderation.md, "Known weaknesses")."""

from __future__ import annotations

import pytest


def known_miss(*values: str, why: str | None = None):
    """One probe (a text, or the turns of a pair) the scorer gets wrong, and why: given by name, or
    as the last argument (`known_miss(text, "flagged abuse")`)."""
    if why is None:
        *values, why = values
    return pytest.param(*values, marks=pytest.mark.xfail(strict=True, reason=f"a known miss: {why}"))


def marked(texts: list[str], misses: dict[str, str]) -> list:
    """`texts` as test parameters, each one in `misses` marked as the known miss it is."""
    return [known_miss(text, why=misses[text]) if text in misses else text for text in texts]
