"""chatsite/env.py: one rule for empty values (they are unset), and secrets from files."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from chatsite.env import env_bool, env_choice, env_int, env_list, env_str


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_variable_takes_the_default_whatever_its_type(monkeypatch, value):
    monkeypatch.setenv("CHAT_TEST_SETTING", value)
    assert env_str("CHAT_TEST_SETTING", "crisis lines") == "crisis lines"
    assert env_bool("CHAT_TEST_SETTING", True) is True
    assert env_int("CHAT_TEST_SETTING", 30, minimum=1) == 30
    assert env_list("CHAT_TEST_SETTING", "127.0.0.1,localhost") == ["127.0.0.1", "localhost"]
    assert env_choice("CHAT_TEST_SETTING", "builtin", ("builtin", "openai")) == "builtin"


def test_a_set_variable_wins_over_the_default(monkeypatch):
    monkeypatch.setenv("CHAT_TEST_SETTING", "0")
    assert env_bool("CHAT_TEST_SETTING", True) is False
    assert env_int("CHAT_TEST_SETTING", 30) == 0
    assert env_str("CHAT_TEST_SETTING", "x") == "0"


def test_a_value_that_is_neither_true_nor_false_fails_loudly(monkeypatch):
    monkeypatch.setenv("CHAT_TEST_SETTING", "maybe")
    with pytest.raises(ImproperlyConfigured, match="CHAT_TEST_SETTING must be a boolean"):
        env_bool("CHAT_TEST_SETTING", False)


def test_a_secret_is_read_from_the_file_its_FILE_variable_names(monkeypatch, tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("CHAT_TEST_SETTING", "from-the-environment")
    monkeypatch.setenv("CHAT_TEST_SETTING_FILE", str(secret))
    assert env_str("CHAT_TEST_SETTING") == "from-a-file"


def test_an_empty_FILE_variable_is_unset_too(monkeypatch):
    monkeypatch.setenv("CHAT_TEST_SETTING_FILE", "")
    monkeypatch.setenv("CHAT_TEST_SETTING", "from-the-environment")
    assert env_str("CHAT_TEST_SETTING") == "from-the-environment"
