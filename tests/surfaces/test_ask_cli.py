"""The README's ASK CLI installation gives a working `ask`: run as written, into a home folder under .cache/.

`npm install -g ask-cli` alone resolves antlr4ts to a broken prerelease and every `ask` command crashes;
the README pins the CLI and overrides that dependency. This runs the README's own commands (the first
time it downloads the CLI from npm, about a minute; later runs find it installed).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOME = ROOT / ".cache" / "ask-cli-home"


def readme_install() -> str:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("**The ASK CLI, pinned.**", 1)[1]
    found = re.search(r"```sh\n(.*?)```", section, re.S)
    assert found, "the README shows how to install the ASK CLI"
    return found[1]


def test_the_readme_pins_the_cli_and_the_dependency_it_needs() -> None:
    commands = readme_install()
    assert re.search(r"ask-cli@\d+\.\d+\.\d+\b", commands), "a pinned version"
    assert "overrides.antlr4ts=0.5.0-alpha.4" in commands


def test_the_readmes_commands_install_an_ask_that_runs() -> None:
    assert shutil.which("npm"), "npm is needed (Node 20 ships it)"
    HOME.mkdir(parents=True, exist_ok=True)
    env = {"HOME": str(HOME), "PATH": f"{HOME}/.local/bin{os.pathsep}{os.environ['PATH']}", "ASK_SHARE_USAGE": "false"}
    script = "set -e\n" + readme_install()
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=HOME, env=env, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    version = re.search(r"ask-cli@(\S+)", readme_install())
    assert version and result.stdout.strip().splitlines()[-1] == version[1]
    folder = HOME / ".local" / "share" / "ask-cli" / "node_modules"
    assert json.loads((folder / "antlr4ts" / "package.json").read_text())["version"] == "0.5.0-alpha.4"
    for command in (
        ["ask", "deploy", "--help"],
        ["ask", "smapi", "get-skill-manifest", "--help"],
        ["ask", "dialog", "--help"],
    ):
        ran = subprocess.run(command, capture_output=True, text=True, cwd=HOME, env=env, timeout=120)
        assert ran.returncode == 0 and "Usage" in ran.stdout, (command, ran.stderr[-2000:])
