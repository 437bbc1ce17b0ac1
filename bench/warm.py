"""Warm requests in-process through a Lambda `handler`, DynamoDB calls counted at the client, and a year's bytes."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import resource
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

from bench import conversation

ROOT = Path(__file__).resolve().parent.parent
READS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"})
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})


def load_app(path: Path, name: str) -> ModuleType:
    """A fresh import of a Lambda entry file, as the runtime does on a cold start (its own module, its own skill)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}_{uuid.uuid4().hex[:8]}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: p99 of 1000 values is the 990th smallest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def latency_summary(
    per_request_ms: list[float],
    runs: list[list[float]],
    cpu_ms: list[float] | None = None,
    switches: list[tuple[int, int]] | None = None,
) -> dict[str, Any]:
    """p50 and p99 over every request of every run, with the median of each run's own p99.

    With `cpu_ms`, the same of the CPU time the request's thread spent: wall time less the moments the
    machine ran something else, which on a shared machine are most of a wall p99.
    With `switches` (each request's voluntary and involuntary context switches), how many requests waited
    for something (a disk write, an fsync, a lock: voluntary), how many the scheduler preempted
    (involuntary), and the wall p99 of the requests that did neither: where a slow request's time went.
    """
    summary = {
        "requests": len(per_request_ms),
        "runs": len(runs),
        "p50_ms": round(percentile(per_request_ms, 0.50), 3),
        "p99_ms": round(percentile(per_request_ms, 0.99), 3),
        "max_ms": round(max(per_request_ms), 3),
        "median_of_run_p99_ms": round(statistics.median(percentile(r, 0.99) for r in runs), 3),
        "rounds": len(rounds := _rounds(runs)),
        "median_of_round_p99_ms": round(statistics.median(percentile(r, 0.99) for r in rounds), 3),
    }
    if cpu_ms:
        summary["cpu_p50_ms"] = round(percentile(cpu_ms, 0.50), 3)
        summary["cpu_p99_ms"] = round(percentile(cpu_ms, 0.99), 3)
    if switches:
        undisturbed = [
            ms for ms, (waited, preempted) in zip(per_request_ms, switches, strict=True) if not waited and not preempted
        ]
        summary["requests_that_waited"] = sum(1 for waited, _ in switches if waited)
        summary["requests_preempted"] = sum(1 for _, preempted in switches if preempted)
        if undisturbed:
            summary["p99_undisturbed_ms"] = round(percentile(undisturbed, 0.99), 3)
    return summary


def _switches() -> tuple[int, int]:
    """This thread's voluntary and involuntary context switches so far (Linux; zeros where unsupported)."""
    try:
        usage = resource.getrusage(resource.RUSAGE_THREAD)
    except (AttributeError, OSError):
        return (0, 0)
    return (usage.ru_nvcsw, usage.ru_nivcsw)


# Evenings per round: a round's p99 is over 200 requests, and the median over rounds leaves out a round that a
# burst of load on a shared machine spoiled.
EVENINGS_PER_ROUND = 10


def _rounds(runs: list[list[float]]) -> list[list[float]]:
    """The runs' requests in rounds of EVENINGS_PER_ROUND runs (a shorter last round joins the one before)."""
    rounds = [
        [ms for run in runs[i : i + EVENINGS_PER_ROUND] for ms in run] for i in range(0, len(runs), EVENINGS_PER_ROUND)
    ]
    if len(rounds) > 1 and len(runs) % EVENINGS_PER_ROUND:
        last = rounds.pop()
        rounds[-1] += last
    return rounds


@contextmanager
def quiet_stderr() -> Iterator[None]:
    """The skill logs one JSON line per request to stderr; write it to /dev/null (formatted, not shown)."""
    saved = sys.stderr
    with open(os.devnull, "w", encoding="utf-8") as sink:
        sys.stderr = sink
        try:
            yield
        finally:
            sys.stderr = saved


class Timed:
    """A `send` that times each call of the handler, and nothing else (the limit checks run outside).

    Wall time and the CPU time of the calling thread, both.
    """

    def __init__(self, handler: Callable[[dict[str, Any], Any], dict[str, Any]]) -> None:
        self.handler = handler
        self.ms: list[float] = []
        self.cpu_ms: list[float] = []
        self.requests: list[str] = []
        self.switches: list[tuple[int, int]] = []  # per request: voluntary, involuntary context switches
        self.before: Callable[[dict[str, Any]], None] | None = None
        self.after: Callable[[dict[str, Any], dict[str, Any]], None] | None = None

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        if self.before:
            self.before(event)
        voluntary, involuntary = _switches()
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = self.handler(event, None)
        self.ms.append((time.perf_counter() - started) * 1000)
        self.cpu_ms.append((time.thread_time() - started_cpu) * 1000)
        now_voluntary, now_involuntary = _switches()
        self.switches.append((now_voluntary - voluntary, now_involuntary - involuntary))
        self.requests.append(request_name(event))
        if self.after:
            self.after(event, response)
        return response


# Every request's wall ms, the same per evening, the evening's requests by name, every request's CPU ms, and its
# voluntary and involuntary context switches.
Evenings = tuple[list[float], list[list[float]], list[str], list[float], list[tuple[int, int]]]


def request_name(event: dict[str, Any]) -> str:
    request = event["request"]
    return str(request.get("intent", {}).get("name") or request["type"])


