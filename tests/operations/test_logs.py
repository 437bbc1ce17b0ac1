"""The logs of a whole evening: one JSON line per request with its id, intent and timing, and nothing that names anyone."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.support.conversation import Couple

USER_ID = "amzn1.ask.account.AFLOGSPRIVATEUSERID7Q"
PERSON_ID = "amzn1.ask.person.AFLOGSPRIVATEPERSONID3Z"
SECRETS = (USER_ID, PERSON_ID, "Maya", "Sam", "test-token")


def evening(couple: Couple) -> None:
    """A full conversation, with both names spoken, a recognised speaker, a misheard number and an Alexa error."""
    couple.user_id, couple.person_id = USER_ID, PERSON_ID
    couple.launch()
    couple.intent("SetNamesIntent", first="Maya", second="Sam")
    couple.intent("BreatheIntent", breaths="2")
    couple.later(minutes=5).launch()
    couple.intent("AMAZON.HelpIntent")
    couple.intent("SomethingNobodyDeclaredIntent")
    couple.intent("AMAZON.RepeatIntent")
    couple.session_ended(
        "ERROR", {"type": "INVALID_RESPONSE", "message": "Invalid SSML near '<voice name=\"Joanna\">Maya, your turn'"}
    )
    couple.intent("HugIntent", one_shot=True, seconds="1e309")
    couple.launch()
    couple.intent("AMAZON.StopIntent")


def json_lines(err: str) -> list[dict[str, Any]]:
    """Every captured stderr line, each of which must be one JSON object."""
    lines = [line for line in err.splitlines() if line.strip()]
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            pytest.fail(f"a log line that is not JSON: {line[:200]}")
        assert isinstance(entry, dict)
        entries.append(entry)
    return entries


def check_the_evening_logs(entries: list[dict[str, Any]], sent: list[str], intents: list[str | None]) -> None:
    text = json.dumps(entries)
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), f"{secret!r} is in the logs"
    handled = [entry for entry in entries if entry["message"] == "request handled"]
    assert [entry["request_id"] for entry in handled] == sent, "exactly one request line per request, in order"
    assert [entry["intent"] for entry in handled] == intents
    for entry in handled:
        assert isinstance(entry["ms"], (int, float)) and entry["ms"] >= 0
        assert entry["household"] and len(entry["household"]) == 16  # a pseudonym, never the id
        assert {"time", "level", "request_type"} <= set(entry)


_sent_ids: list[str] = []
_requests: list[dict[str, Any]] = []


@pytest.fixture
def recorded() -> Any:
    """Wraps a surface so the test knows every request it sent (ids, intents)."""
    _sent_ids.clear()
    _requests.clear()

    def wrap(send: Any) -> Any:
        def wrapped(event: dict[str, Any]) -> dict[str, Any]:
            _sent_ids.append(event["request"]["requestId"])
            _requests.append(event["request"])
            return send(event)

        return wrapped

    return wrap


def test_the_lambda_logs_of_an_evening_name_nobody(
    lambda_app: Any, recorded: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    couple = Couple(send=recorded(lambda event: lambda_app.handler(event, None)))
    evening(couple)
    entries = json_lines(capsys.readouterr().err)
    check_the_evening_logs(entries, list(_sent_ids), [r.get("intent", {}).get("name") for r in _requests])
    ended = next(entry for entry in entries if entry["message"] == "session ended")
    assert ended["alexa_error_type"] == "INVALID_RESPONSE" and "Invalid SSML" in ended["alexa_error_message"]


def test_distress_and_a_disclosure_are_logged_like_a_stray_word(
    lambda_app: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a home server the partner who runs it reads these logs: nothing says what was asked for."""
    couple = Couple(send=lambda event: lambda_app.handler(event, None))
    couple.meet()
    capsys.readouterr()
    couple.intent("SafetyIntent", one_shot=True)
    couple.intent("DistressIntent", one_shot=True)
    couple.intent("AMAZON.FallbackIntent", one_shot=True)
    couple.intent("HugIntent", one_shot=True)
    entries = json_lines(capsys.readouterr().err)
    lines = [entry for entry in entries if entry["message"] == "request handled"]
    assert [entry["intent"] for entry in lines] == ["AMAZON.FallbackIntent"] * 3 + ["HugIntent"]
    assert len({entry["household"] for entry in lines}) == 1 and lines[0]["household"], (
        "the same pseudonym as any request"
    )
    assert set(lines[0]) == set(lines[2]), "the same fields as a stray word's line"
    assert not any(word in json.dumps(entries).lower() for word in ("safety", "distress", "care", "helpline", "988"))


