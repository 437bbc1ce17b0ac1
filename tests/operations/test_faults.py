"""When things break: DynamoDB stopped, slow or throttling, SQLite locked or read-only, the Alexa API failing.

Each test is an evening in three acts: the couple meets while all is well; the fault strikes and they
go on talking (every answer is the ritual itself, kind and in time); then the store recovers, is
opened afresh, and everything stored before is still there, unchanged.
"""

from __future__ import annotations

import gc
import http.client
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from skill.content import load_content
from skill.household import Household
from skill.state import household_key
from skill.store.base import Snapshot
from skill.store.dynamodb import DynamoDBStore
from skill.store.sqlite import SQLiteStore
from tests.conftest import load_lambda_app
from tests.support.alexa_api_standin import AlexaApiStandIn
from tests.support.conversation import Couple, Said
from tests.support.dynamodb_local import free_port

# Alexa waits 8 s for an answer; what keeps us inside it are the limits each outside call is given, and those are
# checked where they are set (tests/operations/test_store_dynamodb.py: 1 s, two attempts; tests/surfaces/test_alexa_api.py: 3 s
# for all of a request's API calls). Here the clock only catches a call made without its limit: it would
# wait for the stand-ins to let go (30 s) or botocore's default (60 s). Not Alexa's 8 s, which a loaded
# machine can miss for reasons that are not the skill's (the brief: no timed assertions in tests).
STALLED_SECONDS = 25.0
APOLOGIES = set(load_content("en-US").section("narrator").lines.variants("apology"))
UNKIND_WORDS = ("error", "database", "store", "exception", "dynamo", "sqlite", "throttl", "timeout", "sorry")


# -- the couple ------------------------------------------------------------------------------------


def fresh_couple() -> Couple:
    """Maya and Sam talking to a freshly started Lambda (a cold start: the store is opened anew)."""
    app = load_lambda_app()
    return Couple(send=lambda event: app.handler(event, None))


def timed(step: Callable[[], Said]) -> Said:
    started = time.monotonic()
    said = step()
    elapsed = time.monotonic() - started
    assert elapsed < STALLED_SECONDS, f"the couple waited {elapsed:.1f}s: a call without its time limit"
    return said


def kind(said: Said) -> Said:
    """A real answer: something spoken, no apology, no word about what broke."""
    assert said.text, "the couple heard nothing"
    assert not any(apology in said.text for apology in APOLOGIES), "an apology where the ritual should be"
    assert not any(word in said.text.lower() for word in UNKIND_WORDS), said.text
    return said


def meet_while_all_is_well() -> Couple:
    couple = fresh_couple()
    couple.meet("Maya", "Sam")
    couple.intent("HugIntent", one_shot=True)
    return couple


