"""A couple who stays: two years of daily use, and what a request costs along the way.  `python -m bench --longevity`

The same seeded couple lives two years through the Lambda handler, once on DynamoDB Local and once on the
embedded store: tonight's question most evenings (sometimes another), a weekly check-in, hugs and breathing,
their own jar (questions added and drawn), the thirty-six questions now and then. At the end of each simulated
quarter the bench prints the household's stored size, the write and read units its requests consumed (DynamoDB's
own ReturnConsumedCapacity, asked for on the skill's real calls), the calls per request, and the CPU time of a
fixed evening for this couple against a couple met that day, interleaved. Then the self-hosted service, on the
project's waitress settings, with 10,000 such two-year-old households, against a hello-world flask-ask-sdk skill
on the same server settings, side by side.
"""

from __future__ import annotations

import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bench import conversation, warm

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {
    "write_units_per_write": 2.0,
    "read_units_per_read": 1.0,
    "cpu_ratio_two_years": 1.2,
    "web_ratio": 0.8,
    "reads_per_request": 1,
    "writes_per_request": 1,
}
START = datetime(2026, 1, 4, 7, 0, tzinfo=timezone.utc)  # a Sunday morning
QUARTER_DAYS = 91
JAR_QUESTIONS = (
    "What made you laugh this week", "Where would we go if we had a free weekend", "What is a small thing I do that you love",
    "Which day this month felt most like us", "What are you looking forward to", "What would you like more of from me",
    "What did you learn about yourself lately", "Which trip do we still need to take", "What song reminds you of us",
    "What should we try together next month", "When did you feel most cared for lately", "What habit of ours should we keep",
)  # fmt: skip
PROBE_ROUNDS = 9


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


# -- a day in the life ---------------------------------------------------------------------------------


def live_one_day(couple: conversation.OfflineCouple, day: int, rng: random.Random) -> None:
    """One day of a couple who uses the skill daily (the clock is at the day's morning)."""
    morning = couple.now
    if rng.random() < 0.4:
        couple.intent("HugIntent", one_shot=True)
    if rng.random() < 0.25:
        couple.now = morning + timedelta(hours=1)
        couple.intent("BreatheIntent", one_shot=True, breaths="3")
    couple.now = morning + timedelta(hours=13, minutes=rng.randrange(60))
    if day % 7 == 0:  # Sunday evening: the weekly check-in, hands-free, then a number each (one skipped now and then)
        couple.intent("CheckInIntent", one_shot=True)
        couple.intent("RatingIntent", rating=str(rng.randint(5, 9)))
        couple.intent("RatingIntent", rating=str(rng.randint(5, 9)) if rng.random() < 0.9 else "skip")
        couple.later(minutes=20)
    if day % 15 == 3:  # twice a month one of them adds a question to their jar
        couple.intent(
            "AddToJarIntent", one_shot=True, question=f"{rng.choice(JAR_QUESTIONS)} {rng.choice(('', 'now', 'lately'))}"
        )
        couple.intent("AMAZON.YesIntent")
        couple.later(minutes=5)
    if day % 30 == 17:
        conversation.run_ritual(couple, "ThirtySixQuestionsIntent", frozenset({"DoneIntent"}), budget=5)
    elif day % 9 == 4:
        couple.intent("JarQuestionIntent", one_shot=True)
        couple.intent("DoneIntent")
    elif rng.random() < 0.8:  # tonight's question, most evenings; sometimes another one
        couple.intent("TonightsQuestionIntent", one_shot=True)
        if rng.random() < 0.3:
            couple.intent("AMAZON.YesIntent")
        couple.intent("DoneIntent")
    else:
        couple.launch()
        couple.intent("AMAZON.StopIntent")
    couple.now = morning + timedelta(days=1)


def probe_evening(couple: conversation.OfflineCouple) -> None:
    """The fixed evening whose CPU is compared: a launch, tonight's question and another, a hug, goodnight."""
    couple.launch()
    couple.intent("TonightsQuestionIntent")
    couple.intent("AMAZON.YesIntent")
    couple.intent("DoneIntent")
    couple.intent("HugIntent", one_shot=True)


