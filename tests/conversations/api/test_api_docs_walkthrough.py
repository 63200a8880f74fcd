"""docs/api.md's Python walk-through, run as written against the live stack so it cannot rot."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher

DOC = Path(settings.BASE_DIR) / "docs" / "api.md"
PASSWORD = "a walk through the docs 42"

pytestmark = pytest.mark.django_db(transaction=True)


def python_blocks() -> list[str]:
    section = DOC.read_text().split("## Walk-through in Python", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```python\n(.*?)^```", section, flags=re.S | re.M)


def test_the_doc_has_a_python_block_for_every_step():
    code = "\n".join(python_blocks())
    for step in ("# 1. A token", "# 2. A conversation", "# 3. Send", "# 4. Stream", "# 5. Hit an end", "# 6. Branch", "# 7. Feedback"):
        assert step in code


def test_the_python_walk_through_runs_against_the_live_stack(live_stack, tmp_path):
    # The web process uses the production password hashers, not the suite's fast one.
    get_user_model().objects.create(username="reader", password=PBKDF2PasswordHasher().encode(PASSWORD, "walkthroughsalt"))
    script = tmp_path / "walkthrough.py"
    script.write_text("\n\n".join(python_blocks()))
    env = dict(os.environ, CHAT_URL=live_stack.base_url, CHAT_USERNAME="reader", CHAT_PASSWORD=PASSWORD)
    result = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip(), "step 4 prints the streamed reply"
