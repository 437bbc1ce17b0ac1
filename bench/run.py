"""Our Rituals against the floor (a hello-world skill on the same ask-sdk-core), side by side in one run.

Run from the project root:  .venv/bin/python -m bench   (add --help for the knobs; --longevity runs
bench/longevity.py instead: two years of a daily couple, quarter by quarter)

Prints two tables, the embedded store and the production path (DynamoDB), each with its targets and
whether they are met, plus the web service's, and writes bench/results.json. Not part of the test
suite: it takes minutes, starts DynamoDB Local (tests/support/dynamodb_local.py), builds the Lambda bundles
(`our-rituals bundle`'s code) into .build/bench/, and its figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import cold, conversation, warm, web

ROOT = Path(__file__).resolve().parent.parent
FLOOR = ROOT / "bench" / "floor"
FLOOR_DYNAMODB = ROOT / "bench" / "floor_dynamodb"
BUILD = ROOT / ".build" / "bench"
RESULTS = ROOT / "bench" / "results.json"

# Issue 18's targets. The cold-start ratios compare the import of the Lambda entry plus the first answer (Lambda's
# init and first invoke), medians of interleaved runs, the interpreter's own start left out of both sides.
TARGETS = {
    "embedded_window_ratio": 1.15,
    "embedded_rss_over_floor_mb": 6,
    "production_window_ratio": 0.85,
    "warm_p99_embedded_ms": 2.0,
    "reads_per_request": 1,
    "writes_per_request": 1,
    "writes_on_requests_that_change_nothing": 0,
}


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@contextmanager
def timed_section(name: str) -> Iterator[None]:
    started = time.monotonic()
    say(f"-- {name}")
    yield
    say(f"   {name}: {time.monotonic() - started:.0f} s")


# -- cold start --------------------------------------------------------------------------------


# What the Lambda Python runtime provides beside the bundle (skill.deploy.bundle.RUNTIME_PROVIDED), by import name.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3")
# Their service descriptions (JSON, no code): linked, not copied.
RUNTIME_DATA = ("boto3/data", "botocore/data")


def lambda_runtime(python: str) -> Path:
    """A stand-in for the Lambda runtime's own packages (boto3, botocore and their dependencies), copied from this
    virtualenv and byte-compiled like the runtime's, their service descriptions linked."""
    import importlib.util

    from skill.deploy.bundle import byte_compile

    runtime = BUILD / "runtime"
    shutil.rmtree(runtime, ignore_errors=True)
    runtime.mkdir(parents=True)
    for name in RUNTIME_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        source = Path(next(iter(spec.submodule_search_locations)))
        data = [d for d in RUNTIME_DATA if d.startswith(f"{name}/")]
        shutil.copytree(
            source, runtime / name,
            ignore=lambda folder, names, s=source, d=data: [
                n for n in names if n == "__pycache__" or (Path(folder) / n).relative_to(s.parent).as_posix() in d
            ],
        )  # fmt: skip
        for folder in data:
            (runtime / folder).symlink_to(source.parent / folder, target_is_directory=True)
    byte_compile(runtime, python)
    return runtime


@dataclass(frozen=True)
class Bundles:
    """The Lambda bundles the cold starts run, all built alike: ours, the floor's and the floor with the adapter."""

    python: str
    version: str
    runtime: Path
    project: Path
    floor: Path
    floor_dynamodb: Path


def build_bundles() -> Bundles:
    """The project's Lambda bundle (built by `our-rituals bundle`'s code) and the floors', built the same way.

    A floor bundle is the project bundle's dependencies with the floor's app.py instead of ours (and, for the
    production floor, ask-sdk-dynamodb-persistence-adapter from this virtualenv), byte-compiled by the same
    compiler in the same mode.
    """
    import importlib.util

    from skill.deploy.bundle import build, byte_compile, find_python

    python = find_python()
    if python is None:
        raise RuntimeError("no Python 3.12 to byte-compile and run the Lambda bundle with")
    project = BUILD / "lambda"
    report = build(project, python=python)
    say(f"   {report.summary().splitlines()[0]}")
    floors = {}
    for name, source in (("floor", FLOOR), ("floor_dynamodb", FLOOR_DYNAMODB)):
        floor = BUILD / name
        shutil.rmtree(floor, ignore_errors=True)
        shutil.copytree(project, floor, ignore=lambda folder, names: _not_for_floor(project, folder, names))
        shutil.copy2(source / "app.py", floor / "app.py")
        if name == "floor_dynamodb":
            spec = importlib.util.find_spec("ask_sdk_dynamodb")
            if spec is None or not spec.submodule_search_locations:
                raise RuntimeError(
                    "ask-sdk-dynamodb-persistence-adapter is not installed: pip install -r bench/requirements.txt"
                )
            adapter = Path(next(iter(spec.submodule_search_locations)))
            shutil.copytree(adapter, floor / "ask_sdk_dynamodb", ignore=shutil.ignore_patterns("__pycache__"))
        byte_compile(floor, python)
        floors[name] = floor
    version = subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    return Bundles(python, version, lambda_runtime(python), project, floors["floor"], floors["floor_dynamodb"])


