"""The house rules that can be checked are checked: docs/ARCHITECTURE.md's import rules, and ruff's lint."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    """A tool installed with the test extras, next to this Python (or on the PATH)."""
    found = BIN / name if (BIN / name).exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return str(found)


def test_every_import_rule_of_the_architecture_page_holds() -> None:
    """The contracts in pyproject.toml ([tool.importlinter]), one per rule of "what each may import"."""
    command = [_tool("lint-imports"), "--no-logo", "--cache-dir", ".cache/import-linter", "pyproject.toml"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_contracts_name_every_room_of_the_tree() -> None:
    """A new folder under skill/ gets a rule too: every subpackage appears in some contract."""
    config = (ROOT / "pyproject.toml").read_text()
    rooms = sorted(p.parent.name for p in (ROOT / "skill").glob("*/__init__.py") if p.parent.name != "content")
    assert [room for room in rooms if f'"skill.{room}"' not in config] == []


def test_ruff_finds_nothing() -> None:
    """The lint rules in pyproject.toml ([tool.ruff.lint]) over the code, the tests, the benchmark and the tools."""
    command = [_tool("ruff"), "check", "--no-cache", "skill", "lambda", "tests", "bench", "tools"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_values_on_the_request_path_are_records() -> None:
    """One way to declare a value where a Lambda request runs: Record (skill/record.py says why, a cold start's
    cost); the operator's tools, the terminal, the SQLite backup and the web host, never loaded on Lambda, may
    use dataclasses."""
    off_path = ("skill/cli/", "skill/deploy/", "skill/web/", "skill/store/backup.py", "skill/record.py")
    found = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "skill").rglob("*.py"))
        if not path.relative_to(ROOT).as_posix().startswith(off_path)
        and any(word in path.read_text() for word in ("import dataclass", "NamedTuple"))
    ]
    assert found == []


def _sources() -> dict[str, str]:
    return {p.relative_to(ROOT).as_posix(): p.read_text() for p in sorted((ROOT / "skill").rglob("*.py"))}


def test_intent_names_are_declared_once() -> None:
    """skill/intents.py holds every intent name the code compares with (a ritual's starting intents aside)."""
    import re

    declared = re.compile(r"^[A-Z_]+ = \"(AMAZON\.\w+|\w+Intent)\"", re.M)
    found = {path: declared.findall(text) for path, text in _sources().items() if path != "skill/intents.py"}
    assert {path: names for path, names in found.items() if names} == {}


def test_session_keys_are_declared_once() -> None:
    """skill/engine/session_keys.py holds every session key: nobody spells one out where it is used."""
    import re

    spelled = re.compile(r"session(?:\.get\(|\[|=\{\*?\*?\w*,? ?)\s*\"")
    found = {path: spelled.findall(text) for path, text in _sources().items()}
    assert {path: uses for path, uses in found.items() if uses} == {}


def test_a_ritual_touches_only_its_own_storage() -> None:
    """household.rituals[<name>] is read and written by the module <name> alone; others call its functions."""
    import re

    access = re.compile(r"\.(?:rituals(?:\.get\(|\[|\.pop\(|\.setdefault\()|ritual_state\()\s*([^,\])]+)")
    strangers = {}
    for path in sorted((ROOT / "skill" / "rituals").glob("*.py")):
        own = {"NAME", "self.name", f'"{path.stem}"'}
        keys = set(access.findall(path.read_text())) - own
        if keys:
            strangers[path.name] = sorted(keys)
    assert strangers == {}
