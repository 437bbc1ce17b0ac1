"""The house rules that can be checked are checked: docs/ARCHITECTURE.md's import rules, and ruff's lint."""

from __future__ import annotations

import ast
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


def test_ruff_would_format_nothing() -> None:
    """The tree is formatted by ruff ([tool.ruff.format]): `make format` before a commit, the hook checks it."""
    command = [_tool("ruff"), "format", "--check", "--no-cache", "skill", "lambda", "tests", "bench", "tools"]
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


def test_abilities_are_protocols_never_attribute_lookups() -> None:
    """The engine asks a ritual what it can do with isinstance against skill/engine/ritual.py's protocols: a
    `hasattr` or `getattr` there would hide a part of the contract that mypy and a reader cannot see."""
    rooms = ("skill/engine/", "skill/rituals/", "skill/features/")
    found = [
        f"{path}: {ast.unparse(node)}"
        for path, text in _sources().items()
        if path.startswith(rooms)
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Call) and _looks_up_by_name(node)
    ]
    # The registry finds each module's RITUAL by name: how a module declares itself, not an ability of a ritual.
    assert found == ["skill/engine/ritual.py: getattr(module, 'RITUAL', None)"]


def _looks_up_by_name(call: ast.Call) -> bool:
    """hasattr(x, ...), or getattr(x, "a name written out", ...); a field name in a variable (a Record's fields
    written in turn) is not a lookup of an ability."""
    if not isinstance(call.func, ast.Name) or call.func.id not in ("hasattr", "getattr"):
        return False
    return call.func.id == "hasattr" or (len(call.args) > 1 and isinstance(call.args[1], ast.Constant))


def _storage_keys(tree: ast.Module) -> list[ast.expr]:
    """What each household.rituals[...], .rituals.get/pop/setdefault(...), .ritual_state(...) and .peek_ritual(...) names."""
    keys: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "rituals":
            keys.append(node.slice)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            method, owner = node.func.attr, node.func.value
            on_rituals = isinstance(owner, ast.Attribute) and owner.attr == "rituals"
            if method in ("ritual_state", "peek_ritual") or (on_rituals and method in ("get", "pop", "setdefault")):
                keys.append(node.args[0])
    return keys


def _constants(tree: ast.Module) -> dict[str, object]:
    """The module's own constants (NAME = "hug", A, B = "a", "b"), by name."""
    found: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            if isinstance(target, ast.Name) and isinstance(value, ast.Constant):
                found[target.id] = value.value
            elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
                found.update(
                    (t.id, v.value)
                    for t, v in zip(target.elts, value.elts)
                    if isinstance(t, ast.Name) and isinstance(v, ast.Constant)
                )
    return found


def test_a_ritual_touches_only_its_own_storage() -> None:
    """household.rituals[<name>] is read and written by the module <name> alone, anywhere in skill/; others call its
    functions (ritual_review asks the check-in, the stress map, morning coffee, the Sunday share and the monthly look
    ahead; tonight's question asks the jar). A module outside skill/rituals keeps its own state under a constant of
    its own that is no other ritual's name (the widget, the menu's note, the preferences); the ritual timer keeps notes in
    the state of the ritual it serves (self.ritual). Only the household itself handles every ritual's state."""
    rituals = {p.stem for p in (ROOT / "skill" / "rituals").glob("*.py")} | {
        p.stem for p in (ROOT / "skill" / "features").glob("*.py")
    }
    strangers = {}
    for path in sorted((ROOT / "skill").rglob("*.py")):
        if path == ROOT / "skill" / "household.py":
            continue
        tree = ast.parse(path.read_text())
        constants = _constants(tree)
        in_rituals = path.parent.name in ("rituals", "features")
        others = rituals - {path.stem}  # skill/engine/preferences.py keeps what the preferences feature sets
        own = {path.stem} if in_rituals else {name for name, value in constants.items() if value not in others}
        found = []
        for key in _storage_keys(tree):
            if (
                isinstance(key, ast.Attribute)
                and isinstance(key.value, ast.Name)
                and key.value.id == "self"
                and key.attr in ("name", "ritual")
            ):
                continue  # the object's own ritual
            if isinstance(key, ast.Name) and (constants.get(key.id) in own if in_rituals else key.id in own):
                continue
            if isinstance(key, ast.Constant) and in_rituals and key.value in own:
                continue
            found.append(ast.unparse(key))
        if found:
            strangers[path.relative_to(ROOT).as_posix()] = sorted(set(found))
    assert strangers == {}


# Who may touch household.in_progress, the one ritual's place in progress: the household itself, the turn (through
# which a ritual reads and keeps its own place: progress, keep_progress, end_progress, place_to_put_back, put_back),
# the turn engine (someone_talking reads a turn ritual's place through read_place), the router (a care answer
# leaves it as it was) and the Alexa conversation (which ritual a reply speaks for, by name only).
IN_PROGRESS_KEEPERS = {
    "skill/household.py",
    "skill/engine/turn.py",
    "skill/engine/turn_taking.py",
    "skill/engine/router.py",
    "skill/alexa/conversation.py",
}


def test_a_ritual_reaches_its_place_in_progress_only_through_the_turn() -> None:
    """A ritual or a feature never reads or writes household.in_progress: another ritual's place is not its to read,
    and its own is read and kept through `turn` (a turn ritual's as a typed Place, skill/engine/turn_place.py)."""
    found = {}
    for path in sorted((ROOT / "skill").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text())
        touches = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "in_progress"]
        if touches and name not in IN_PROGRESS_KEEPERS:
            found[name] = touches
    assert found == {}