def project_evenings(app: ModuleType, runs: int, *, warmup: int = 2) -> Evenings:
    """`runs` scripted evenings, each a new couple, through the project's handler (after `warmup` untimed ones).

    Returns every request's milliseconds, the same per evening, the evening's requests by name, CPU ms and switches.
    """
    per_run: list[list[float]] = []
    cpu: list[float] = []
    switches: list[tuple[int, int]] = []
    with quiet_stderr():
        for index in range(warmup + runs):
            timed = Timed(app.handler)
            conversation.evening(conversation.new_couple(timed))
            if index >= warmup:
                per_run.append(timed.ms)
                cpu.extend(timed.cpu_ms)
                switches.extend(timed.switches)
    return [ms for run in per_run for ms in run], per_run, timed.requests, cpu, switches


def floor_evenings(app: ModuleType, runs: int, *, warmup: int = 2) -> Evenings:
    """The floor answers only a LaunchRequest: an evening of it is TURNS launches."""
    per_run: list[list[float]] = []
    cpu: list[float] = []
    switches: list[tuple[int, int]] = []
    for index in range(warmup + runs):
        timed = Timed(app.handler)
        couple = conversation.new_couple(timed)
        for _ in range(conversation.TURNS):
            couple.launch()
        if index >= warmup:
            per_run.append(timed.ms)
            cpu.extend(timed.cpu_ms)
            switches.extend(timed.switches)
    return [ms for run in per_run for ms in run], per_run, timed.requests, cpu, switches


# -- DynamoDB -----------------------------------------------------------------------------------


class CallCounter:
    """Counts DynamoDB API calls by operation, hooked on botocore's event system of the skill's own client."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def __call__(self, model: Any = None, **_kwargs: Any) -> None:
        self.calls[model.name] += 1

    def take(self) -> Counter[str]:
        calls, self.calls = self.calls, Counter()
        return calls


@contextmanager
def counted_dynamodb_client(counter: CallCounter) -> Iterator[None]:
    """Every DynamoDB client the store makes reports its calls to `counter` (the store makes one, lazily)."""
    from skill.store import dynamodb

    original = dynamodb._make_client

    def make_client() -> Any:
        client = original()
        client.meta.events.register("before-call.dynamodb", counter)
        return client

    dynamodb._make_client = make_client
    try:
        yield
    finally:
        dynamodb._make_client = original


@contextmanager
def environment(values: dict[str, str | None]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def dynamodb_item_bytes(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it: attribute names plus values (a number: about 1 byte per 2 digits + 1)."""
    size = 0
    for name, value in item.items():
        size += len(name.encode("utf-8"))
        if "S" in value:
            size += len(value["S"].encode("utf-8"))
        elif "N" in value:
            digits = value["N"].lstrip("-").replace(".", "").strip("0") or "0"
            size += (len(digits) + 1) // 2 + 1
        elif "B" in value:
            size += len(value["B"])
        else:
            size += len(json.dumps(value))
    return size


class StoreWatch:
    """Per request: DynamoDB reads and writes made, and whether the stored household changed at all."""

    def __init__(self, counter: CallCounter, peek: Callable[[str], str | None]) -> None:
        self.counter = counter
        self.peek = peek
        self.rows: list[dict[str, Any]] = []
        self._before: str | None = None

    def key(self, event: dict[str, Any]) -> str:
        from skill.state import household_key

        return household_key(event["context"]["System"]["user"]["userId"])

    def before(self, event: dict[str, Any]) -> None:
        self._before = self.peek(self.key(event))
        self.counter.take()

    def after(self, event: dict[str, Any], _response: dict[str, Any]) -> None:
        calls = self.counter.take()
        self.rows.append(
            {
                "request": request_name(event),
                "reads": sum(n for op, n in calls.items() if op in READS),
                "writes": sum(n for op, n in calls.items() if op in WRITES),
                "changed": self.peek(self.key(event)) != self._before,
            }
        )

    def summary(self) -> dict[str, Any]:
        unchanged = [r for r in self.rows if not r["changed"]]
        return {
            "requests": len(self.rows),
            "max_reads_per_request": max(r["reads"] for r in self.rows),
            "max_writes_per_request": max(r["writes"] for r in self.rows),
            "mean_reads_per_request": round(statistics.mean(r["reads"] for r in self.rows), 2),
            "mean_writes_per_request": round(statistics.mean(r["writes"] for r in self.rows), 2),
            "requests_that_changed_nothing": len(unchanged),
            "writes_on_requests_that_changed_nothing": sum(r["writes"] for r in unchanged),
            "by_request": _by_request(self.rows),
        }


def _by_request(rows: list[dict[str, Any]]) -> dict[str, str]:
    """For each kind of request: reads/writes seen (e.g. "1/0-1": one read, no write or one)."""
    seen: dict[str, tuple[set[int], set[int]]] = {}
    for row in rows:
        reads, writes = seen.setdefault(row["request"], (set(), set()))
        reads.add(row["reads"])
        writes.add(row["writes"])

    def span(values: set[int]) -> str:
        return str(min(values)) if min(values) == max(values) else f"{min(values)}-{max(values)}"

    return {name: f"{span(r)}/{span(w)}" for name, (r, w) in sorted(seen.items())}


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def stored_document_bytes(document: dict[str, Any]) -> int:
    """A household as the embedded store keeps it: its row's JSON, and each ritual state's text or blob."""
    hot = {k: v for k, v in document.items() if k != "rituals"}
    parts = document.get("rituals", {}) if document.get("layout") == 2 else {}
    if document.get("layout") != 2:
        hot = document
    size = len(json.dumps(hot, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    return size + sum(len(v) if isinstance(v, bytes) else len(str(v).encode("utf-8")) for v in parts.values())