# -- DynamoDB's own accounting --------------------------------------------------------------------------


class Capacity:
    """Asks DynamoDB for the capacity of each call the skill's own client makes, and adds it up."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.reads = self.writes = 0
        self.read_units = self.write_units = 0.0
        self.max_reads = self.max_writes = 0
        self.requests = 0
        self._request_reads = self._request_writes = 0

    def add_parameter(self, params: dict[str, Any], **_kwargs: Any) -> None:
        params["ReturnConsumedCapacity"] = "TOTAL"

    def after_call(
        self, http_response: Any = None, parsed: dict[str, Any] | None = None, model: Any = None, **_kwargs: Any
    ) -> None:
        units = float(((parsed or {}).get("ConsumedCapacity") or {}).get("CapacityUnits", 0.0))
        if model.name == "GetItem":
            self.reads += 1
            self._request_reads += 1
            self.read_units += units
        elif model.name in ("PutItem", "UpdateItem", "DeleteItem"):
            self.writes += 1
            self._request_writes += 1
            self.write_units += units

    def request_done(self) -> None:
        self.requests += 1
        self.max_reads = max(self.max_reads, self._request_reads)
        self.max_writes = max(self.max_writes, self._request_writes)
        self._request_reads = self._request_writes = 0

    def take(self) -> dict[str, Any]:
        summary = {
            "requests": self.requests,
            "reads": self.reads,
            "writes": self.writes,
            "read_units_per_read": round(self.read_units / self.reads, 3) if self.reads else 0.0,
            "write_units_per_write": round(self.write_units / self.writes, 3) if self.writes else 0.0,
            "max_reads_per_request": self.max_reads,
            "max_writes_per_request": self.max_writes,
        }
        self._reset()
        return summary


@contextmanager
def capacity_of_the_skills_client(capacity: Capacity) -> Iterator[None]:
    from skill.store import dynamodb

    original = dynamodb._make_client

    def make_client() -> Any:
        client = original()
        for operation in ("GetItem", "PutItem", "UpdateItem"):
            client.meta.events.register(f"provide-client-params.dynamodb.{operation}", capacity.add_parameter)
        client.meta.events.register("after-call.dynamodb", capacity.after_call)
        return client

    dynamodb._make_client = make_client
    try:
        yield
    finally:
        dynamodb._make_client = original


# -- two years on one store -------------------------------------------------------------------------------


def two_years(
    handler: Callable[[dict[str, Any], Any], dict[str, Any]],
    stored_size: Callable[[str], int],
    capacity: Capacity | None,
    days: int,
) -> tuple[list[dict[str, Any]], conversation.OfflineCouple]:
    """The couple's two years, a row per quarter; each row's CPU compared with a couple met that day."""
    timed = warm.Timed(handler)
    if capacity is not None:
        timed.after = lambda _event, _response: capacity.request_done()
    couple = conversation.new_couple(timed, now=START)
    couple.meet("Maya", "Sam")
    rng = random.Random(29)
    rows: list[dict[str, Any]] = [quarter_row(0, couple, timed, stored_size, capacity)]
    for day in range(days):
        live_one_day(couple, day, rng)
        if (day + 1) % QUARTER_DAYS == 0 or (day + 1 == days and days % QUARTER_DAYS > QUARTER_DAYS // 2):
            rows.append(quarter_row(day + 1, couple, timed, stored_size, capacity))
    return rows, couple


def quarter_row(
    day: int,
    couple: conversation.OfflineCouple,
    timed: warm.Timed,
    stored_size: Callable[[str], int],
    capacity: Capacity | None,
) -> dict[str, Any]:
    calls = capacity.take() if capacity is not None else None
    row: dict[str, Any] = {"day": day, "bytes": stored_size(couple.key), "calls": calls}
    row.update(cpu_against_a_new_couple(couple, timed))
    if capacity is not None:
        capacity.take()  # the probe's calls are not the couple's life
    return row


def cpu_against_a_new_couple(couple: conversation.OfflineCouple, timed: warm.Timed) -> dict[str, Any]:
    """The fixed evening's CPU per request, this couple's against a couple met today, rounds interleaved."""
    aged_rounds: list[float] = []
    new_rounds: list[float] = []
    evening_start = couple.now + timedelta(hours=12)
    for round_ in range(PROBE_ROUNDS):
        newcomer = conversation.new_couple(timed, now=evening_start + timedelta(minutes=round_))
        newcomer.meet("Ana", "Leo")
        for who, rounds in ((couple, aged_rounds), (newcomer, new_rounds)):
            who.now = evening_start + timedelta(minutes=round_)
            first = len(timed.cpu_ms)
            probe_evening(who)
            spent = timed.cpu_ms[first:]
            rounds.append(sum(spent) / len(spent))
    couple.now = evening_start.replace(hour=7, minute=0) + timedelta(days=1)
    aged, new = statistics.median(aged_rounds), statistics.median(new_rounds)
    ratios = [a / n for a, n in zip(aged_rounds, new_rounds, strict=True)]
    return {"cpu_ms": round(aged, 3), "new_cpu_ms": round(new, 3), "cpu_ratio": round(statistics.median(ratios), 3)}


def on_dynamodb(days: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from tests.support.dynamodb_local import CREDENTIALS, DynamoDBLocal, create_table_from_template

    server = DynamoDBLocal().start()
    try:
        table = f"longevity-{uuid.uuid4().hex[:10]}"
        admin = server.client()
        create_table_from_template(admin, table)

        def item_size(key: str) -> int:
            item = admin.get_item(TableName=table, Key={"pk": {"S": key}}, ConsistentRead=True).get("Item")
            return warm.dynamodb_item_bytes(item) if item else 0

        env: dict[str, str | None] = {
            "SKILL_TABLE": table,
            "AWS_ENDPOINT_URL_DYNAMODB": server.endpoint,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_PROFILE": None,
            "SKILL_ID": None,
            **CREDENTIALS,
        }
        capacity = Capacity()
        with warm.environment(env), capacity_of_the_skills_client(capacity), warm.quiet_stderr():
            project = warm.load_app(ROOT / "lambda" / "app.py", "longevity_dynamodb")
            rows, _ = two_years(project.handler, item_size, capacity, days)
    finally:
        server.stop()
    return {"quarters": rows}


def on_sqlite(days: int, scratch: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two years on the embedded store; also returns the final stored document, for the web run's households."""
    database = scratch / "longevity.db"
    with (
        warm.environment({"OUR_RITUALS_DB": str(database), "SKILL_TABLE": None, "SKILL_ID": None}),
        warm.quiet_stderr(),
    ):
        project = warm.load_app(ROOT / "lambda" / "app.py", "longevity_sqlite")
        from skill.store.sqlite import SQLiteStore

        store = SQLiteStore(database)

        def document_size(key: str) -> int:
            """The household's row and its ritual states' rows, as stored (text as UTF-8, blobs as bytes)."""
            return warm.stored_document_bytes(store.load(key).document)

        rows, couple = two_years(project.handler, document_size, None, days)
        document = store.load(couple.key).document
    return {"quarters": rows}, document


