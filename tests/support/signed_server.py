"""Test-only entry: `our-rituals serve`'s production server, trusting the tests' local certificate chain.

Run as `python -m tests.support.signed_server CHAIN_PEM ROOT_PEM [--hostile-network]`. It calls the same `skill.web.server.serve` as
`our-rituals serve`, on the same `create_app`, with one difference: the signature verifier trusts the
test root and reads the chain from a file instead of Amazon's URL. This module lives under tests/, which
is never installed or copied into the image, so no flag or environment variable of a production start
can trust a foreign chain.

With --hostile-network, the tests' chain is served only for GOOD_CERT_URL; every other URL goes through the
production `fetch_url`, to a network as an attacker would arrange it: a name lookup that takes RESOLVER_SECONDS,
then a host that accepts the connection and never answers.
"""

from __future__ import annotations

import http.client
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from cryptography import x509

from skill.web import create_app
from skill.web.server import serve
from skill.web.signature import AlexaSignatureVerifier, AlexaTimestampVerifier, fetch_url

GOOD_CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"
RESOLVER_SECONDS = 5.0  # as seen on a resolver an attacker slowed down


def hostile_fetch(chain_pem: bytes) -> Any:
    """The good chain at GOOD_CERT_URL; anything else through fetch_url, a slow resolver, and a silent host."""
    silent = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept_and_say_nothing() -> None:
        while True:
            held.append(silent.accept()[0])

    threading.Thread(target=accept_and_say_nothing, daemon=True).start()

    def connect(netloc: str, timeout: float) -> Any:
        time.sleep(RESOLVER_SECONDS)  # the name lookup, which no socket timeout covers
        return http.client.HTTPConnection("127.0.0.1", silent.getsockname()[1], timeout=timeout)

    def fetch(url: str) -> bytes:
        return chain_pem if url == GOOD_CERT_URL else fetch_url(url, connect=connect)

    return fetch


def main(argv: list[str]) -> int:
    chain_pem = Path(argv[0]).read_bytes()
    root = x509.load_pem_x509_certificate(Path(argv[1]).read_bytes())
    fetch = hostile_fetch(chain_pem) if "--hostile-network" in argv[2:] else (lambda _url: chain_pem)
    app = create_app(verifiers=[AlexaSignatureVerifier(fetch=fetch, trusted_roots=[root]), AlexaTimestampVerifier()])

    def announce(host: str, port: int) -> None:
        print(f"listening on http://{host}:{port}/alexa", flush=True)

    return serve(app, host="127.0.0.1", port=0, threads=4, announce=announce)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
