"""Cold start: a fresh interpreter imports a Lambda entry and answers one LaunchRequest, timed and weighed.

Each sample is a new process. Two windows are timed:
- the window the targets are judged on: the import of the Lambda entry (Lambda's init phase) plus the
  first answer (its first invoke), read by the child with perf_counter. The interpreter's own start,
  which every Python function pays alike, is left out, so it does not dilute the ratio.
- the old window, kept for comparison: wall time from just before the spawn to the moment the answer
  is ready (the system-wide monotonic clock, read by the child), interpreter start included.
Interpreter teardown, which a Lambda never pays between requests, is in neither. Peak RSS is the
child's own VmHWM. Samples of the project, the floor and bare Python are interleaved, so a busy
machine slows them all alike.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CHILD = HERE / "cold_child.py"
# What "bare Python" does: start, read its own peak RSS, print, exit without teardown.
BARE_CODE = (
    "import sys, time, os\n"
    "ready = time.monotonic()\n"
    "cpu = time.process_time() * 1000\n"
    "hwm = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
    'sys.stdout.write(\'{"ready": %r, "cpu_ms": %r, "hwm_kb": %d}\\n\' % (ready, cpu, hwm))\n'
    "sys.stdout.flush(); os._exit(0)\n"
)


@dataclass(frozen=True)
class Target:
    """How to start one thing cold: the interpreter and its flags, and the paths that hold its app.py (None: bare)."""

    label: str
    python: str
    flags: tuple[str, ...]
    paths: tuple[str, ...] | None
    # Start as the Lambda Python runtime does: its own modules (logging, json, traceback...) loaded first.
    lambda_runtime: bool = False


@dataclass
class Samples:
    """One target's cold starts, in round order (round i of every target ran back to back)."""

    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    hwm_kb: list[int] = field(default_factory=list)
    import_ms: list[float] = field(default_factory=list)
    answer_ms: list[float] = field(default_factory=list)
    # CPU time of the window (import plus first answer): steadier than wall time on a busy machine.
    window_cpu_ms: list[float] = field(default_factory=list)

    @property
    def window_ms(self) -> list[float]:
        """Import (Lambda's init) plus first answer (its first invoke), round by round: the interpreter's start left out."""
        return [init + invoke for init, invoke in zip(self.import_ms, self.answer_ms, strict=True)]

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "samples": len(self.wall_ms),
            "wall_ms": round(statistics.median(self.wall_ms), 1),
            "wall_ms_min": round(min(self.wall_ms), 1),
            "cpu_ms": round(statistics.median(self.cpu_ms), 1),
            "cpu_ms_min": round(min(self.cpu_ms), 1),
            "peak_rss_mb": round(statistics.median(self.hwm_kb) / 1024, 1),
        }
        if self.import_ms:
            out["import_ms"] = round(statistics.median(self.import_ms), 1)
            out["first_answer_ms"] = round(statistics.median(self.answer_ms), 1)
            out["window_ms"] = round(statistics.median(self.window_ms), 1)
            out["window_ms_min"] = round(min(self.window_ms), 1)
        if self.window_cpu_ms:
            out["window_cpu_ms"] = round(statistics.median(self.window_cpu_ms), 1)
        return out


def paired_ratio(numerator: list[float], denominator: list[float]) -> float:
    """The median of round-by-round ratios: load that comes and goes on the machine hits both sides of a pair.

    Kept to three decimals, so a target is judged on the ratio itself, not on one rounded up to meet it.
    """
    return round(statistics.median(a / b for a, b in zip(numerator, denominator, strict=True)), 3)


def _once(target: Target, event_path: Path, env: dict[str, str]) -> dict[str, Any]:
    if target.paths is None:
        command = [target.python, *target.flags, "-c", BARE_CODE]
    else:
        runtime = ["--lambda-runtime"] if target.lambda_runtime else []
        command = [target.python, *target.flags, str(CHILD), *runtime, str(event_path), *target.paths]
    start = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)
    if result.returncode != 0 or not result.stdout.strip():
        raise RuntimeError(f"{target.label}: cold start failed:\n{result.stderr.strip()[-2000:]}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    if target.paths is not None and not report["spoke"]:
        raise RuntimeError(f"{target.label}: the LaunchRequest got no speech")
    report["wall_ms"] = (report["ready"] - start) * 1000
    return report


def measure(
    targets: list[Target],
    event_path: Path,
    *,
    samples: int,
    seed_db: Path | None,
    env: dict[str, str],
    progress: Callable[[str], None] = lambda _line: None,
) -> dict[str, Samples]:
    """`samples` cold starts of each target, interleaved; each gets a fresh SQLite file (a copy of `seed_db`)."""
    results = {t.label: Samples() for t in targets}
    with tempfile.TemporaryDirectory(prefix="our-rituals-cold-") as scratch:
        for round_ in range(samples + 1):  # round 0 warms the bytecode caches and the page cache; not counted
            for target in targets:
                folder = Path(scratch) / f"{round_}-{target.label.replace(' ', '_')}"
                folder.mkdir()
                database = folder / "rituals.db"
                if seed_db is not None:
                    shutil.copyfile(seed_db, database)
                report = _once(target, event_path, {**env, "OUR_RITUALS_DB": str(database)})
                if round_ == 0:
                    continue
                got = results[target.label]
                got.wall_ms.append(report["wall_ms"])
                got.cpu_ms.append(report["cpu_ms"])
                got.hwm_kb.append(report["hwm_kb"])
                if "import_ms" in report:
                    got.import_ms.append(report["import_ms"])
                    got.answer_ms.append(report["answer_ms"])
                    got.window_cpu_ms.append(report["window_cpu_ms"])
            if round_:
                progress(f"cold start: round {round_}/{samples}")
    return results


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every cold child: no DynamoDB, no skill id, nothing of the caller's Python settings."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "SYSTEMROOT")
    env = {k: v for k, v in os.environ.items() if k in keep}
    return {**env, **(extra or {})}