# -- the self-hosted service with 10,000 such households -----------------------------------------------------


def web_user(index: int) -> str:
    return f"amzn1.ask.account.BENCH-LONG-{index:05d}"


def seed_households(database: Path, document: dict[str, Any], households: int) -> None:
    """`households` copies of one stored household, each under its own couple's key, written as the store writes."""
    from skill.state import household_key
    from skill.store.sqlite import SQLiteStore

    store = SQLiteStore(database)
    now = int(time.time())
    for index in range(households):
        store.save(household_key(web_user(index)), document, 0, now)
    store._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")


@contextmanager
def served(which: str, env: dict[str, str]) -> Iterator[int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.longevity_server", which],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"the {which} server did not start")
        yield int(line.split()[1])
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def web_rounds(
    document: dict[str, Any], households: int, seconds: float, rounds: int, connections: int
) -> dict[str, Any]:
    """Hello world, the project with two-year-old households, and (for comparison) with couples just met, in turn."""
    from skill.household import Household

    with tempfile.TemporaryDirectory(prefix="our-rituals-longevity-web-") as scratch_name:
        scratch = Path(scratch_name)
        database = scratch / "households.db"
        seed_households(database, document, households)
        new_database = scratch / "new-households.db"
        seed_households(new_database, Household(names=["Maya", "Sam"]).to_document(), households)
        now = datetime.now(timezone.utc)
        # A launch for each household, in an order shuffled once: each request meets a different two-year-old couple.
        order = list(range(households))
        random.Random(5).shuffle(order)
        requests = [
            {"body": json.dumps(conversation.launch_event(now, user_id=web_user(i))), "headers": {}} for i in order
        ]
        results: dict[str, list[float]] = {"project": [], "hello": [], "project_new": []}
        env = {"OUR_RITUALS_DB": str(database), "SKILL_TABLE": "", "SKILL_ID": "", "OUR_RITUALS_VERIFY_REQUESTS": "0"}
        for _ in range(rounds):
            for which in ("hello", "project", "project_new"):
                side_env = {**env, "OUR_RITUALS_DB": str(new_database)} if which == "project_new" else env
                with served(which.removesuffix("_new"), side_env) as port:
                    for count, limit in ((200, 10.0), (10**7, seconds)):  # a warm-up, then the measured run
                        plan = scratch / "plan.json"
                        plan.write_text(json.dumps({"port": port, "requests": requests, "max_requests": count,
                                                    "max_seconds": limit, "connections": connections}))  # fmt: skip
                        run = subprocess.run(
                            [sys.executable, str(ROOT / "bench" / "web_client.py"), str(plan)],
                            capture_output=True, text=True, timeout=limit + 120, check=True,
                        )  # fmt: skip
                    report = json.loads(run.stdout.strip().splitlines()[-1])
                    if report["ok"] != report["sent"]:
                        raise RuntimeError(f"{which}: some requests failed: {report['statuses']}")
                    results[which].append(report["rps"])
    ratios = [p / h for p, h in zip(results["project"], results["hello"], strict=True)]
    return {
        "households": households,
        "connections": connections,
        "project_rps": results["project"],
        "hello_rps": results["hello"],
        "project_new_couples_rps": results["project_new"],
        "ratio": round(statistics.median(ratios), 3),
    }


# -- report ---------------------------------------------------------------------------------------------------


def quarter_table(title: str, rows: list[dict[str, Any]], dynamodb: bool) -> str:
    head = "| after | stored bytes | write units / write | read units / read | reads, writes per request (max) | CPU ms / request | new couple | ratio |"
    lines = [f"{title}:", "", head, "| " + " | ".join(["---"] * 8) + " |"]
    for row in rows:
        calls = row["calls"] or {}
        after = "first meeting" if row["day"] == 0 else f"day {row['day']} (quarter {round(row['day'] / QUARTER_DAYS)})"
        units = (
            (f"{calls['write_units_per_write']:.2f}", f"{calls['read_units_per_read']:.2f}",
             f"{calls['max_reads_per_request']}, {calls['max_writes_per_request']}")
            if dynamodb and calls.get("requests") else ("", "", "")
        )  # fmt: skip
        lines.append(f"| {after} | {row['bytes']:,} | {units[0]} | {units[1]} | {units[2]} | {row['cpu_ms']:.3f} | "
                     f"{row['new_cpu_ms']:.3f} | {row['cpu_ratio']:.3f}x |")  # fmt: skip
    return "\n".join(lines)


def verdicts(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    checks: dict[str, dict[str, Any]] = {}
    if "dynamodb" in results:
        rows = results["dynamodb"]["quarters"]
        # The second half of the run (the second year of two): the couple the targets speak of.
        last_year = [r["calls"] for r in rows[1:] if r["day"] > rows[-1]["day"] / 2 and r["calls"]["writes"]]
        writes = sum(c["writes"] for c in last_year)
        reads = sum(c["reads"] for c in last_year)
        wcu = sum(c["write_units_per_write"] * c["writes"] for c in last_year) / writes
        rcu = sum(c["read_units_per_read"] * c["reads"] for c in last_year) / reads
        checks["write_units_per_write_second_year"] = {
            "value": round(wcu, 3),
            "target": TARGETS["write_units_per_write"],
            "met": wcu <= TARGETS["write_units_per_write"],
        }
        checks["read_units_per_read_second_year"] = {
            "value": round(rcu, 3),
            "target": TARGETS["read_units_per_read"],
            "met": rcu <= TARGETS["read_units_per_read"],
        }
        most = (
            max(max(c["max_reads_per_request"] for c in last_year), 0),
            max(c["max_writes_per_request"] for c in last_year),
        )
        checks["calls_per_request"] = {"value": list(most), "target": [1, 1], "met": most[0] <= 1 and most[1] <= 1}
    for store in ("dynamodb", "sqlite"):
        if store in results:
            ratio = results[store]["quarters"][-1]["cpu_ratio"]
            checks[f"cpu_ratio_two_years_{store}"] = {
                "value": ratio,
                "target": TARGETS["cpu_ratio_two_years"],
                "met": ratio <= TARGETS["cpu_ratio_two_years"],
            }
    if "web" in results:
        ratio = results["web"]["ratio"]
        checks["web_ratio"] = {"value": ratio, "target": TARGETS["web_ratio"], "met": ratio >= TARGETS["web_ratio"]}
    return checks  # fmt: skip


def run(
    days: int, households: int, web_seconds: float, web_rounds_count: int, connections: int, skip: list[str]
) -> dict[str, Any]:
    results: dict[str, Any] = {"days": days, "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    with tempfile.TemporaryDirectory(prefix="our-rituals-longevity-") as scratch:
        if "dynamodb" not in skip:
            say("-- two years on DynamoDB Local")
            started = time.monotonic()
            results["dynamodb"] = on_dynamodb(days)
            say(f"   {time.monotonic() - started:.0f} s")
        say("-- two years on the embedded store")
        started = time.monotonic()
        results["sqlite"], document = on_sqlite(days, Path(scratch))
        say(f"   {time.monotonic() - started:.0f} s")
    if "web" not in skip:
        say(f"-- the web service with {households:,} such households, against hello world")
        started = time.monotonic()
        results["web"] = web_rounds(document, households, web_seconds, web_rounds_count, connections)
        say(f"   {time.monotonic() - started:.0f} s")
    results["targets"] = verdicts(results)
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return results


def report(results: dict[str, Any]) -> str:
    parts = []
    if "dynamodb" in results:
        parts.append(
            quarter_table("DynamoDB Local (the Lambda handler, SKILL_TABLE set)", results["dynamodb"]["quarters"], True)
        )
    parts.append(quarter_table("Embedded store (SQLite)", results["sqlite"]["quarters"], False))
    if "web" in results:
        w = results["web"]
        parts.append(
            f"Web service, waitress ({w['connections']} connections), {w['households']:,} two-year-old households: "
            f"{', '.join(f'{x:g}' for x in w['project_rps'])} requests/s against hello world's "
            f"{', '.join(f'{x:g}' for x in w['hello_rps'])}: {w['ratio']:.3f}x (median of the rounds' ratios); "
            f"with as many couples just met: {', '.join(f'{x:g}' for x in w['project_new_couples_rps'])} requests/s"
        )
    lines = ["| target | value | limit | verdict |", "| --- | --- | --- | --- |"]
    for name, check in results["targets"].items():
        lines.append(f"| {name} | {check['value']} | {check['target']} | {'met' if check['met'] else 'MISSED'} |")
    parts.append("\n".join(lines))
    return "\n\n".join(parts)


def main(args: Any) -> int:
    os.chdir(ROOT)
    results = run(args.longevity_days, args.longevity_households, args.longevity_web_seconds, args.longevity_web_rounds,
                  args.connections, args.skip)  # fmt: skip
    print(report(results))
    out = ROOT / "bench" / "longevity.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    say(f"wrote {out}")
    return 0 if all(check["met"] for check in results["targets"].values()) else 1
