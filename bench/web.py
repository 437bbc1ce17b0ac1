"""The self-hosted web service under load: a real threaded server on loopback, a client in another process.

Verification ON uses the project's own checks (signature and timestamp) against a locally generated
certificate chain (tests/support/alexa_certs.py): the chain is "downloaded" through an injected fetch and
trusted through an injected root, so nothing reaches the network. Every body is really signed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench.conversation import launch_event

HERE = Path(__file__).resolve().parent
CLIENT = HERE / "web_client.py"
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-bench.pem"
HOUSEHOLDS = 64  # requests cycle over this many couples, so concurrent writes rarely meet on one household
WARM_UP_REQUESTS = 50


def verifiers(on: bool) -> list[Any]:
    """No checks, or the project's signature and timestamp checks trusting only the local test root."""
    if not on:
        return []
    from skill.web.signature import AlexaSignatureVerifier, AlexaTimestampVerifier
    from tests.support import alexa_certs

    pem = alexa_certs.chain_pem()
    return [
        AlexaSignatureVerifier(fetch=lambda _url: pem, trusted_roots=[alexa_certs.root_cert()]),
        AlexaTimestampVerifier(),
    ]


def signed_requests(sign: bool, count: int) -> list[dict[str, Any]]:
    """`count` LaunchRequests of HOUSEHOLDS couples in turn, stamped now (the timestamp check allows 150 s), signed if
    asked. Each has a request id of its own, as Alexa's do: the server answers a request id it has answered already
    from memory (skill/web/replay.py), so cycling over a few prepared requests would time that memory, not the skill."""
    now = datetime.now(timezone.utc)
    prepared = []
    for index in range(count):
        body = json.dumps(launch_event(now, user_id=f"amzn1.ask.account.BENCH-WEB-{index % HOUSEHOLDS:03d}"))
        headers: dict[str, str] = {}
        if sign:
            from tests.support import alexa_certs

            headers = {"SignatureCertChainUrl": CERT_URL, "Signature-256": alexa_certs.sign_body(body.encode("utf-8"))}
        prepared.append({"body": body, "headers": headers})
    return prepared


@contextmanager
def serving(app: Any) -> Iterator[int]:
    """Serve `app` with werkzeug's threaded server on a free loopback port; yields the port."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:  # one access-log line per request would dominate
            pass

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.port
    finally:
        server.shutdown()
        thread.join(timeout=10)


def load(
    create_app: Callable[[list[Any]], Any],
    *,
    verify: bool,
    max_requests: int,
    max_seconds: float,
    connections: int,
) -> dict[str, Any]:
    """Requests per second of one app, verification on or off, from a client process on loopback."""
    app = create_app(verifiers(verify))
    warm_up = min(WARM_UP_REQUESTS, max_requests)
    prepared = signed_requests(verify, warm_up + max_requests)
    with serving(app) as port, tempfile.TemporaryDirectory(prefix="our-rituals-web-") as scratch:
        plan = Path(scratch) / "plan.json"
        # A short warm-up (first requests build the skill, open the store, cache the chain); not counted. Its requests
        # are not sent again: every request of the measured run is new to the server.
        for requests, count, path in ((prepared[:warm_up], warm_up, plan), (prepared[warm_up:], max_requests, plan)):
            path.write_text(
                json.dumps(
                    {
                        "port": port,
                        "requests": requests,
                        "max_requests": count,
                        "max_seconds": max_seconds,
                        "connections": connections,
                    }
                ),
                encoding="utf-8",
            )
            result = subprocess.run(
                [sys.executable, str(CLIENT), str(path)],
                capture_output=True,
                text=True,
                timeout=max_seconds + 120,
                check=False,
            )
            if result.returncode != 0:
                raise RuntimeError(f"web client failed:\n{result.stderr.strip()[-2000:]}")
        report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    if report["ok"] != report["sent"]:
        raise RuntimeError(f"some web requests failed: {report['statuses']}")
    return report
