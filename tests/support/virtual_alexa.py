"""Phrases heard through virtual-alexa (npm), Alexa's kind of utterance matcher, over our committed models.

The package is installed into .cache/virtual-alexa/ on first use (tests/support/npm_package.py); the matcher runs in
Node against `tests/support/virtual_alexa_hear.js`, whose stand-in skill only says back the intent and slots it got.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.support.npm_package import CACHE_ROOT, ensure

ROOT = Path(__file__).resolve().parents[2]
VERSION = "0.7.8"
SCRIPT = Path(__file__).resolve().parent / "virtual_alexa_hear.js"


def hear_all(locale: str, phrases: list[str]) -> dict[str, tuple[str, dict[str, str]]]:
    """{phrase: (intent, {slot: value})} as virtual-alexa hears each phrase in `locale`'s model."""
    folder = ensure("virtual-alexa", VERSION, CACHE_ROOT / "virtual-alexa")
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is needed to run virtual-alexa")
    model = ROOT / "interaction_models" / f"{locale}.json"
    env = {**os.environ, "NODE_PATH": str(folder / "node_modules"), "NODE_NO_WARNINGS": "1"}
    done = subprocess.run(
        [node, str(SCRIPT)], input=json.dumps({"model": str(model), "phrases": phrases}), capture_output=True,
        text=True, env=env, timeout=300, check=True, cwd=str(ROOT),
    )  # fmt: skip
    heard: list[dict[str, Any]] = json.loads(done.stdout)
    return {entry["phrase"]: (str(entry["intent"]), dict(entry["slots"])) for entry in heard}
