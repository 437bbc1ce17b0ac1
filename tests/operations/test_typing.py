"""mypy, with the settings in pyproject.toml, finds nothing in skill/ and lambda/."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_mypy_is_clean() -> None:
    # A cache under .cache/ (git-ignored): a first run takes about ten seconds, a re-run two or three.
    command = [sys.executable, "-m", "mypy", "--config-file", "pyproject.toml", "--cache-dir", ".cache/mypy"]
    result = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
