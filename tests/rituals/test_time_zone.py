"""The couple's own clock: the Echo's time zone from the Alexa Settings API, asked at most weekly, else UTC."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from skill.content import load_content
from skill.engine.turn import Turn
from skill.household import Household
from skill.time_zones import zone_named
from tests.support.conversation import Couple

REPOSITORY = Path(__file__).resolve().parents[2]


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
    return Turn(
        household, content, content.section("narrator"), now, __import__("random").Random(1), look_up_time_zone=look_up
    )


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


@pytest.mark.parametrize(
    ("answer", "status"), [("Not/AZone", 200), ({"zone": 1}, 200), ("Europe/London", 403), ("x", 500)]
)
def test_a_bad_or_refused_answer_means_no_zone(answer: object, status: int) -> None:
    from skill.alexa.api import device_time_zone

    with SettingsApi(answer, status) as api:
        assert device_time_zone(api.url, "t", "d") is None


def test_an_unreachable_api_means_no_zone_not_an_error(couple: Couple) -> None:
    from skill.alexa.api import device_time_zone

    assert device_time_zone("http://127.0.0.1:9", "t", "d") is None
    assert device_time_zone("ftp://example.com", "t", "d") is None


# ZoneInfo reads a name as a path under its tzpath and the tzdata package: a name that is a directory there
# raised IsADirectoryError, and an over-long one OSError(ENAMETOOLONG), neither of them "not found".
NOT_ZONES = [
    "America",
    "Europe/",
    "Europe/" + "x" * 300,
    "x" * 300,
    "../etc/passwd",
    "/etc/localtime",
    "Europe/Paris\x00",
    "",
    None,
]


@pytest.mark.parametrize("name", NOT_ZONES)
def test_a_stored_name_that_is_no_zone_means_utc_not_an_error(name: str | None) -> None:
    now = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)
    household = Household(time_zone=name, time_zone_checked=int(now.timestamp()))
    assert turn_at(now, household, None).local_now.utcoffset().total_seconds() == 0
    assert turn_at(now, household, lambda: name).known_local_now == now


def test_a_directory_in_the_time_zone_path_is_no_zone(tmp_path: Path) -> None:
    """The same on a machine whose zone files are a directory tree (the system's, not the tzdata package)."""
    import zoneinfo

    (tmp_path / "America").mkdir()
    zoneinfo.reset_tzpath([str(tmp_path)])
    try:
        assert zone_named("America") is None and zone_named("America/" + "x" * 300) is None
    finally:
        zoneinfo.reset_tzpath()


def _pythons_from_3_11() -> list[str]:
    """This interpreter and every other Python 3.11+ on the PATH or under pyenv that starts."""
    found = {sys.executable} | {path for name in ("python3", "python3.11", "python3.12", "python3.13", "python3.14")
                                if (path := shutil.which(name))}  # fmt: skip
    found |= {str(path) for path in Path.home().glob(".pyenv/versions/3.*/bin/python3")}
    asks = "import sys; print(sys.version_info >= (3, 11))"
    return sorted(path for path in found
                  if subprocess.run([path, "-c", asks], capture_output=True, text=True).stdout.strip() == "True")  # fmt: skip


@pytest.mark.slow
def test_every_python_here_reads_a_name_that_is_no_zone_as_none() -> None:
    """CI runs on the machine's python3; where another Python 3.11+ is installed, the same answer there."""
    import tzdata

    path = os.pathsep.join([str(REPOSITORY), str(Path(tzdata.__file__).parent.parent)])
    check = ("from skill.time_zones import zone_named\n"
             f"assert [zone_named(n) for n in {NOT_ZONES!r}] == [None] * {len(NOT_ZONES)}\n"
             "assert str(zone_named('Europe/London')) == 'Europe/London'\n")  # fmt: skip
    pythons = _pythons_from_3_11()
    for python in pythons:
        result = subprocess.run([python, "-I", "-c", f"import sys; sys.path[:0] = {path.split(os.pathsep)!r}\n" + check],
                                capture_output=True, text=True)  # fmt: skip
        assert result.returncode == 0, (python, result.stderr)