def _not_for_floor(project: Path, folder: str, names: list[str]) -> list[str]:
    if Path(folder) == project:
        return [n for n in names if n in ("skill", "app.py")]
    if Path(folder) == project / "__pycache__":
        return [n for n in names if n.startswith("app.")]
    return []


def seed_database(path: Path, event: dict[str, Any]) -> None:
    """An SQLite file where the cold-start couple is already known (names stored), checkpointed into one file."""
    from skill.store.sqlite import SQLiteStore

    _meet(SQLiteStore(path), event)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _meet(store: Any, event: dict[str, Any]) -> None:
    """The cold-start couple says their names to the skill, on `store`."""
    from skill.alexa.skill import build_skill, invoke

    skill = build_skill(open_store_fn=lambda: store)
    couple = conversation.OfflineCouple(
        send=lambda e: invoke(skill, e), user_id=event["context"]["System"]["user"]["userId"]
    )
    with warm.quiet_stderr():
        couple.meet("Maya", "Sam")


# The interpreter as each mode runs it. From source: the checkout, imported the normal way, bytecode cached in a
# private folder (written by round 0, so both sides run byte-compiled). The bundle as Lambda runs it: no site-packages,
# read-only code (-B) with its own byte-compiled .pyc files, what the Lambda runtime imports for itself (logging,
# json, traceback...) already loaded.
BUNDLE_FLAGS = ("-I", "-S", "-B")


def _source_flags(scratch: str) -> tuple[str, ...]:
    return ("-I", "-X", f"pycache_prefix={Path(scratch) / 'pycache'}")


def _summarise(measured: dict[str, cold.Samples], floor_label: str) -> dict[str, Any]:
    """Medians per side, and project/floor ratios as the median of round-by-round ratios."""
    summary: dict[str, Any] = {label: samples_.summary() for label, samples_ in measured.items()}
    p, f = measured["project"], measured[floor_label]
    project, floor = summary["project"], summary[floor_label]
    summary["ratio_window"] = cold.paired_ratio(p.window_ms, f.window_ms)
    summary["ratio_init"] = cold.paired_ratio(p.import_ms, f.import_ms)
    summary["ratio_first_answer"] = cold.paired_ratio(p.answer_ms, f.answer_ms)
    summary["ratio_wall"] = cold.paired_ratio(p.wall_ms, f.wall_ms)
    summary["ratio_cpu"] = cold.paired_ratio(p.cpu_ms, f.cpu_ms)
    if p.window_cpu_ms and f.window_cpu_ms:
        summary["ratio_window_cpu"] = cold.paired_ratio(p.window_cpu_ms, f.window_cpu_ms)
    # The fastest runs are the least disturbed by anything else on the machine: the closest to the code's own cost.
    summary["ratio_fastest_window"] = round(project["window_ms_min"] / floor["window_ms_min"], 3)
    summary["rss_over_floor_mb"] = round(project["peak_rss_mb"] - floor["peak_rss_mb"], 1)
    if "bare" in summary:
        bare = summary["bare"]
        for side in (project, floor):
            side["wall_over_bare_ms"] = round(side["wall_ms"] - bare["wall_ms"], 1)
            side["rss_over_bare_mb"] = round(side["peak_rss_mb"] - bare["peak_rss_mb"], 1)
    return summary


