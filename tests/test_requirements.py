"""The locks (`make lock`) hold every pin of the requirements files they are made from, so a line
added to requirements.txt without `make lock` fails here instead of installing something else."""

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def pins(path: Path) -> dict[str, str]:
    """name -> version of every `name==version` line in a requirements file (not its -r includes)."""
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip().rstrip("\\").strip()
        if not line or line.startswith("-"):
            continue
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{path.name}: {line} must be pinned with =="
        found[canonicalize_name(requirement.name)] = specifier.version
    return found


def locked(path: Path) -> dict[str, str]:
    text = path.read_text()
    entries = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)(?: ;[^\n]*)? \\\n((?:    --hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", text, re.M)
    names = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", text, re.M)
    # Every entry carries its hashes: pip's hash-checking mode refuses the file otherwise.
    assert len(entries) == len(names), f"{path.name} has entries without hashes"
    return {canonicalize_name(name): version for name, version, _ in entries}


@pytest.mark.parametrize(
    "sources, lock",
    [(["requirements.txt"], "requirements.lock"), (["requirements.txt", "requirements-dev.txt"], "requirements-dev.lock")],
)
def test_every_pinned_requirement_is_in_its_lock_at_the_same_version(sources, lock):
    packages = locked(ROOT / lock)
    for source in sources:
        for name, version in pins(ROOT / source).items():
            assert packages.get(name) == version, f"{name}=={version} from {source} is not in {lock}: run make lock"


def test_the_runtime_and_development_locks_agree_on_every_shared_package():
    runtime, development = locked(ROOT / "requirements.lock"), locked(ROOT / "requirements-dev.lock")
    assert {name: version for name, version in runtime.items() if development.get(name) != version} == {}


def test_the_fine_tuning_lock_is_hashed_and_agrees_with_the_development_lock():
    """requirements-finetune.txt is written by hand (`make lock` would pick torch's CUDA build): each
    line pinned with its hash, and a package the dev lock pins too at the same version, so
    installing it after the dev lock changes nothing that lock installed."""
    entries = {}
    for line in (ROOT / "requirements-finetune.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) --hash=sha256:[0-9a-f]{64}", line)
        assert match, f"requirements-finetune.txt: {line} must be name==version --hash=sha256:..."
        entries[canonicalize_name(match[1])] = match[2]
    assert "torch" in entries
    development = locked(ROOT / "requirements-dev.lock")
    assert {name: version for name, version in entries.items() if name in development and development[name] != version} == {}
