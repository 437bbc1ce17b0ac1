"""Our Rituals against the floor (a hello-world skill on the same ask-sdk-core), side by side in one run.

Run from the project root:  /work/venv/bin/python -m bench   (add --help for the knobs)

Prints a table and writes bench/results.json. Not part of the test suite: it takes minutes,
starts DynamoDB Local (tests/dynamodb_local.py), builds the Lambda bundle (`our-rituals bundle`)
into .build/bench/, and its figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import cold, conversation, warm, web

ROOT = Path(__file__).resolve().parent.parent
FLOOR = ROOT / "bench" / "floor"
BUILD = ROOT / ".build" / "bench"
RESULTS = ROOT / "bench" / "results.json"

TARGETS = {
    "cold_start_ratio": 1.3,
    "cold_start_rss_over_bare_mb": 60,
    "warm_p99_embedded_ms": 5.0,
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


# What the Lambda Python runtime provides beside the bundle (skill.bundle.RUNTIME_PROVIDED), by import name.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3")


def lambda_runtime(python: str) -> Path:
    """A stand-in for the Lambda runtime's own packages (boto3 and botocore's dependencies; the SDK imports
    dateutil), copied from this virtualenv and byte-compiled like the runtime's; boto3 and botocore are only linked
    (the cold start never imports them)."""
    import importlib.util

    from skill.bundle import byte_compile

    runtime = BUILD / "runtime"
    shutil.rmtree(runtime, ignore_errors=True)
    runtime.mkdir(parents=True)
    for name in RUNTIME_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        source = Path(list(spec.submodule_search_locations)[0])
        if name in ("boto3", "botocore", "s3transfer"):
            (runtime / name).symlink_to(source, target_is_directory=True)
        else:
            shutil.copytree(source, runtime / name, ignore=shutil.ignore_patterns("__pycache__"))
    byte_compile(runtime, python)
    return runtime


def build_bundles() -> tuple[Path, Path, str]:
    """The project's Lambda bundle (built by `our-rituals bundle`'s code) and the floor's, built the same way.

    The floor bundle is the project bundle's dependencies with the floor's app.py instead of ours,
    byte-compiled by the same compiler in the same mode.
    """
    from skill.bundle import byte_compile, build, find_python

    python = find_python()
    if python is None:
        raise RuntimeError("no Python 3.12 to byte-compile and run the Lambda bundle with")
    project = BUILD / "lambda"
    report = build(project, python=python)
    say(f"   {report.summary().splitlines()[0]}")
    floor = BUILD / "floor"
    shutil.rmtree(floor, ignore_errors=True)
    shutil.copytree(project, floor, ignore=lambda folder, names: _not_for_floor(project, folder, names))
    shutil.copy2(FLOOR / "app.py", floor / "app.py")
    byte_compile(floor, python)
    return project, floor, python


def _not_for_floor(project: Path, folder: str, names: list[str]) -> list[str]:
    if Path(folder) == project:
        return [n for n in names if n in ("skill", "app.py")]
    if Path(folder) == project / "__pycache__":
        return [n for n in names if n.startswith("app.")]
    return []


def seed_database(path: Path, event: dict[str, Any]) -> None:
    """An SQLite file where the cold-start couple is already known (names stored), checkpointed into one file."""
    from skill.alexa.skill import build_skill, invoke
    from skill.store.sqlite import SQLiteStore

    store = SQLiteStore(path)
    skill = build_skill(open_store_fn=lambda: store)
    couple = conversation.OfflineCouple(
        send=lambda e: invoke(skill, e), user_id=event["context"]["System"]["user"]["userId"]
    )
    with warm.quiet_stderr():
        couple.meet("Maya", "Sam")
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def cold_start(samples: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="our-rituals-bench-") as scratch:
        event = conversation.launch_event()
        event_path = Path(scratch) / "launch.json"
        event_path.write_text(json.dumps(event), encoding="utf-8")
        seed = Path(scratch) / "seed.db"
        seed_database(seed, event)
        venv_python = sys.executable
        # From source: the checkout, imported the normal way; bytecode cached in a private folder (warmed by round 0).
        source_flags = ("-I", "-X", f"pycache_prefix={Path(scratch) / 'pycache'}")
        modes: list[tuple[str, list[cold.Target]]] = [
            (
                f"source (CPython {platform.python_version()})",
                [
                    cold.Target("bare", venv_python, source_flags, None),
                    cold.Target("project", venv_python, source_flags, (str(ROOT / "lambda"), str(ROOT))),
                    cold.Target("floor", venv_python, source_flags, (str(FLOOR),)),
                ],
            )
        ]
        try:
            project_bundle, floor_bundle, python = build_bundles()
            runtime = str(lambda_runtime(python))
        except Exception as error:  # no network for pip, no Python 3.12...: say so, measure the rest
            say(f"   bundle not built, bundle rows skipped: {error}")
            results["bundle_error"] = str(error)
        else:
            # The bundle as Lambda runs it: no site-packages, read-only code (-B), its own byte-compiled .pyc files,
            # and what the Lambda runtime imports for itself (logging, json, traceback...) already loaded.
            bundle_flags = ("-I", "-S", "-B")
            version = cold.subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
            modes.append(
                (
                    f"bundle (CPython {version}, byte-compiled)",
                    [
                        cold.Target("bare", python, bundle_flags, None),
                        cold.Target("project", python, bundle_flags, (str(project_bundle), runtime), lambda_runtime=True),
                        cold.Target("floor", python, bundle_flags, (str(floor_bundle), runtime), lambda_runtime=True),
                    ],
                )
            )
        for mode, targets in modes:
            measured = cold.measure(
                targets, event_path, samples=samples, seed_db=seed, env=cold.child_env(), progress=say
            )
            summary: dict[str, Any] = {label: samples_.summary() for label, samples_ in measured.items()}
            bare, project, floor = summary["bare"], summary["project"], summary["floor"]
            for side in (project, floor):
                side["wall_over_bare_ms"] = round(side["wall_ms"] - bare["wall_ms"], 1)
                side["rss_over_bare_mb"] = round(side["peak_rss_mb"] - bare["peak_rss_mb"], 1)
            p, f = measured["project"], measured["floor"]
            summary["ratio_wall"] = cold.paired_ratio(p.wall_ms, f.wall_ms)
            summary["ratio_cpu"] = cold.paired_ratio(p.cpu_ms, f.cpu_ms)
            summary["ratio_wall_of_medians"] = round(project["wall_ms"] / floor["wall_ms"], 2)
            # The fastest runs are the least disturbed by anything else on the machine: the closest to the code's own cost.
            summary["ratio_fastest_wall"] = round(project["wall_ms_min"] / floor["wall_ms_min"], 2)
            summary["ratio_fastest_cpu"] = round(project["cpu_ms_min"] / floor["cpu_ms_min"], 2)
            summary["ratio_wall_over_bare"] = round(project["wall_over_bare_ms"] / floor["wall_over_bare_ms"], 2)
            summary["ratio_rss"] = round(project["peak_rss_mb"] / floor["peak_rss_mb"], 2)
            results[mode] = summary
    return results


# -- warm latency, DynamoDB calls, a year of bytes ------------------------------------------------


def warm_embedded(runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="our-rituals-warm-") as scratch:
        with warm.environment({"OUR_RITUALS_DB": str(Path(scratch) / "rituals.db"), "SKILL_TABLE": None, "SKILL_ID": None}):
            project = warm.load_app(ROOT / "lambda" / "app.py", "project")
            floor = warm.load_app(FLOOR / "app.py", "floor")
            all_ms, per_run, evening = warm.project_evenings(project, runs)
            floor_ms, floor_runs, _ = warm.floor_evenings(floor, runs)
            year_couple = conversation.new_couple(warm.Timed(project.handler))
            with warm.quiet_stderr():
                report = conversation.year(year_couple)
            from skill.store.sqlite import SQLiteStore

            document = SQLiteStore(Path(scratch) / "rituals.db").load(year_couple.key).document
    stored = json.dumps(document, separators=(",", ":"), sort_keys=True)
    return {
        "project": warm.latency_summary(all_ms, per_run),
        "floor": warm.latency_summary(floor_ms, floor_runs),
        "turns": conversation.TURNS,
        "evening": evening,
        "year": {"requests": report.requests, "weeks": report.weeks, "document_bytes": len(stored.encode("utf-8"))},
    }


def warm_dynamodb(runs: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from tests.dynamodb_local import CREDENTIALS, DynamoDBLocal, create_table_from_template

    server = DynamoDBLocal().start()
    try:
        table = f"bench-{uuid.uuid4().hex[:10]}"
        admin = server.client()
        create_table_from_template(admin, table)

        def peek(key: str) -> str | None:
            item = admin.get_item(TableName=table, Key={"pk": {"S": key}}, ConsistentRead=True).get("Item")
            return item["doc"]["S"] if item else None

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
            all_ms, per_run, _ = warm.project_evenings(project, runs, warmup=5)
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
        "project": warm.latency_summary(all_ms, per_run),
        "calls": watch.summary(),
        "year": {
            "requests": report.requests,
            "weeks": report.weeks,
            "item_bytes": warm.dynamodb_item_bytes(item),
            "document_bytes": len(item["doc"]["S"].encode("utf-8")),
        },
    }


# -- web service ----------------------------------------------------------------------------------


def web_service(max_requests: int, max_seconds: float, connections: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from bench.floor.web import create_app as floor_app
    from skill.web import create_app as project_app_factory

    results: dict[str, Any] = {"max_requests": max_requests, "max_seconds": max_seconds, "connections": connections}
    with tempfile.TemporaryDirectory(prefix="our-rituals-web-") as scratch:
        with warm.environment({"OUR_RITUALS_DB": str(Path(scratch) / "rituals.db"), "SKILL_TABLE": None, "SKILL_ID": None}):
            with warm.quiet_stderr():
                for verify in (False, True):
                    key = "verification_on" if verify else "verification_off"
                    row: dict[str, Any] = {}
                    for side, factory in (
                        ("project", lambda v: project_app_factory(verifiers=v)),
                        ("floor", lambda v: floor_app(verifiers=v)),
                    ):
                        row[side] = web.load(
                            factory, verify=verify, max_requests=max_requests, max_seconds=max_seconds, connections=connections
                        )
                    row["ratio_rps"] = round(row["project"]["rps"] / row["floor"]["rps"], 2)
                    results[key] = row
    return results


# -- report -----------------------------------------------------------------------------------------


def verdicts(results: dict[str, Any]) -> dict[str, Any]:
    """Each target of issue 8, met or not, with the figure it was judged on."""
    checks: dict[str, Any] = {}
    for mode, summary in results.get("cold_start", {}).items():
        if not isinstance(summary, dict) or "ratio_wall" not in summary:
            continue
        checks[f"cold start {mode}: wall within {TARGETS['cold_start_ratio']}x of the floor"] = {
            "value": summary["ratio_wall"], "met": summary["ratio_wall"] <= TARGETS["cold_start_ratio"],
        }  # fmt: skip
        rss = summary["project"]["rss_over_bare_mb"]
        checks[f"cold start {mode}: peak RSS over bare Python under {TARGETS['cold_start_rss_over_bare_mb']} MB"] = {
            "value": rss, "met": rss < TARGETS["cold_start_rss_over_bare_mb"],
        }  # fmt: skip
    if "warm_embedded" in results:
        p99 = results["warm_embedded"]["project"]["p99_ms"]
        checks[f"warm p99 with the embedded store under {TARGETS['warm_p99_embedded_ms']} ms"] = {
            "value": p99, "met": p99 < TARGETS["warm_p99_embedded_ms"],
        }  # fmt: skip
    if "warm_dynamodb" in results:
        calls = results["warm_dynamodb"]["calls"]
        checks["at most one read per request"] = {"value": calls["max_reads_per_request"], "met": calls["max_reads_per_request"] <= 1}
        checks["at most one write per request"] = {"value": calls["max_writes_per_request"], "met": calls["max_writes_per_request"] <= 1}
        wasted = calls["writes_on_requests_that_changed_nothing"]
        checks["no write on a request that changes nothing"] = {"value": wasted, "met": wasted == 0}
    return checks


def table(results: dict[str, Any]) -> str:
    rows: list[tuple[str, str, str, str]] = [("", "project", "floor", "project/floor")]

    def add(label: str, project: Any, floor: Any = "", ratio: Any = "") -> None:
        rows.append((label, str(project), str(floor), str(ratio)))

    for mode, summary in results.get("cold_start", {}).items():
        if not isinstance(summary, dict) or "project" not in summary:
            continue
        p, f, b = summary["project"], summary["floor"], summary["bare"]
        add(f"cold start, {mode}: wall ms (bare {b['wall_ms']})", p["wall_ms"], f["wall_ms"], summary["ratio_wall"])
        add(f"  CPU ms (bare {b['cpu_ms']})", p["cpu_ms"], f["cpu_ms"], summary["ratio_cpu"])
        add("  fastest run: wall / CPU ms", f"{p['wall_ms_min']} / {p['cpu_ms_min']}", f"{f['wall_ms_min']} / {f['cpu_ms_min']}",
            f"{summary['ratio_fastest_wall']} / {summary['ratio_fastest_cpu']}")  # fmt: skip
        add("  wall over bare Python, ms", p["wall_over_bare_ms"], f["wall_over_bare_ms"], summary["ratio_wall_over_bare"])
        add("  import / first answer, ms", f"{p['import_ms']} / {p['first_answer_ms']}", f"{f['import_ms']} / {f['first_answer_ms']}")
        add(f"  peak RSS MB (bare {b['peak_rss_mb']})", p["peak_rss_mb"], f["peak_rss_mb"], summary["ratio_rss"])
        add("  peak RSS over bare Python, MB", p["rss_over_bare_mb"], f["rss_over_bare_mb"])
    if "warm_embedded" in results:
        w = results["warm_embedded"]
        p, f = w["project"], w["floor"]
        add(f"warm, embedded SQLite: p50 / p99 ms ({p['requests']} requests)", f"{p['p50_ms']} / {p['p99_ms']}",
            f"{f['p50_ms']} / {f['p99_ms']}", f"{p['p50_ms'] / f['p50_ms']:.2f} / {p['p99_ms'] / f['p99_ms']:.2f}")  # fmt: skip
    if "warm_dynamodb" in results:
        d = results["warm_dynamodb"]
        p = d["project"]
        floor = results.get("warm_embedded", {}).get("floor")
        add(f"warm, DynamoDB Local: p50 / p99 ms ({p['requests']} requests)", f"{p['p50_ms']} / {p['p99_ms']}",
            f"{floor['p50_ms']} / {floor['p99_ms']}" if floor else "",
            f"{p['p50_ms'] / floor['p50_ms']:.2f} / {p['p99_ms'] / floor['p99_ms']:.2f}" if floor else "")  # fmt: skip
        c = d["calls"]
        add(f"DynamoDB calls per request, max reads / writes ({c['requests']} requests)",
            f"{c['max_reads_per_request']} / {c['max_writes_per_request']}", "0 / 0")  # fmt: skip
        add("  mean reads / writes", f"{c['mean_reads_per_request']} / {c['mean_writes_per_request']}", "0 / 0")
        add(f"  writes on the {c['requests_that_changed_nothing']} requests that changed nothing",
            c["writes_on_requests_that_changed_nothing"], "0")  # fmt: skip
        y = d["year"]
        add(f"bytes per household after a year ({y['requests']} requests): DynamoDB item", y["item_bytes"], "0")
    if "warm_embedded" in results:
        add("  SQLite document bytes", results["warm_embedded"]["year"]["document_bytes"], "0")
    if "web" in results:
        w = results["web"]
        for key, label in (("verification_off", "off"), ("verification_on", "on")):
            if key in w:
                r = w[key]
                add(f"web service, verification {label}: requests/s ({w['connections']} connections)",
                    r["project"]["rps"], r["floor"]["rps"], r["ratio_rps"])  # fmt: skip
                add("  latency p50 / p99 ms", f"{r['project']['p50_ms']} / {r['project']['p99_ms']}",
                    f"{r['floor']['p50_ms']} / {r['floor']['p99_ms']}")  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines.append("")
    for name, verdict in results.get("targets", {}).items():
        lines.append(f"[{'met' if verdict['met'] else 'MISSED'}] {name}: {verdict['value']}")
    return "\n".join(lines)


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
    parser.add_argument("--runs", type=int, default=30, help="scripted 20-turn evenings for warm latency, embedded store")
    parser.add_argument("--dynamodb-runs", type=int, default=10, help="scripted evenings against DynamoDB Local")
    parser.add_argument("--web-requests", type=int, default=2000, help="at most this many requests per web run")
    parser.add_argument("--web-seconds", type=float, default=20.0, help="at most this long per web run")
    parser.add_argument("--connections", type=int, default=4, help="concurrent client connections in the web runs")
    parser.add_argument("--skip", action="append", default=[], choices=("cold", "warm", "dynamodb", "web"))
    parser.add_argument("--quick", action="store_true", help="few samples: a smoke run, not figures to quote")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.quick:
        args.samples, args.runs, args.dynamodb_runs, args.web_requests, args.web_seconds = 3, 3, 2, 200, 5.0
    os.chdir(ROOT)
    results: dict[str, Any] = {"machine": machine(), "targets": {}}
    if "cold" not in args.skip:
        with timed_section("cold start"):
            results["cold_start"] = cold_start(args.samples)
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
            "their ratios are noisy; the CPU-time ratios are steadier")  # fmt: skip
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    say(f"wrote {args.out}")
    return 0 if all(v["met"] for v in results["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
