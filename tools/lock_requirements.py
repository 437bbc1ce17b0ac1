"""Writes requirements.lock: every Python package the container image installs, pinned to one version.

The lock is pip's own resolution of pyproject.toml's dependencies for CPython 3.12 on Linux (the image's
Python), with the versions it holds now as constraints, so re-running it changes nothing until you loosen a pin
(delete the line, or the file) on purpose. `--check` resolves again and fails unless the lock is exactly that
resolution: complete (nothing outside it is installed) and consistent (its pins satisfy one another).
Versions only, no hashes: the image is built for both x86-64 and arm64 (a Raspberry Pi), whose wheels differ.

    python tools/lock_requirements.py           # write requirements.lock
    python tools/lock_requirements.py --check   # the test suite's check
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
HEADER = """\
# Every Python package the container image installs, each pinned (the Dockerfile installs exactly these with
# --no-deps, then the skill itself with --no-deps). Resolved for CPython 3.12 on Linux from pyproject.toml's
# dependencies by tools/lock_requirements.py; to update a package, delete its line and run that script.
"""


def resolve(constraints: Path | None) -> list[str]:
    """pip's resolution, as `name==version` lines, sorted; nothing is installed."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed", "--report", str(report),
                   "--python-version", "3.12", "--implementation", "cp", "--only-binary=:all:",
                   "--platform", "manylinux_2_28_x86_64", "--platform", "manylinux2014_x86_64",
                   "--target", str(Path(scratch) / "target"), str(ROOT)]  # fmt: skip
        if constraints is not None:
            command += ["--constraint", str(constraints)]
        subprocess.run(command, check=True, capture_output=True, timeout=600)
        installed = json.loads(report.read_text())["install"]
    return sorted(f"{i['metadata']['name'].lower()}=={i['metadata']['version']}" for i in installed
                  if i["metadata"]["name"] != "our-rituals")  # fmt: skip


def pinned() -> list[str]:
    return sorted(line.strip() for line in LOCK.read_text().splitlines() if line.strip() and not line.startswith("#"))


def main(argv: list[str]) -> int:
    current = LOCK if LOCK.is_file() else None
    resolved = resolve(current)
    if "--check" in argv:
        if current is None or resolved != pinned():
            print(f"requirements.lock is not pip's resolution of the dependencies:\n{resolved}", file=sys.stderr)
            return 1
        return 0
    LOCK.write_text(HEADER + "".join(line + "\n" for line in resolved))
    print(f"wrote {LOCK} ({len(resolved)} packages)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