def store_failures(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The store failures the skill logged since the last look (proof that the fault really struck)."""
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    return [line["message"] for line in lines if line["message"].startswith("store unavailable")]


def talk_through_the_fault(capsys: pytest.CaptureFixture[str]) -> None:
    """A whole little evening while the store is failing: each answer is the ritual, in time."""
    capsys.readouterr()
    couple = fresh_couple()
    said = kind(timed(couple.launch))
    assert not said.ends_session
    said = kind(timed(lambda: couple.intent("SetNamesIntent", first="Ana", second="Bo")))
    assert "Ana and Bo" in said.text, "the ritual goes on with what they said, even if it cannot be remembered"
    said = kind(timed(lambda: couple.intent("HugIntent", one_shot=True)))
    assert said.ends_session and said.timed_seconds() == pytest.approx(20.0)
    assert store_failures(capsys), "the fault never reached the skill"


def rename(couple: Couple) -> Said:
    """ "Alexa, tell our rituals to call us Ana and Bo", then "yes": the new names are said back, then kept."""
    couple.intent("SetNamesIntent", one_shot=True, first="Ana", second="Bo")  # asking stores nothing
    return couple.intent("AMAZON.YesIntent")


def assert_unchanged(before: Snapshot, after: Snapshot) -> None:
    """Nothing lost, nothing half-written: the same document at the same version, still a readable household."""
    assert after.version == before.version
    assert after.document == before.document
    assert Household.from_document(after.document).names == ["Maya", "Sam"]


def greeted_by_name_after_recovery() -> None:
    said = fresh_couple().launch()
    assert "Maya and Sam" in said.text


KEY = household_key(Couple(send=lambda e: e).user_id)


# -- DynamoDB: stand-ins for a server that is gone, silent or throttling ----------------------------------


class SilentServer:
    """A TCP server on 127.0.0.1 that accepts connections and never answers (a DynamoDB stuck past the timeout)."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        self._socket.settimeout(0.1)
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except (TimeoutError, OSError):
                continue
            self._held.append(connection)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for connection in self._held:
            connection.close()
        self._socket.close()


THROUGHPUT_EXCEEDED = {
    "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
    "message": "The level of configured provisioned throughput for the table was exceeded. "
    "Consider increasing your provisioning level with the UpdateTable API.",
}


class DynamoDBStandIn:
    """An HTTP server on 127.0.0.1 speaking DynamoDB's JSON protocol: per operation (GetItem, PutItem...) it
    throttles as DynamoDB does (HTTP 400, ProvisionedThroughputExceededException), never answers ("hang"),
    forwards to a real DynamoDB Local, or forwards and then never answers (the write lands, its answer is lost)."""

    def __init__(self, upstream: str | None = None, default: str = "throttle", **modes: str) -> None:
        self.upstream = urlsplit(upstream) if upstream else None
        self.modes = modes
        self.default = default
        self.calls: list[str] = []
        self._release = threading.Event()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                operation = (self.headers.get("X-Amz-Target") or "").rsplit(".", 1)[-1]
                stand_in.calls.append(operation)
                mode = stand_in.modes.get(operation, stand_in.default)
                if mode == "throttle":
                    self._answer(400, json.dumps(THROUGHPUT_EXCEEDED).encode(), {})
                    return
                if mode == "hang":
                    stand_in._release.wait(timeout=30)
                    return
                status, data, headers = stand_in._forward(self.headers, body)
                if mode == "forward then hang":
                    stand_in._release.wait(timeout=30)
                    return
                self._answer(status, data, headers)

            def _answer(self, status: int, data: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.0")
                self.send_header("x-amzn-RequestId", "STANDIN0000000000000000000000000000000000000000000000")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def _forward(self, headers: Any, body: bytes) -> tuple[int, bytes, dict[str, str]]:
        assert self.upstream is not None, "forwarding needs a real DynamoDB behind the stand-in"
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=10)
        sent = {
            k: v
            for k, v in headers.items()
            if k.lower() in ("content-type", "x-amz-target", "authorization", "x-amz-date")
        }
        connection.request("POST", "/", body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()
        kept = {k: v for k, v in response.getheaders() if k.lower() == "x-amz-crc32"}
        connection.close()
        return response.status, data, kept

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()


def _stopped(real: str) -> Iterator[str]:
    yield f"http://127.0.0.1:{free_port()}"  # nothing listens there


def _slow(real: str) -> Iterator[str]:
    server = SilentServer()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.close()


def _throttling(real: str) -> Iterator[str]:
    stand_in = DynamoDBStandIn()
    try:
        yield stand_in.endpoint
        assert "GetItem" in stand_in.calls
    finally:
        stand_in.close()


def _throttling_writes(real: str) -> Iterator[str]:
    stand_in = DynamoDBStandIn(real, default="forward", PutItem="throttle", DeleteItem="throttle")
    try:
        yield stand_in.endpoint
        assert "PutItem" in stand_in.calls, "the reads went through, so the skill did try to write"
    finally:
        stand_in.close()


@pytest.mark.parametrize(
    "fault",
    [_stopped, _slow, _throttling, _throttling_writes],
    ids=["stopped", "slow beyond the client timeout", "throttling", "reads fine, writes throttled"],
)
def test_dynamodb_failing_never_costs_the_couple_their_ritual_or_their_data(
    dynamodb_table: str,
    dynamodb_local: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fault: Callable[[str], Iterator[str]],
) -> None:
    meet_while_all_is_well()
    before = DynamoDBStore(dynamodb_table).load(KEY)
    assert before.document["names"] == ["Maya", "Sam"]

    faulty = fault(dynamodb_local)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", next(faulty))
    talk_through_the_fault(capsys)
    next(faulty, None)  # the stand-in checks what it saw, then closes

    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_local)
    assert_unchanged(before, DynamoDBStore(dynamodb_table).load(KEY))
    greeted_by_name_after_recovery()


def test_a_write_that_lands_but_whose_answer_is_lost_is_kept_once(
    dynamodb_table: str, dynamodb_local: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """DynamoDB applied the write, then went silent: the client retries, the retry is refused, nothing is doubled."""
    meet_while_all_is_well()
    before = DynamoDBStore(dynamodb_table).load(KEY)
    stand_in = DynamoDBStandIn(dynamodb_local, default="forward", PutItem="forward then hang")
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", stand_in.endpoint)
        couple = fresh_couple()
        capsys.readouterr()
        said = kind(timed(lambda: rename(couple)))
        assert "Ana and Bo" in said.text
        assert store_failures(capsys) == ["store unavailable on write; continuing unsaved"]
    finally:
        stand_in.close()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_local)
    after = DynamoDBStore(dynamodb_table).load(KEY)
    assert after.version == before.version + 1, "applied exactly once"
    assert after.document["names"] == ["Ana", "Bo"] and after.document["rituals"] == before.document["rituals"]


# -- SQLite: locked by another process, or on a read-only disk --------------------------------------------


def _embedded_snapshot(path: Path) -> Snapshot:
    return SQLiteStore(path).load(KEY)


def test_sqlite_locked_before_the_skill_opens_it(embedded_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    meet_while_all_is_well()
    gc.collect()  # the first Lambda's connection goes, as its container would
    before = _embedded_snapshot(embedded_store)
    locker = sqlite3.connect(embedded_store, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        talk_through_the_fault(capsys)
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert_unchanged(before, _embedded_snapshot(embedded_store))
    greeted_by_name_after_recovery()


def test_sqlite_locked_while_the_skill_is_running(embedded_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Another writer holds the lock mid-evening: reads still work, writes wait their timeout and are let go."""
    couple = meet_while_all_is_well()
    before = _embedded_snapshot(embedded_store)
    locker = sqlite3.connect(embedded_store, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        capsys.readouterr()
        said = kind(timed(lambda: rename(couple)))
        assert "Ana and Bo" in said.text
        said = kind(timed(lambda: couple.intent("HugIntent", one_shot=True)))
        assert said.timed_seconds() == pytest.approx(20.0)
        assert store_failures(capsys) == ["store unavailable on write; continuing unsaved"] * 2, (
            "read fine, writes refused"
        )
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert_unchanged(before, _embedded_snapshot(embedded_store))
    rename(couple)
    assert _embedded_snapshot(embedded_store).document["names"] == ["Ana", "Bo"], (
        "once the lock is gone, writes land again"
    )


def test_a_new_embedded_store_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "rituals.db"
    store = SQLiteStore(path)
    store.save(KEY, {"names": ["Maya", "Sam"]}, 0, 1_800_000_000)
    assert path.parent.stat().st_mode & 0o777 == 0o700
    for file in path.parent.iterdir():  # the database and SQLite's -wal and -shm beside it
        assert file.stat().st_mode & 0o077 == 0, f"{file.name} is readable by others"


class ReadOnlyDisk:
    """Makes the store's folder and files read-only (for root too, through the immutable flag), and gives them back."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.folder = database.parent
        self.files: list[Path] = []
        self.immutable = os.geteuid() == 0 and shutil.which("chattr") is not None

    def lock(self) -> None:
        self.files = [p for p in self.folder.iterdir() if p.name.startswith(self.database.name)]
        for path in self.files:
            path.chmod(0o444)
        self.folder.chmod(0o555)
        if self.immutable:
            subprocess.run(["chattr", "+i", *map(str, self.files), str(self.folder)], check=False, capture_output=True)
        try:
            with open(self.database, "ab"):
                pass
        except PermissionError:
            return
        pytest.skip("cannot make a file read-only on this machine (root without the immutable flag)")

    def unlock(self) -> None:
        if self.immutable:
            subprocess.run(["chattr", "-i", *map(str, self.files), str(self.folder)], check=False, capture_output=True)
        self.folder.chmod(0o700)
        for path in self.files:
            path.chmod(0o600)


@pytest.fixture
def read_only_disk(embedded_store: Path) -> Iterator[ReadOnlyDisk]:
    disk = ReadOnlyDisk(embedded_store)
    try:
        yield disk
    finally:
        disk.unlock()  # always, or pytest could not clean its temporary folder


def test_sqlite_on_a_read_only_disk(
    embedded_store: Path, read_only_disk: ReadOnlyDisk, capsys: pytest.CaptureFixture[str]
) -> None:
    meet_while_all_is_well()
    before = _embedded_snapshot(embedded_store)
    gc.collect()  # every connection closed, as after a restart: the disk turns read-only under a stopped service
    read_only_disk.lock()
    talk_through_the_fault(capsys)
    gc.collect()
    read_only_disk.unlock()
    assert_unchanged(before, _embedded_snapshot(embedded_store))
    greeted_by_name_after_recovery()


# -- the Alexa API failing, with the store failing too: the worst evening -----------------------------------


@pytest.mark.parametrize("status", [500, 429, None], ids=["API answers 500", "API throttles", "API never answers"])
def test_the_alexa_api_failing_costs_a_timer_not_the_ritual(embedded_store: Path, status: int | None) -> None:
    meet_while_all_is_well()
    before = _embedded_snapshot(embedded_store)
    with AlexaApiStandIn(status or 200, hang=status is None) as api:
        couple = fresh_couple()
        couple.api_endpoint = api.url
        said = kind(timed(lambda: couple.intent("MagicMinutesIntent", one_shot=True)))
        assert said.ends_session and said.lines[-1].voice in ("Joanna", "Matthew")
        assert api.received and api.received[-1].path == "/v1/alerts/timers"
    after = _embedded_snapshot(embedded_store)
    assert after.document["names"] == before.document["names"] == ["Maya", "Sam"]
    assert Household.from_document(after.document).to_document() == after.document, "a whole, readable household"


@pytest.mark.parametrize("store_fault", ["silent", "writes silent"])
def test_every_outside_call_stalling_at_once_still_answers_in_time(
    dynamodb_table: str, dynamodb_local: str, monkeypatch: pytest.MonkeyPatch, store_fault: str
) -> None:
    """The worst evening: DynamoDB (all of it, or only its writes) and the Alexa API silent; each waits its own timeout."""
    meet_while_all_is_well()
    before = DynamoDBStore(dynamodb_table).load(KEY)
    silent_store = DynamoDBStandIn(
        dynamodb_local, default="hang" if store_fault == "silent" else "forward", PutItem="hang"
    )
    try:
        with AlexaApiStandIn(hang=True) as api:
            monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", silent_store.endpoint)
            couple = fresh_couple()
            couple.api_endpoint = api.url
            kind(timed(couple.launch))
            said = kind(timed(lambda: couple.intent("MagicMinutesIntent", one_shot=True)))
            if store_fault == "silent":  # nothing could be read, so who they are is asked first, then the minutes
                assert "first names" in said.text and not said.ends_session
                said = kind(timed(lambda: couple.intent("SetNamesIntent", first="Maya", second="Sam")))
            assert said.ends_session and api.received
    finally:
        silent_store.close()
    assert silent_store.calls.count("PutItem") >= (1 if store_fault == "writes silent" else 0)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_local)
    assert_unchanged(before, DynamoDBStore(dynamodb_table).load(KEY))