def embedded_cold_start(samples: int, bundles: Bundles | None) -> dict[str, Any]:
    """The skill on its embedded store against the floor, byte-compiled both, as the bundle and from source."""
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="our-rituals-bench-") as scratch:
        event = conversation.launch_event()
        event_path = Path(scratch) / "launch.json"
        event_path.write_text(json.dumps(event), encoding="utf-8")
        seed = Path(scratch) / "seed.db"
        seed_database(seed, event)
        modes: list[tuple[str, list[cold.Target]]] = []
        if bundles is not None:
            runtime = str(bundles.runtime)
            modes.append(
                (
                    f"bundle (CPython {bundles.version}, byte-compiled)",
                    [
                        cold.Target("bare", bundles.python, BUNDLE_FLAGS, None),
                        cold.Target("project", bundles.python, BUNDLE_FLAGS, (str(bundles.project), runtime), lambda_runtime=True),
                        cold.Target("floor", bundles.python, BUNDLE_FLAGS, (str(bundles.floor), runtime), lambda_runtime=True),
                    ],
                )
            )  # fmt: skip
        flags = _source_flags(scratch)
        modes.append(
            (
                f"source (CPython {platform.python_version()}, byte-compiled by round 0)",
                [
                    cold.Target("bare", sys.executable, flags, None),
                    cold.Target(
                        "project", sys.executable, flags, (str(ROOT / "lambda"), str(ROOT)), lambda_runtime=True
                    ),
                    cold.Target("floor", sys.executable, flags, (str(FLOOR),), lambda_runtime=True),
                ],
            )
        )
        for mode, targets in modes:
            measured = cold.measure(
                targets, event_path, samples=samples, seed_db=seed, env=cold.child_env(), progress=say
            )
            results[mode] = _summarise(measured, "floor")
    return results


def production_cold_start(samples: int, bundles: Bundles | None) -> dict[str, Any]:
    """The production path (SKILL_TABLE set, DynamoDB Local) against the floor with the ASK SDK's DynamoDB adapter."""
    sys.path.insert(0, str(ROOT))
    from skill.store.dynamodb import DynamoDBStore
    from tests.support.dynamodb_local import CREDENTIALS, DynamoDBLocal, create_table_from_template

    server = DynamoDBLocal().start()
    try:
        admin = server.client()
        table, floor_table = f"bench-{uuid.uuid4().hex[:10]}", f"bench-floor-{uuid.uuid4().hex[:10]}"
        create_table_from_template(admin, table)
        admin.create_table(
            TableName=floor_table, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        )  # fmt: skip
        admin.get_waiter("table_exists").wait(TableName=floor_table, WaiterConfig={"Delay": 0.2, "MaxAttempts": 50})
        event = conversation.launch_event()
        _meet(DynamoDBStore(table, client=admin), event)
        # As on Lambda: region and credentials from the environment, no config files, no instance metadata.
        env = cold.child_env(
            {
                **CREDENTIALS,
                "AWS_REGION": CREDENTIALS["AWS_DEFAULT_REGION"],
                "AWS_ENDPOINT_URL_DYNAMODB": server.endpoint,
                "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "SKILL_TABLE": table,
                "FLOOR_TABLE": floor_table,
            }
        )
        with tempfile.TemporaryDirectory(prefix="our-rituals-bench-") as scratch:
            event_path = Path(scratch) / "launch.json"
            event_path.write_text(json.dumps(event), encoding="utf-8")
            if bundles is not None:
                runtime = str(bundles.runtime)
                mode = f"bundle (CPython {bundles.version}, byte-compiled), DynamoDB Local"
                targets = [
                    cold.Target("project", bundles.python, BUNDLE_FLAGS, (str(bundles.project), runtime), lambda_runtime=True),
                    cold.Target("floor", bundles.python, BUNDLE_FLAGS, (str(bundles.floor_dynamodb), runtime), lambda_runtime=True),
                ]  # fmt: skip
            else:
                flags = _source_flags(scratch)
                mode = f"source (CPython {platform.python_version()}, byte-compiled by round 0), DynamoDB Local"
                targets = [
                    cold.Target(
                        "project", sys.executable, flags, (str(ROOT / "lambda"), str(ROOT)), lambda_runtime=True
                    ),
                    cold.Target("floor", sys.executable, flags, (str(FLOOR_DYNAMODB),), lambda_runtime=True),
                ]
            # DynamoDB Local is a JVM: a few untimed starts of each side let its JIT settle first.
            cold.measure(targets, event_path, samples=2, seed_db=None, env=env)
            measured = cold.measure(targets, event_path, samples=samples, seed_db=None, env=env, progress=say)
        floor_item = admin.get_item(
            TableName=floor_table, Key={"id": {"S": event["context"]["System"]["user"]["userId"]}}
        )
    finally:
        server.stop()
    summary = _summarise(measured, "floor")
    summary["mode"] = mode
    # Each floor start read the item and saved it once: its visit count is the number of floor starts.
    summary["floor_saves"] = int(floor_item["Item"]["attributes"]["M"]["visits"]["N"])
    return summary