def test_the_web_logs_of_an_evening_name_nobody(
    web_client: Any, recorded: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    def post(event: dict[str, Any]) -> dict[str, Any]:
        response = web_client.post("/alexa", json=event)
        assert response.status_code == 200
        return response.get_json()

    capsys.readouterr()
    evening(Couple(send=recorded(post)))
    entries = json_lines(capsys.readouterr().err)
    check_the_evening_logs(entries, list(_sent_ids), [r.get("intent", {}).get("name") for r in _requests])


def test_a_failed_request_still_has_its_request_line_and_names_nobody(
    monkeypatch: pytest.MonkeyPatch, couple: Couple, recorded: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from skill.rituals import hug

    def explode(turn: Any) -> Any:
        raise RuntimeError(f"{USER_ID} Maya and Sam broke something")

    couple.send = recorded(couple.send)
    couple.meet("Maya", "Sam")
    monkeypatch.setattr(hug.RITUAL, "start", explode)
    capsys.readouterr()
    said = couple.intent("HugIntent", one_shot=True)
    assert "sorry" in said.text.lower()
    entries = json_lines(capsys.readouterr().err)
    failed = next(entry for entry in entries if entry["message"] == "request failed")
    assert failed["error"] == "RuntimeError" and failed["where"]
    handled = [entry for entry in entries if entry["message"] == "request handled"]
    assert [(e["request_id"], e["intent"]) for e in handled] == [(_sent_ids[-1], "HugIntent")]
    assert "Maya" not in json.dumps(entries) and USER_ID not in json.dumps(entries)


@pytest.mark.slow
def test_a_fresh_web_process_logs_only_json() -> None:
    """Flask adds its own plain-text handler (full tracebacks) unless ours is in place before the app logs anything."""
    script = (
        "from flask.logging import default_handler\n"
        "from skill.web import create_app\n"
        "app = create_app(verify_requests=False)\n"
        "app.logger.error('probe', exc_info=ValueError('amzn1.ask.account.SECRET'))\n"
        "print(default_handler in app.logger.handlers)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "False"
    entries = json_lines(done.stderr)
    assert [entry["message"] for entry in entries] == ["probe"]
    assert "SECRET" not in done.stderr


def test_an_operators_own_handler_still_gets_whole_records() -> None:
    """The skill's logger makes its records without the caller, thread or process (its JSON never shows them): a
    handler an operator adds, with logging's own formatter, still formats them, extra fields included, and an
    `extra` naming a record's own attribute is refused as logging refuses it."""
    import logging

    from skill.logs import get_logger

    log = get_logger()
    kept: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            kept.append(self.format(record))

    handler = Keep()
    handler.setFormatter(
        logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s %(filename)s:%(lineno)d %(threadName)s %(message)s %(household)s"
        )
    )
    log.addHandler(handler)
    try:
        log.info("request handled for %s", "a household", extra={"household": "0123456789abcdef"})
        with pytest.raises(KeyError, match="Attempt to overwrite 'lineno'"):
            log.info("request handled", extra={"lineno": 3})
    finally:
        log.removeHandler(handler)
    assert len(kept) == 1
    assert kept[0].endswith(" INFO our_rituals (unknown file):0 None request handled for a household 0123456789abcdef")
