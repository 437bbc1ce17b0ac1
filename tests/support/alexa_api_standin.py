"""A local stand-in for the Alexa REST APIs (timers, reminders), for tests: it records what the skill sends
and answers with whatever status the test chooses, or never answers at all.

    with AlexaApiStandIn(status=403) as api:
        couple.api_endpoint = api.url
        couple.intent("MagicMinutesIntent", one_shot=True)
        assert api.received[0].path == "/v1/alerts/timers"
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TIMERS_SCOPE = "alexa::alerts:timers:skill:readwrite"
# Bodies shaped like the documented answers (Timers and Reminders REST API references).
TIMER_CREATED = {
    "id": "a3aac326-c504-458b-8520-15fd048f086a",
    "status": "ON",
    "duration": "PT5M",
    "triggerTime": "2026-11-22T19:35:00Z",
    "createdTime": "2026-11-22T19:30:00Z",
    "updatedTime": "2026-11-22T19:30:00Z",
}
REMINDER_CREATED = {
    "alertToken": "ab94a4ba-4b8c-4c5c-9b5d-6a2b7c1b4b1e",
    "createdTime": "2026-11-22T19:30:00.000Z",
    "updatedTime": "2026-11-22T19:30:00.000Z",
    "status": "ON",
    "version": "1",
    "href": "/v1/alerts/reminders/ab94a4ba-4b8c-4c5c-9b5d-6a2b7c1b4b1e",
}
# Login with Amazon's answer to a client-credentials request, and the Data Store API's to a command.
LWA_TOKEN = {"access_token": "Atc|skill-token", "scope": "alexa::datastore", "token_type": "bearer", "expires_in": 3600}
DATASTORE_QUEUED = {"queuedResultId": "4a7d3b3e-9c1f-4d0f-8c34-6a2a36b9a3b1", "results": []}
ERRORS = {
    400: {"code": "INVALID_TIMER_LABEL", "message": "A timer with this label already exists."},
    401: {"code": "UNAUTHORIZED", "message": "The access token is invalid or the user has not granted permission."},
    403: {"code": "FORBIDDEN", "message": "The user has not granted permission to this skill."},
    500: {"code": "INTERNAL_SERVER_ERROR", "message": "Internal error."},
    504: {"code": "DEVICE_OFFLINE", "message": "Device offline."},
}


@dataclass(frozen=True)
class Received:
    """One request the skill sent."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


def consent_answer(status: str | None, *, code: str = "200", scope: str = TIMERS_SCOPE) -> dict[str, Any]:
    """The Connections.Response request Alexa sends after a voice permission question (AskFor)."""
    payload: dict[str, Any] = {"permissionScopes": [{"permissionScope": scope, "consentLevel": "ACCOUNT"}]}
    if status is not None:
        payload["status"] = status
    return {
        "type": "Connections.Response",
        "name": "AskFor",
        "status": {"code": code, "message": "OK" if code == "200" else "Error"},
        "token": "",
        "payload": payload,
    }


class AlexaApiStandIn:
    """An HTTP server on 127.0.0.1 (a free port) answering POST, PUT and DELETE with `status`, or hanging when `hang`."""

    def __init__(self, status: int = 200, *, hang: bool = False, refuse_launch_task: bool = False) -> None:
        self.status = status
        self.by_method: dict[str, int] = {}  # a status for one method only ({"DELETE": 500}: Alexa failing a delete)
        self.hang = hang
        # As Alexa answers where a timer may not launch a task: 400 to a LAUNCH_TASK timer, the status to others.
        self.refuse_launch_task = refuse_launch_task
        self.received: list[Received] = []
        self.reminders: list[str] = []  # the alert tokens of the reminders there are, which a PUT may change
        self.reminders_made = 0
        self.timers: list[
            str
        ] = []  # the ids of the timers there are (not yet rung or cancelled), which a DELETE cancels
        self._release = threading.Event()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    body = json.loads(raw or b"null")
                except ValueError:  # Login with Amazon's token request is a form, not JSON
                    from urllib.parse import parse_qs

                    body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                standin.received.append(Received("POST", self.path, headers, body))
                if standin.hang:
                    standin._release.wait(timeout=30)  # never answers while the test waits
                    return
                status = standin.by_method.get("POST", standin.status)
                body = standin.received[-1].body
                operation = (
                    ((body or {}).get("triggeringBehavior") or {}).get("operation") or {}
                    if isinstance(body, dict)
                    else {}
                )
                if standin.refuse_launch_task and operation.get("type") == "LAUNCH_TASK":
                    status = 400
                if 200 <= status < 300 and self.path.startswith("/v1/alerts/reminders"):
                    made = standin.reminders_made
                    token = f"{REMINDER_CREATED['alertToken']}-{made}" if made else str(REMINDER_CREATED["alertToken"])
                    standin.reminders_made += 1
                    standin.reminders.append(token)
                    body = {**REMINDER_CREATED, "alertToken": token, "href": f"/v1/alerts/reminders/{token}"}
                elif 200 <= status < 300 and self.path.startswith("/auth/o2/token"):
                    body = LWA_TOKEN
                elif 200 <= status < 300 and self.path.startswith("/v1/datastore/"):
                    body = DATASTORE_QUEUED
                elif 200 <= status < 300:
                    timer_id = f"{TIMER_CREATED['id'][:-4]}{len(standin.timers) + 1:04d}"  # each timer an id of its own
                    standin.timers.append(timer_id)
                    body = {**TIMER_CREATED, "id": timer_id}
                else:
                    body = ERRORS.get(status, {"code": "ERROR", "message": "Error."})
                data = json.dumps(body).encode()
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", f"{standin.url}/moved{self.path}")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_PUT(self) -> None:  # noqa: N802 (http.server's naming): a reminder changed
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                standin.received.append(Received("PUT", self.path, headers, json.loads(raw or b"null")))
                token = self.path.rsplit("/", 1)[-1]
                known = token in standin.reminders
                status = standin.by_method.get("PUT", standin.status) if known else 404
                body = (
                    {**REMINDER_CREATED, "alertToken": token, "version": "2"}
                    if 200 <= status < 300
                    else ERRORS.get(status, {"code": "NOT_FOUND", "message": "Not found."})
                )
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_DELETE(self) -> None:  # noqa: N802 (http.server's naming): a reminder deleted or a timer
                headers = {k.lower(): v for k, v in self.headers.items()}  # cancelled, an empty 200
                standin.received.append(Received("DELETE", self.path, headers, None))
                token = self.path.rsplit("/", 1)[-1]
                there = standin.timers if self.path.startswith("/v1/alerts/timers/") else standin.reminders
                status = standin.by_method.get("DELETE", standin.status) if token in there else 404
                if 200 <= status < 300:
                    there.remove(token)
                data = b"" if 200 <= status < 300 else json.dumps(ERRORS.get(status, {"code": "NOT_FOUND"})).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 (only a client following a redirect would ask)
                headers = {k.lower(): v for k, v in self.headers.items()}
                standin.received.append(Received("GET", self.path, headers, None))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> AlexaApiStandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> AlexaApiStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
