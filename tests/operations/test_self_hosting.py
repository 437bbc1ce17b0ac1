"""A home server, tried for real: `our-rituals serve` as its own process on a free port, spoken to over HTTP.

The signed conversation goes through tests/support/signed_server.py (the same server and app, trusting the tests'
certificate chain); the stop, backup and restore tests run the `our-rituals` command itself.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from skill.store.sqlite import SQLiteStore
from tests.support import alexa_certs
from tests.support.conversation import Couple

ROOT = Path(__file__).resolve().parents[2]
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"
START_TIMEOUT = 180  # seconds, a bound for a server that never starts: a cold interpreter on a loaded 2-core machine
STOP_TIMEOUT = 30


@dataclass
class Server:
    """One `serve` process; its output lines are collected as they come."""

    process: subprocess.Popen[str]
    lines: queue.Queue[str] = field(default_factory=queue.Queue)
    seen: list[str] = field(default_factory=list)
    url: str = ""

    def wait_for_line(self, containing: str) -> str:
        while True:
            try:
                line = self.lines.get(timeout=START_TIMEOUT)
            except queue.Empty:
                pytest.fail(f"the server said nothing with {containing!r} in {START_TIMEOUT} s: {self.seen}")
            if line == "":
                pytest.fail(f"the server exited ({self.process.wait()}) before saying {containing!r}: {self.seen}")
            if containing in line:
                return line

    def stop(self) -> int:
        """SIGTERM, as systemd and Docker stop it; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=STOP_TIMEOUT)

    @property
    def output(self) -> str:
        return "".join(self.seen)