# -- warm latency, DynamoDB calls, a year of bytes ------------------------------------------------


def warm_embedded(runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="our-rituals-warm-") as scratch:
        with warm.environment(
            {"OUR_RITUALS_DB": str(Path(scratch) / "rituals.db"), "SKILL_TABLE": None, "SKILL_ID": None}
        ):
            project = warm.load_app(ROOT / "lambda" / "app.py", "project")
            floor = warm.load_app(FLOOR / "app.py", "floor")
            # Evenings of the project and of the floor alternate, so load that comes and goes hits both alike.
            warm.project_evenings(project, 0)
            warm.floor_evenings(floor, 0)
            all_ms: list[float] = []
            per_run: list[list[float]] = []
            cpu_ms: list[float] = []
            floor_ms: list[float] = []
            floor_runs: list[list[float]] = []
            floor_cpu_ms: list[float] = []
            switches: list[tuple[int, int]] = []
            floor_switches: list[tuple[int, int]] = []
            evening: list[str] = []
            for _ in range(runs):
                p_ms, p_runs, evening, p_cpu, p_switches = warm.project_evenings(project, 1, warmup=0)
                f_ms, f_runs, _, f_cpu, f_switches = warm.floor_evenings(floor, 1, warmup=0)
                switches += p_switches
                floor_switches += f_switches
                all_ms += p_ms
                per_run += p_runs
                cpu_ms += p_cpu
                floor_ms += f_ms
                floor_runs += f_runs
                floor_cpu_ms += f_cpu
            year_couple = conversation.new_couple(warm.Timed(project.handler))
            with warm.quiet_stderr():
                report = conversation.year(year_couple)
            from skill.store.sqlite import SQLiteStore

            document = SQLiteStore(Path(scratch) / "rituals.db").load(year_couple.key).document
    return {
        "project": warm.latency_summary(all_ms, per_run, cpu_ms, switches),
        "floor": warm.latency_summary(floor_ms, floor_runs, floor_cpu_ms, floor_switches),
        "turns": conversation.TURNS,
        "evening": evening,
        "year": {
            "requests": report.requests,
            "weeks": report.weeks,
            "document_bytes": warm.stored_document_bytes(document),
        },
    }


