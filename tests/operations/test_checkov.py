"""checkov over template.yaml, in a virtual environment of its own (checkov pins an old boto3 that would clash with ours).

The environment is made once in .cache/checkov-venv (about a minute) and reused. The test is
skipped only when PyPI cannot be reached, and says so loudly; any finding fails it, and every check
template.yaml skips must say why.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import urllib.request
import warnings
from pathlib import Path

import pytest

from tests.support.dynamodb_local import template

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".cache" / "checkov-venv"
# Pinned, so a new checkov release cannot fail CI overnight: bump it on purpose and read what it finds.
CHECKOV_VERSION = "3.3.30"
MARKER = VENV / f".installed-checkov-{CHECKOV_VERSION}"
INSTALL_TIMEOUT_SECONDS = 600
MIN_JUSTIFICATION_CHARS = 40


def _pypi_reachable() -> bool:
    try:
        with urllib.request.urlopen("https://pypi.org/simple/checkov/", timeout=15) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def _skip_loudly(reason: str) -> None:
    message = f"CHECKOV WAS NOT RUN: {reason}. template.yaml is unchecked on this machine."
    print(f"\n{'!' * 8} {message} {'!' * 8}", file=sys.stderr)
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)


def checkov() -> Path:
    """The checkov executable of the project's own checkov environment, installing it when absent."""
    executable = VENV / "bin" / "checkov"
    VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(VENV.parent / "checkov-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test runs at once must not install over each other
        if MARKER.exists() and executable.exists():
            return executable
        if not _pypi_reachable():
            _skip_loudly("PyPI cannot be reached to install it")
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True, timeout=120)
        install = subprocess.run(
            [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", f"checkov=={CHECKOV_VERSION}"],
            capture_output=True, text=True, timeout=INSTALL_TIMEOUT_SECONDS,
        )  # fmt: skip
        assert install.returncode == 0, (
            f"installing checkov failed:\n{install.stdout[-3000:]}\n{install.stderr[-3000:]}"
        )
        MARKER.touch()
    return executable


def test_checkov_finds_nothing_in_the_template() -> None:
    # --skip-download: no call to Prisma Cloud for guideline links; the checks themselves are all local.
    result = subprocess.run(
        [str(checkov()), "-f", "template.yaml", "--framework", "cloudformation", "--quiet", "--compact", "--skip-download"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, "LOG_LEVEL": "WARNING"},
    )  # fmt: skip
    assert result.returncode == 0, f"checkov found problems in template.yaml:\n{result.stdout}\n{result.stderr[-2000:]}"
    assert "Failed checks: 0" in result.stdout


def test_every_skipped_check_says_why() -> None:
    """A skip is a decision, so it carries its reason next to it (checkov prints it as the suppress comment)."""
    skips = [
        (name, skip)
        for name, resource in template()["Resources"].items()
        for skip in ((resource.get("Metadata") or {}).get("checkov") or {}).get("skip", [])
    ]
    for name, skip in skips:
        assert str(skip.get("id", "")).startswith("CKV"), (name, skip)
        assert len(str(skip.get("comment", "")).strip()) >= MIN_JUSTIFICATION_CHARS, (
            f"{name}: say why {skip['id']} is skipped"
        )
    inline = [line for line in (ROOT / "template.yaml").read_text().splitlines() if "checkov:skip=" in line]
    assert not inline, f"skip in Metadata, with a comment, not inline: {inline}"
