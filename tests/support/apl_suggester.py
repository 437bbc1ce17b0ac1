"""Amazon's APL validator for the tests: the npm package apl-suggester, installed into .cache/ and run on Node.

Like tests/support/dynamodb_local.py, the test command installs what it needs itself: nothing is skipped for
lack of it on a fresh machine (Node 20 ships npm).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.support import npm_package

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "apl-suggester"
PACKAGE_NAME = "apl-suggester"
PACKAGE_VERSION = "2024.2.0"  # the newest on npm when pinned (npm view apl-suggester version); APL 2024.2

# Reads one JSON array of documents on stdin; prints one JSON array of findings per document.
_RUNNER = """
const {StaticAplTemplateValidator} = require('apl-suggester');
let input = '';
process.stdin.on('data', chunk => { input += chunk; });
process.stdin.on('end', async () => {
  const results = [];
  for (const doc of JSON.parse(input)) {
    results.push(await new StaticAplTemplateValidator().validate(doc));
  }
  process.stdout.write(JSON.stringify(results));
});
"""


def install() -> Path:
    """The folder whose node_modules holds the pinned apl-suggester, installing it first if needed."""
    return npm_package.ensure(PACKAGE_NAME, PACKAGE_VERSION, CACHE)


def validate(documents: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """apl-suggester's findings (errors and warnings) for each document, in order; [] means clean."""
    folder = install()
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is needed to run apl-suggester")
    done = subprocess.run([node, "-e", _RUNNER], input=json.dumps(documents), cwd=folder, capture_output=True,
                          text=True, timeout=120, check=True)  # fmt: skip
    findings: list[list[dict[str, Any]]] = json.loads(done.stdout)
    return findings
