"""The couple's own clock: the Echo's time zone from the Alexa Settings API, asked at most weekly, else UTC."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from skill.content import load_content
from skill.engine.turn import Turn
from skill.household import Household
from tests.conversation import Couple


class SettingsApi:
    """A local stand-in for GET /v2/devices/{id}/settings/System.timeZone."""

    def __init__(self, answer: object, status: int = 200) -> None:
        self.answer, self.status, self.requests = answer, status, []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                api.requests.append((self.path, self.headers.get("Authorization")))
                body = json.dumps(api.answer).encode()
                self.send_response(api.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> SettingsApi:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def turn_at(now: datetime, household: Household, look_up) -> Turn:  # noqa: ANN001
    content = load_content("en-US")
    return Turn(household, content, content.section("host"), now, __import__("random").Random(1), look_up_time_zone=look_up)


def test_local_now_uses_the_echos_zone_and_asks_at_most_weekly() -> None:
    asked: list[int] = []
    household = Household()
    look_up = lambda: asked.append(1) or "America/Los_Angeles"  # noqa: E731
    now = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)
    local = turn_at(now, household, look_up).local_now
    assert local.isoformat().startswith("2026-11-22T19:00") and household.time_zone == "America/Los_Angeles"
    _ = turn_at(now.replace(day=25), household, look_up).local_now
    assert len(asked) == 1, "remembered for a week"
    _ = turn_at(now.replace(day=30, hour=5), household, look_up).local_now
    assert len(asked) == 2


def test_without_a_zone_local_now_is_utc() -> None:
    now = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)
    assert turn_at(now, Household(), None).local_now == now
    assert turn_at(now, Household(), lambda: None).local_now.utcoffset().total_seconds() == 0


@pytest.fixture
def settings_api() -> Iterator[SettingsApi]:
    with SettingsApi("Europe/London") as api:
        yield api


def test_the_skill_asks_the_settings_api_with_the_devices_id_and_token(settings_api: SettingsApi) -> None:
    from skill.alexa.api import device_time_zone

    assert device_time_zone(settings_api.url, "token-123", "amzn1.ask.device.KITCHEN") == "Europe/London"
    path, authorization = settings_api.requests[0]
    assert path == "/v2/devices/amzn1.ask.device.KITCHEN/settings/System.timeZone"
    assert authorization == "Bearer token-123"


@pytest.mark.parametrize(("answer", "status"), [("Not/AZone", 200), ({"zone": 1}, 200), ("Europe/London", 403), ("x", 500)])
def test_a_bad_or_refused_answer_means_no_zone(answer: object, status: int) -> None:
    from skill.alexa.api import device_time_zone

    with SettingsApi(answer, status) as api:
        assert device_time_zone(api.url, "t", "d") is None


def test_an_unreachable_api_means_no_zone_not_an_error(couple: Couple) -> None:
    from skill.alexa.api import device_time_zone

    assert device_time_zone("http://127.0.0.1:9", "t", "d") is None
    assert device_time_zone("ftp://example.com", "t", "d") is None
