"""A pinned npm package for the tests, installed into .cache/<name>/ on first use (Node 20 ships npm).

The test command installs what the suite needs itself, so nothing is skipped on a fresh machine.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

CACHE_ROOT = Path(__file__).resolve().parents[2] / ".cache"


def installed(folder: Path, name: str) -> str | None:
    """The version of `name` installed under `folder`, if any."""
    try:
        return str(json.loads((folder / "node_modules" / name / "package.json").read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def ensure(name: str, version: str, folder: Path) -> Path:
    """`folder`, whose node_modules holds `name` at exactly `version`, installing it there first if needed."""
    if installed(folder, name) != version:
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError(f"npm is needed to install {name} (Node 20 ships it)")
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--save-exact", f"{name}@{version}"],
                       check=True, capture_output=True, timeout=600)  # fmt: skip
    return folder