def warm_dynamodb(runs: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from tests.support.dynamodb_local import CREDENTIALS, DynamoDBLocal, create_table_from_template

    server = DynamoDBLocal().start()
    try:
        table = f"bench-{uuid.uuid4().hex[:10]}"
        admin = server.client()
        create_table_from_template(admin, table)

        def peek(key: str) -> str | None:
            """What is stored for the household (every attribute but its version and expiry), to see whether a request changed it."""
            item = admin.get_item(TableName=table, Key={"pk": {"S": key}}, ConsistentRead=True).get("Item")
            kept = {k: v for k, v in (item or {}).items() if k not in ("version", "expires_at")}
            return json.dumps(kept, sort_keys=True, default=repr) if item else None

        env: dict[str, str | None] = {
            "SKILL_TABLE": table,
            "AWS_ENDPOINT_URL_DYNAMODB": server.endpoint,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_PROFILE": None,
            "SKILL_ID": None,
            **CREDENTIALS,
        }
        counter = warm.CallCounter()
        with warm.environment(env), warm.counted_dynamodb_client(counter):
            project = warm.load_app(ROOT / "lambda" / "app.py", "project_dynamodb")
            # DynamoDB Local is a JVM: a few more untimed evenings let its JIT settle.
            all_ms, per_run, _, cpu_ms, _ = warm.project_evenings(project, runs, warmup=5)
            # The calls, evening by evening, with a look at the stored item around each request (outside any timing).
            watch = warm.StoreWatch(counter, peek)
            timed = warm.Timed(project.handler)
            timed.before, timed.after = watch.before, watch.after
            with warm.quiet_stderr():
                for _ in range(3):
                    conversation.evening(conversation.new_couple(timed))
                year_couple = conversation.new_couple(timed)
                report = conversation.year(year_couple)
            item = admin.get_item(TableName=table, Key={"pk": {"S": year_couple.key}}, ConsistentRead=True)["Item"]
    finally:
        server.stop()
    return {
        "project": warm.latency_summary(all_ms, per_run, cpu_ms),
        "calls": watch.summary(),
        "year": {
            "requests": report.requests,
            "weeks": report.weeks,
            "item_bytes": warm.dynamodb_item_bytes(item),
            "document_bytes": sum(
                len(v["S"].encode("utf-8")) if "S" in v else len(v["B"])
                for k, v in item.items()
                if k == "doc" or k.startswith("r_")
            ),
        },
    }


# -- web service ----------------------------------------------------------------------------------


def web_service(max_requests: int, max_seconds: float, connections: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from bench.floor.web import create_app as floor_app
    from skill.web import create_app as project_app_factory

    results: dict[str, Any] = {"max_requests": max_requests, "max_seconds": max_seconds, "connections": connections}
    with tempfile.TemporaryDirectory(prefix="our-rituals-web-") as scratch:
        with warm.environment(
            {"OUR_RITUALS_DB": str(Path(scratch) / "rituals.db"), "SKILL_TABLE": None, "SKILL_ID": None}
        ):
            with warm.quiet_stderr():
                for verify in (False, True):
                    key = "verification_on" if verify else "verification_off"
                    row: dict[str, Any] = {}
                    for side, factory in (
                        ("project", lambda v: project_app_factory(verifiers=v)),
                        ("floor", lambda v: floor_app(verifiers=v)),
                    ):
                        row[side] = web.load(
                            factory,
                            verify=verify,
                            max_requests=max_requests,
                            max_seconds=max_seconds,
                            connections=connections,
                        )
                    row["ratio_rps"] = round(row["project"]["rps"] / row["floor"]["rps"], 2)
                    results[key] = row
    return results


# -- report -----------------------------------------------------------------------------------------


def verdicts(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target of issue 18, met or not, with the figure it was judged on, keyed by the table it belongs to."""
    embedded: dict[str, Any] = {}
    production: dict[str, Any] = {}
    for mode, summary in results.get("embedded", {}).items():
        ratio, rss = summary["ratio_window"], summary["rss_over_floor_mb"]
        embedded[f"{mode}: import + first answer at most {TARGETS['embedded_window_ratio']}x the floor"] = {
            "value": ratio, "met": ratio <= TARGETS["embedded_window_ratio"],
        }  # fmt: skip
        embedded[f"{mode}: peak RSS at most the floor's + {TARGETS['embedded_rss_over_floor_mb']} MB"] = {
            "value": rss, "met": rss <= TARGETS["embedded_rss_over_floor_mb"],
        }  # fmt: skip
    if "warm_embedded" in results:
        warm_project = results["warm_embedded"]["project"]
        p99 = warm_project.get("median_of_round_p99_ms", warm_project["p99_ms"])
        embedded[f"warm p99 in-process under {TARGETS['warm_p99_embedded_ms']} ms, wall (median of the rounds' p99)"] = {
            "value": p99, "met": p99 < TARGETS["warm_p99_embedded_ms"],
        }  # fmt: skip
        if "cpu_p99_ms" in warm_project:
            # On a shared machine a wall p99 mostly measures the other processes; the request's own CPU time does not.
            cpu = warm_project["cpu_p99_ms"]
            embedded[f"warm p99 in-process under {TARGETS['warm_p99_embedded_ms']} ms, CPU time of the request"] = {
                "value": cpu, "met": cpu < TARGETS["warm_p99_embedded_ms"],
            }  # fmt: skip
    if "production" in results:
        summary = results["production"]
        ratio = summary["ratio_window"]
        production[f"init + first invoke at most {TARGETS['production_window_ratio']}x the floor with the adapter"] = {
            "value": ratio, "met": ratio <= TARGETS["production_window_ratio"],
        }  # fmt: skip
    if "warm_dynamodb" in results:
        calls = results["warm_dynamodb"]["calls"]
        reads, writes = calls["max_reads_per_request"], calls["max_writes_per_request"]
        production["at most one read per request"] = {"value": reads, "met": reads <= TARGETS["reads_per_request"]}
        production["at most one write per request"] = {"value": writes, "met": writes <= TARGETS["writes_per_request"]}
        wasted = calls["writes_on_requests_that_changed_nothing"]
        production["no write on a request that changes nothing"] = {
            "value": wasted, "met": wasted <= TARGETS["writes_on_requests_that_change_nothing"],
        }  # fmt: skip
    return {name: checks for name, checks in (("embedded", embedded), ("production", production)) if checks}


def _grid(title: str, header: tuple[str, ...], rows: list[tuple[Any, ...]], checks: dict[str, Any]) -> str:
    """A plain-text table: a title, aligned columns, then each target with [met] or [MISSED]."""
    cells = [header, *(tuple(str(c) for c in row) for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [title, ""]
    for number, row in enumerate(cells):
        lines.append(
            "  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)).rstrip()
        )
        if number == 0:
            lines.append("-" * len(lines[-1]))
    lines.append("")
    lines.extend(f"[{'met' if v['met'] else 'MISSED'}] {name}: {v['value']}" for name, v in checks.items())
    return "\n".join(lines)


def embedded_table(results: dict[str, Any]) -> str | None:
    checks = results.get("targets", {}).get("embedded", {})
    rows: list[tuple[Any, ...]] = []
    ratio, rss, p99 = (
        TARGETS["embedded_window_ratio"],
        TARGETS["embedded_rss_over_floor_mb"],
        TARGETS["warm_p99_embedded_ms"],
    )
    for mode, s in results.get("embedded", {}).items():
        p, f = s["project"], s["floor"]
        verdict = "met" if s["ratio_window"] <= ratio else "MISSED"
        rows.append(
            (
                f"{mode}: import + first answer, ms",
                p["window_ms"],
                f["window_ms"],
                s["ratio_window"],
                f"at most {ratio}x: {verdict}",
            )
        )
        rows.append(("  import / first answer, ms", f"{p['import_ms']} / {p['first_answer_ms']}",
                     f"{f['import_ms']} / {f['first_answer_ms']}", f"{s['ratio_init']} / {s['ratio_first_answer']}", ""))  # fmt: skip
        rows.append(("  fastest run, ms", p["window_ms_min"], f["window_ms_min"], s["ratio_fastest_window"], ""))
        if "ratio_window_cpu" in s:
            rows.append(
                ("  CPU time of the window, ms", p["window_cpu_ms"], f["window_cpu_ms"], s["ratio_window_cpu"], "")
            )
        rows.append((f"  old window, interpreter start included, wall ms (bare Python {s['bare']['wall_ms']})",
                     p["wall_ms"], f["wall_ms"], s["ratio_wall"], "for comparison"))  # fmt: skip
        verdict = "met" if s["rss_over_floor_mb"] <= rss else "MISSED"
        rows.append((f"  peak RSS, MB (bare Python {s['bare']['peak_rss_mb']})", p["peak_rss_mb"], f["peak_rss_mb"],
                     f"+{s['rss_over_floor_mb']} MB", f"at most +{rss} MB: {verdict}"))  # fmt: skip
    if "warm_embedded" in results:
        w = results["warm_embedded"]
        p, f = w["project"], w["floor"]
        p_p99, f_p99 = p.get("median_of_round_p99_ms", p["p99_ms"]), f.get("median_of_round_p99_ms", f["p99_ms"])
        verdict = "met" if p_p99 < p99 else "MISSED"
        rows.append((f"warm, in-process: p50 / p99 ms, p99 the median of {p.get('rounds', 1)} rounds' ({p['requests']} requests)",
                     f"{p['p50_ms']} / {p_p99}", f"{f['p50_ms']} / {f_p99}", f"{p['p50_ms'] / f['p50_ms']:.2f} / {p_p99 / f_p99:.2f}",
                     f"p99 under {p99} ms: {verdict}"))  # fmt: skip
        rows.append(("  p99 over every request, ms", p["p99_ms"], f["p99_ms"], "", ""))
        if "cpu_p99_ms" in p:
            verdict = "met" if p["cpu_p99_ms"] < p99 else "MISSED"
            rows.append(("  CPU time of the request: p50 / p99 ms", f"{p['cpu_p50_ms']} / {p['cpu_p99_ms']}",
                         f"{f['cpu_p50_ms']} / {f['cpu_p99_ms']}", "", f"p99 under {p99} ms: {verdict}"))  # fmt: skip
        if "requests_preempted" in p:
            rows.append(("  requests that waited (I/O, fsync, a lock) / preempted by the scheduler",
                         f"{p['requests_that_waited']} / {p['requests_preempted']}",
                         f"{f.get('requests_that_waited', '')} / {f.get('requests_preempted', '')}", "", ""))  # fmt: skip
            rows.append(("  wall p99 of the requests neither waited nor preempted, ms", p.get("p99_undisturbed_ms", ""),
                         f.get("p99_undisturbed_ms", ""), "", ""))  # fmt: skip
        rows.append(("  SQLite document bytes after a simulated year", w["year"]["document_bytes"], "", "", ""))
    if not rows:
        return None
    title = "Embedded store (SQLite): the Lambda entry's import plus its first answer, the interpreter's start left out"
    return _grid(title, ("", "project", "floor", "project/floor", "target"), rows, checks)


def production_table(results: dict[str, Any]) -> str | None:
    checks = results.get("targets", {}).get("production", {})
    rows: list[tuple[Any, ...]] = []
    if "production" in results:
        s = results["production"]
        p, f = s["project"], s["floor"]
        target = TARGETS["production_window_ratio"]
        verdict = "met" if s["ratio_window"] <= target else "MISSED"
        rows.append((f"{s['mode']}: init, ms", p["import_ms"], f["import_ms"], s["ratio_init"], ""))
        rows.append(("  first invoke, ms", p["first_answer_ms"], f["first_answer_ms"], s["ratio_first_answer"], ""))
        rows.append(
            (
                "  init + first invoke, ms",
                p["window_ms"],
                f["window_ms"],
                s["ratio_window"],
                f"at most {target}x: {verdict}",
            )
        )
        rows.append(("  fastest run, ms", p["window_ms_min"], f["window_ms_min"], s["ratio_fastest_window"], ""))
        if "ratio_window_cpu" in s:
            rows.append(
                ("  CPU time of the window, ms", p["window_cpu_ms"], f["window_cpu_ms"], s["ratio_window_cpu"], "")
            )
        rows.append(
            (
                "  old window, interpreter start included, wall ms",
                p["wall_ms"],
                f["wall_ms"],
                s["ratio_wall"],
                "for comparison",
            )
        )
        rows.append(("  peak RSS, MB", p["peak_rss_mb"], f["peak_rss_mb"], f"{s['rss_over_floor_mb']:+} MB", ""))
    if "warm_dynamodb" in results:
        d = results["warm_dynamodb"]
        p, c, y = d["project"], d["calls"], d["year"]
        rows.append(
            (
                f"warm, DynamoDB Local: p50 / p99 ms ({p['requests']} requests)",
                f"{p['p50_ms']} / {p['p99_ms']}",
                "",
                "",
                "",
            )
        )
        if "cpu_p99_ms" in p:
            rows.append(
                ("  CPU time of the request: p50 / p99 ms", f"{p['cpu_p50_ms']} / {p['cpu_p99_ms']}", "", "", "")
            )
        verdict = "met" if c["max_reads_per_request"] <= 1 and c["max_writes_per_request"] <= 1 else "MISSED"
        rows.append((f"DynamoDB calls per request, max reads / writes ({c['requests']} requests)",
                     f"{c['max_reads_per_request']} / {c['max_writes_per_request']}", "1 / 1", "", f"at most 1 / 1: {verdict}"))  # fmt: skip
        rows.append(
            ("  mean reads / writes", f"{c['mean_reads_per_request']} / {c['mean_writes_per_request']}", "", "", "")
        )
        verdict = "met" if c["writes_on_requests_that_changed_nothing"] == 0 else "MISSED"
        rows.append((f"  writes on the {c['requests_that_changed_nothing']} requests that changed nothing",
                     c["writes_on_requests_that_changed_nothing"], "", "", f"none: {verdict}"))  # fmt: skip
        rows.append(
            (f"bytes per household after a simulated year ({y['requests']} requests)", y["item_bytes"], "", "", "")
        )
    if not rows:
        return None
    title = "Production path (SKILL_TABLE on DynamoDB Local), as Lambda reports it: init, then the first invoke"
    return _grid(title, ("", "project", "floor + adapter", "project/floor", "target"), rows, checks)


def web_table(results: dict[str, Any]) -> str | None:
    if "web" not in results:
        return None
    w = results["web"]
    rows: list[tuple[Any, ...]] = []
    for key, label in (("verification_off", "off"), ("verification_on", "on")):
        if key in w:
            r = w[key]
            rows.append(
                (
                    f"verification {label}: requests/s ({w['connections']} connections)",
                    r["project"]["rps"],
                    r["floor"]["rps"],
                    r["ratio_rps"],
                )
            )
            rows.append(("  latency p50 / p99 ms", f"{r['project']['p50_ms']} / {r['project']['p99_ms']}",
                         f"{r['floor']['p50_ms']} / {r['floor']['p99_ms']}", ""))  # fmt: skip
    return _grid(
        "Web service (werkzeug, loopback), embedded store", ("", "project", "floor", "project/floor"), rows, {}
    )


def table(results: dict[str, Any]) -> str:
    """Every table the run produced, each followed by its targets."""
    parts = [t for t in (embedded_table(results), production_table(results), web_table(results)) if t]
    return "\n\n".join(parts) + "\n"


def machine() -> dict[str, Any]:
    return {
        "when": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "ask_sdk_core": metadata.version("ask-sdk-core"),
        "ask_sdk_model": metadata.version("ask-sdk-model"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=15, help="cold starts per configuration (median reported)")
    parser.add_argument(
        "--runs", type=int, default=30, help="scripted 20-turn evenings for warm latency, embedded store"
    )
    parser.add_argument("--dynamodb-runs", type=int, default=10, help="scripted evenings against DynamoDB Local")
    parser.add_argument("--web-requests", type=int, default=2000, help="at most this many requests per web run")
    parser.add_argument("--web-seconds", type=float, default=20.0, help="at most this long per web run")
    parser.add_argument("--connections", type=int, default=4, help="concurrent client connections in the web runs")
    parser.add_argument(
        "--skip", action="append", default=[], choices=("cold", "production", "warm", "dynamodb", "web")
    )
    parser.add_argument("--quick", action="store_true", help="few samples: a smoke run, not figures to quote")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--longevity", action="store_true", help="instead: two years of a daily couple (bench/longevity.py)"
    )
    parser.add_argument("--longevity-days", type=int, default=730, help="days the longevity couple lives")
    parser.add_argument(
        "--longevity-households", type=int, default=10_000, help="two-year-old households in its web run"
    )
    parser.add_argument("--longevity-web-seconds", type=float, default=10.0, help="seconds per side per web round")
    parser.add_argument("--longevity-web-rounds", type=int, default=3, help="interleaved web rounds (median ratio)")
    args = parser.parse_args(argv)
    if args.quick:
        args.samples, args.runs, args.dynamodb_runs, args.web_requests, args.web_seconds = 3, 3, 2, 200, 5.0
        args.longevity_days, args.longevity_households, args.longevity_web_seconds, args.longevity_web_rounds = (
            92,
            500,
            3.0,
            1,
        )
    if args.longevity:
        from bench import longevity

        return longevity.main(args)
    os.chdir(ROOT)
    results: dict[str, Any] = {"machine": machine(), "targets": {}}
    bundles: Bundles | None = None
    if "cold" not in args.skip or "production" not in args.skip:
        with timed_section("Lambda bundles"):
            try:
                bundles = build_bundles()
            except Exception as error:  # no network for pip, no Python 3.12...: say so, measure from source
                say(f"   bundles not built, cold starts measured from source only: {error}")
                results["bundle_error"] = str(error)
    if "cold" not in args.skip:
        with timed_section("cold start, embedded store"):
            results["embedded"] = embedded_cold_start(args.samples, bundles)
    if "production" not in args.skip:
        with timed_section("cold start, production path on DynamoDB Local"):
            results["production"] = production_cold_start(args.samples, bundles)
    if "warm" not in args.skip:
        with timed_section("warm latency, embedded store"):
            results["warm_embedded"] = warm_embedded(args.runs)
    if "dynamodb" not in args.skip:
        with timed_section("warm latency and calls, DynamoDB Local"):
            results["warm_dynamodb"] = warm_dynamodb(args.dynamodb_runs)
    if "web" not in args.skip:
        with timed_section("web service"):
            results["web"] = web_service(args.web_requests, args.web_seconds, args.connections)
    results["targets"] = verdicts(results)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(table(results))
    busy = max(results["machine"]["load_average_at_start"][0], results["machine"]["load_average_at_end"][0])
    if busy > (os.cpu_count() or 1) / 2:
        say(f"note: the machine was busy (load average up to {busy:.1f} on {os.cpu_count()} CPUs): wall times and "
            "their ratios are noisy")  # fmt: skip
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    say(f"wrote {args.out}")
    return 0 if all(v["met"] for checks in results["targets"].values() for v in checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