def start(args: list[str], env: dict[str, str], *, listening: str, cwd: Path = ROOT) -> Server:
    process = subprocess.Popen(
        [sys.executable, *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    server = Server(process)

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            server.seen.append(line)
            server.lines.put(line)
        server.lines.put("")

    threading.Thread(target=read, daemon=True).start()
    try:
        line = server.wait_for_line(listening)
    except BaseException:
        process.kill()  # a server that never said it listens is not left behind
        process.wait(timeout=STOP_TIMEOUT)
        raise
    found = re.search(r"http://[0-9.]+:[0-9]+", line)
    assert found, line
    server.url = found.group(0)
    return server


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    """Every server a test starts is stopped at its end, whatever happened."""
    started: list[Server] = []
    yield started
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait(timeout=STOP_TIMEOUT)


def serve_command(env: dict[str, str], servers: list[Server], *extra: str) -> Server:
    """`our-rituals serve` itself (the waitress path unless --dev), on a port the system picks."""
    listening = "Running on http://" if "--dev" in extra else "/alexa"
    server = start(["-m", "skill.cli.main", "serve", "--port", "0", *extra], env, listening=listening)
    servers.append(server)
    return server


def free_port() -> int:
    """A loopback port nobody listens on (right now), for a program that cannot be told to pick one."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def env_for(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SKILL_ID", "SKILL_TABLE", "OUR_RITUALS_VERIFY_REQUESTS")}
    env["OUR_RITUALS_DB"] = str(db)
    return env


def post(url: str, event: dict[str, Any], *, signed_by: Any = None, signed: bool = False) -> dict[str, Any]:
    body = json.dumps(event).encode()
    headers = {"Content-Type": "application/json"}
    if signed or signed_by is not None:
        headers |= {"SignatureCertChainUrl": CERT_URL, "Signature-256": alexa_certs.sign_body(body, signed_by)}
    request = urllib.request.Request(url + "/alexa", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=20) as response:
        assert response.status == 200
        assert response.headers["Server"] == "waitress", "the production server answered, not a development one"
        return json.loads(response.read())


def couple_at(url: str, *, signed: bool = False, user: str = "amzn1.ask.account.HOME-SERVER") -> Couple:
    couple = Couple(send=lambda event: post(url, event, signed=signed), user_id=user)
    couple.now = datetime.now(timezone.utc)  # verified requests must carry a timestamp within 150 s of now
    return couple


def cli(*args: str, env: dict[str, str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "skill.cli.main", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, timeout=120)  # fmt: skip


def names_in(db: Path, couple: Couple) -> list[str] | None:
    return SQLiteStore(db).load(couple.key).document.get("names")


# -- a whole conversation, signed, through the production server ---------------------------------


def test_a_signed_conversation_through_the_production_server(tmp_path: Path, servers: list[Server]) -> None:
    chain, root = tmp_path / "chain.pem", tmp_path / "root.pem"
    chain.write_bytes(alexa_certs.chain_pem())
    root.write_bytes(alexa_certs.root_cert().public_bytes(serialization.Encoding.PEM))
    db = tmp_path / "home.db"
    server = start(["-m", "tests.support.signed_server", str(chain), str(root)], env_for(db), listening="listening on")
    servers.append(server)

    couple = couple_at(server.url, signed=True)
    said = couple.launch()
    assert "first names" in said.text
    said = couple.intent("SetNamesIntent", first="Maya", second="Sam")
    assert said.by_voice("Joanna")[0].startswith("Maya") and said.by_voice("Matthew")
    said = couple.intent("BreatheIntent", breaths="2")
    assert said.voices.count("Joanna") == 2 and said.voices.count("Matthew") == 2
    said = couple.intent("HugIntent", one_shot=True)
    assert said.ends_session and said.timed_seconds() == pytest.approx(20)
    said = couple.launch()
    assert "Maya and Sam" in said.text
    assert couple.intent("AMAZON.StopIntent").ends_session
    assert names_in(db, couple) == ["Maya", "Sam"]
    with sqlite3.connect(db) as live:
        assert live.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    # The same server refuses what Alexa did not sign, and stores nothing for it.
    stranger = couple_at(server.url, user="amzn1.ask.account.STRANGER")
    stranger.new_session()
    event = stranger.envelope({"type": "IntentRequest", "intent": {"name": "SetNamesIntent", "confirmationStatus": "NONE",
                               "slots": {"first": {"name": "first", "value": "Eve", "confirmationStatus": "NONE"}}}}, new=True)  # fmt: skip
    for signer in (None, alexa_certs.key("stranger")):
        with pytest.raises(urllib.error.HTTPError) as refused:
            post(server.url, event, signed_by=signer)
        assert refused.value.code == 400
    assert names_in(db, stranger) is None

    assert server.stop() == 0
    assert "stopped cleanly" in server.output


def test_serve_runs_waitress_and_the_development_server_only_when_asked(tmp_path: Path, servers: list[Server]) -> None:
    env = env_for(tmp_path / "home.db")
    production = serve_command(env, servers, "--no-verify", "--threads", "2")
    assert "waitress, 2 threads" in production.output and "development server" not in production.output
    huge = urllib.request.Request(
        production.url + "/alexa", data=b" " * 300_000, headers={"Content-Type": "application/json"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(huge, timeout=20)
    assert refused.value.code == 413, "a body larger than any Alexa request is refused as it arrives"
    assert production.stop() == 0
    development = serve_command(env, servers, "--no-verify", "--dev")
    assert "development server" in development.output
    with urllib.request.urlopen(development.url + "/health", timeout=20) as response:
        assert response.headers["Server"].startswith("Werkzeug")


# -- a stop during a burst of requests ----------------------------------------------------------


@dataclass
class Burst:
    """Clients naming new households one after another, each until the server goes away."""

    url: str
    clients: int
    each: int
    answered: list[Couple] = field(default_factory=list)  # every couple whose request was answered 200
    not_200: list[int] = field(default_factory=list)  # HTTP answers other than 200: never acceptable
    going: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self, *, going_after: int) -> Burst:
        lock = threading.Lock()

        def client(number: int) -> None:
            for n in range(self.each):
                couple = couple_at(self.url, user=f"amzn1.ask.account.BURST-{number}-{n}")
                try:
                    said = couple.intent("SetNamesIntent", first="Ana", second="Leo", one_shot=True)
                except urllib.error.HTTPError as error:
                    self.not_200.append(error.code)
                    return
                except OSError:
                    return  # the server has closed its door (refused, or reset before it read the request)
                assert "Ana" in said.text
                with lock:
                    self.answered.append(couple)
                    if len(self.answered) >= going_after:
                        self.going.set()

        self.threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(self.clients)]
        for thread in self.threads:
            thread.start()
        assert self.going.wait(timeout=120), "the burst did not get going"
        return self

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=STOP_TIMEOUT)
            assert not thread.is_alive()


def test_sigterm_during_a_burst_answers_what_it_received_and_loses_no_write(
    tmp_path: Path, servers: list[Server]
) -> None:
    db = tmp_path / "home.db"
    server = serve_command(env_for(db), servers, "--no-verify", "--threads", "4")
    requests = Burst(server.url, clients=6, each=400).start(going_after=30)
    assert server.stop() == 0, server.output
    requests.join()
    assert requests.not_200 == []
    assert "stopped cleanly: every request it had received was answered" in server.output
    said = server.output.splitlines()
    assert said[0].startswith("Our Rituals on http://") and said[-1].startswith("Our Rituals stopped cleanly")
    for line in said[1:-1]:  # the skill's and the server's log lines: all JSON, none a bare warning or traceback
        assert json.loads(line)["level"] in ("INFO", "WARNING"), line

    store = SQLiteStore(db)
    missing = [c.user_id for c in requests.answered if store.load(c.key).document.get("names") != ["Ana", "Leo"]]
    assert len(requests.answered) >= 30 and missing == [], f"{len(missing)} answered requests were not stored"
    assert len(requests.answered) < 6 * 400, "the stop came in the middle of the burst"


def http_request(host: str, event: dict[str, Any]) -> bytes:
    body = json.dumps(event).encode()
    head = (
        f"POST /alexa HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def read_response(connection: socket.socket) -> tuple[int, dict[str, Any]]:
    """One HTTP/1.1 response with a Content-Length, read off a kept-alive connection: (status, JSON body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        assert chunk, f"the connection closed before a response: {data!r}"
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
    while len(body) < length:
        chunk = connection.recv(65536)
        assert chunk, "the connection closed in the middle of a response"
        body += chunk
    return int(head.split()[1]), json.loads(body)


def test_a_request_half_received_at_sigterm_is_still_answered_and_stored(tmp_path: Path, servers: list[Server]) -> None:
    db = tmp_path / "home.db"
    server = serve_command(env_for(db), servers, "--no-verify")
    host, port = server.url.removeprefix("http://").split(":")
    first, second = (
        couple_at(server.url, user="amzn1.ask.account.FIRST"),
        couple_at(server.url, user="amzn1.ask.account.SECOND"),
    )
    for couple in (first, second):
        couple.new_session()
    naming = {"type": "IntentRequest", "intent": {"name": "SetNamesIntent", "confirmationStatus": "NONE", "slots": {
        "first": {"name": "first", "value": "Ana", "confirmationStatus": "NONE"},
        "second": {"name": "second", "value": "Leo", "confirmationStatus": "NONE"}}}}  # fmt: skip
    later = http_request(server.url, second.envelope(naming, new=True))
    with socket.create_connection((host, int(port)), timeout=20) as connection:
        # One whole request and the first half of the next on one kept-alive connection, in one write: the
        # answer to the first shows the server has read the half too.
        connection.sendall(http_request(server.url, first.envelope(naming, new=True)) + later[: len(later) // 2])
        assert read_response(connection)[0] == 200
        server.process.send_signal(signal.SIGTERM)
        for _ in range(1000):  # until the server has closed its door (bounded: at most about 20 s on a busy machine)
            try:
                socket.create_connection((host, int(port)), timeout=5).close()
            except (ConnectionRefusedError, ConnectionResetError):
                # refused, or reset: a probe that reached the backlog just as the listening socket closed
                break
            time.sleep(0.02)
        else:
            pytest.fail("the server kept accepting connections after SIGTERM")
        connection.sendall(later[len(later) // 2 :])
        status, envelope = read_response(connection)
    assert status == 200 and "Ana" in json.dumps(envelope["response"])
    assert server.process.wait(timeout=STOP_TIMEOUT) == 0
    assert "every request it had received was answered (1 in flight at the stop)" in server.output
    assert names_in(db, second) == ["Ana", "Leo"] and names_in(db, first) == ["Ana", "Leo"]


# -- backup while writing, restore into a running server ----------------------------------------


def test_a_backup_taken_during_writes_is_sound_and_restores_the_household(
    tmp_path: Path, servers: list[Server]
) -> None:
    live = tmp_path / "home.db"
    env = env_for(live)
    server = serve_command(env, servers, "--no-verify")
    couple = couple_at(server.url)
    couple.meet("Maya", "Sam")

    writes = Burst(server.url, clients=3, each=150).start(going_after=10)
    before_backup = len(writes.answered)
    backup = tmp_path / "backups" / "our-rituals.db"
    backup.parent.mkdir()
    made = cli("backup", str(backup), env=env)
    assert made.returncode == 0, made.stderr.decode()
    assert f"to {backup}" in made.stdout.decode() and "integrity check: ok" in made.stdout.decode()
    assert server.stop() == 0  # the writers stop when the server goes
    writes.join()
    assert writes.not_200 == []

    assert oct(backup.stat().st_mode & 0o777) == "0o600", "a backup holds names: owner-only"
    with sqlite3.connect(backup) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("SELECT COUNT(*) FROM households").fetchone()[0] >= 1 + before_backup
    assert names_in(backup, couple) == ["Maya", "Sam"]

    # A new home server (an empty file), already serving another household, gets the backup restored under it.
    new_live = tmp_path / "new-home.db"
    env = env_for(new_live)
    server = serve_command(env, servers, "--no-verify")
    other = couple_at(server.url, user="amzn1.ask.account.NEIGHBOURS")
    other.meet("Ines", "Tom")
    restored = cli("restore", str(backup), env=env)
    assert restored.returncode == 0, restored.stderr.decode()
    said = restored.stdout.decode()
    assert f"from {backup} into {new_live}" in said and "replacing the 1 household(s) it held" in said

    couple = couple_at(server.url)
    assert "Maya and Sam" in couple.launch().text, "the running server reads the restored household"
    assert "first names" in other.launch().text, "what was not in the backup is gone, as the restore said"
    assert server.stop() == 0


def test_backup_to_standard_output_and_back(tmp_path: Path, lambda_app: Any) -> None:
    couple = Couple(send=lambda event: lambda_app.handler(event, None))
    couple.meet("Priya", "Jordan")
    env = env_for(Path(os.environ["OUR_RITUALS_DB"]))
    nowhere = cli("backup", str(tmp_path / "no-such-folder" / "b.db"), env=env)
    assert nowhere.returncode == 1 and nowhere.stderr.decode().startswith("No backup made: cannot write")
    assert "Traceback" not in nowhere.stderr.decode()
    piped = cli("backup", "-", env=env)
    assert piped.returncode == 0 and piped.stdout.startswith(b"SQLite format 3\x00")
    assert "to standard output" in piped.stderr.decode()
    elsewhere = env_for(tmp_path / "elsewhere" / "home.db")
    restored = cli("restore", "-", env=elsewhere, stdin=piped.stdout)
    assert restored.returncode == 0, restored.stderr.decode()
    assert "from standard input" in restored.stdout.decode()
    assert names_in(tmp_path / "elsewhere" / "home.db", couple) == ["Priya", "Jordan"]
    unwritable = cli("restore", "-", env=env_for(Path("/proc/our-rituals/home.db")), stdin=piped.stdout)
    assert (
        unwritable.returncode == 1
        and "cannot write the household file /proc/our-rituals/home.db" in unwritable.stderr.decode()
    )


def corrupt(path: Path) -> None:
    """Change one household's key in the table's page but not in its index, as a bad disk sector would."""
    with sqlite3.connect(path) as copy:
        page = copy.execute("SELECT rootpage FROM sqlite_master WHERE name = 'households'").fetchone()[0]
        key = copy.execute("SELECT household_key FROM households LIMIT 1").fetchone()[0].encode()
    data = bytearray(path.read_bytes())
    at = data.index(key, (page - 1) * 4096, page * 4096)
    data[at] = ord("x")
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:3000])


def foreign(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE households (name TEXT, members INTEGER)")


def not_sqlite(path: Path) -> None:
    path.write_text("household,names\nus,Maya and Sam\n")


@pytest.mark.parametrize(("spoil", "said"), [
    (corrupt, "is damaged (PRAGMA integrity_check"),
    (truncate, "is not a readable SQLite database"),
    (foreign, "not an Our Rituals household file"),
    (not_sqlite, "is not a readable SQLite database"),
])  # fmt: skip
def test_restore_refuses_a_file_that_is_not_a_sound_household_file(
    tmp_path: Path, lambda_app: Any, spoil: Callable[[Path], None], said: str
) -> None:
    couple = Couple(send=lambda event: lambda_app.handler(event, None))
    couple.meet("Priya", "Jordan")
    live = Path(os.environ["OUR_RITUALS_DB"])
    env = env_for(live)
    bad = tmp_path / "bad.db"
    assert cli("backup", str(bad), env=env).returncode == 0
    # The live file moves on after the backup: new names, said back, kept after a yes.
    couple.intent("SetNamesIntent", one_shot=True, first="Rosa", second="Kim")
    couple.intent("AMAZON.YesIntent")
    spoil(bad)
    refused = cli("restore", str(bad), env=env)
    assert refused.returncode == 1
    assert refused.stderr.decode().startswith(f"Nothing restored: {bad} ") and said in refused.stderr.decode()
    assert names_in(live, couple) == ["Rosa", "Kim"], "the live file is untouched"


def test_backup_and_restore_say_when_there_is_nothing_to_do(tmp_path: Path) -> None:
    env = env_for(tmp_path / "never-served.db")
    missing = cli("backup", str(tmp_path / "b.db"), env=env)
    assert missing.returncode == 1 and "there is no household file at" in missing.stderr.decode()
    assert not (tmp_path / "b.db").exists()
    no_file = cli("restore", str(tmp_path / "b.db"), env=env)
    assert no_file.returncode == 1 and no_file.stderr.decode().startswith(
        f"Nothing restored: cannot read {tmp_path / 'b.db'}"
    )
    cloud = {**env, "SKILL_TABLE": "our-rituals"}
    for command in ("backup", "restore"):
        refused = cli(command, str(tmp_path / "b.db"), env=cloud)
        assert refused.returncode == 2 and "point-in-time recovery" in refused.stderr.decode()
