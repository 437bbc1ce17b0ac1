"""Every request shape Alexa documents gets a valid answer, through the Lambda handler and the web endpoint.

The bodies in tests/support/fixtures/ are written by us in the shapes of Amazon's request reference (launch with a
recognised person, a unit and a Viewport; entity resolution matched and not; a dialogState; session-ended
errors; skill events; permission answers with and without a session; APL, AudioPlayer and
PlaybackController events; an epoch-millisecond timestamp). Each is sent with a fresh timestamp; each
answer must deserialize into ask_sdk_model's ResponseEnvelope, keep Alexa's limits, carry well-formed SSML,
and a SessionEndedRequest gets no speech. Then the request defects the outside run found, one by one.
"""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope, ResponseEnvelope

from skill.content import load_content
from skill.speech.limits import check_response
from skill.timestamps import alexa_time
from skill.web.signature import AlexaSignatureVerifier, AlexaTimestampVerifier
from tests.support import alexa_certs
from tests.support.alexa_api_standin import AlexaApiStandIn, consent_answer
from tests.support.conversation import Couple

FIXTURES = Path(__file__).resolve().parents[1] / "support" / "fixtures"
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"
APOLOGIES = set(load_content("en-US").section("narrator").lines.variants("apology"))
CLIPS = dict(load_content("en-US").sounds.clips.values())
SERIALIZER = DefaultSerializer()
# Requests that must never be answered with speech (Alexa's rules for them).
SILENT_TYPES = (
    "SessionEndedRequest",
    "System.ExceptionEncountered",
    "AlexaSkillEvent.",
    "AudioPlayer.",
    "PlaybackController.",
    "Alexa.DataStore.",
    "CanFulfillIntentRequest",
)


def fixture_names() -> list[str]:
    return sorted(path.stem for path in FIXTURES.glob("*.json"))


def fresh(name: str) -> dict[str, Any]:
    """The fixture with its timestamp made now, in the fixture's own form (ISO text, or epoch milliseconds)."""
    body: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    now = datetime.now(timezone.utc)
    written = body["request"]["timestamp"]
    if isinstance(written, int):
        body["request"]["timestamp"] = int(now.timestamp() * 1000)
    elif isinstance(written, str) and written.isdigit():
        body["request"]["timestamp"] = str(int(now.timestamp() * 1000))
    else:
        body["request"]["timestamp"] = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    return body


def check_answer(name: str, request: dict[str, Any], answer: dict[str, Any]) -> None:
    """What every answer must be, whatever the request."""
    envelope = SERIALIZER.deserialize(json.dumps(answer), ResponseEnvelope)
    assert isinstance(envelope, ResponseEnvelope) and envelope.response is not None, name
    assert not check_response(answer, locale="en-US", clip_seconds=CLIPS), (
        f"{name}: {check_response(answer, locale='en-US', clip_seconds=CLIPS)}"
    )
    response = answer["response"]
    # A reply said over a sound bed carries its speech in an APL for audio directive instead of outputSpeech.
    bed = next(
        (d for d in response.get("directives", []) if d["type"] == "Alexa.Presentation.APLA.RenderDocument"), None
    )
    bed_speech = {"type": "SSML", "ssml": bed["datasources"]["bed"]["ssml"]} if bed else None
    for speech in (response.get("outputSpeech") or bed_speech, (response.get("reprompt") or {}).get("outputSpeech")):
        if speech:
            ET.fromstring(re.sub(r"(</?)amazon:", r"\1amazon_", speech["ssml"]))  # well-formed, or this raises
            assert not any(apology in speech["ssml"] for apology in APOLOGIES), f"{name}: apologised"
    if request["request"]["type"] in ("LaunchRequest", "IntentRequest"):
        assert "outputSpeech" in response or bed_speech, f"{name}: silence where the couple spoke to us"
    if request["request"]["type"].startswith(SILENT_TYPES):
        assert "outputSpeech" not in response and "reprompt" not in response and not bed, f"{name} got speech"
    if "reprompt" in response:
        assert response.get("shouldEndSession") is False, f"{name}: a reprompt on a closing response"


def test_the_corpus_covers_what_the_issue_lists() -> None:
    names = fixture_names()
    assert len(names) >= 20
    types = {json.loads((FIXTURES / f"{n}.json").read_text())["request"]["type"] for n in names}
    assert {
        "LaunchRequest", "IntentRequest", "SessionEndedRequest", "System.ExceptionEncountered", "Connections.Response",
        "CanFulfillIntentRequest", "AlexaSkillEvent.SkillEnabled", "AlexaSkillEvent.SkillDisabled",
        "AlexaSkillEvent.SkillPermissionAccepted", "AlexaSkillEvent.SkillPermissionChanged",
        "Alexa.Presentation.APL.UserEvent", "AudioPlayer.PlaybackStarted", "PlaybackController.PlayCommandIssued",
    } <= types  # fmt: skip
    text = "".join((FIXTURES / f"{n}.json").read_text() for n in names)
    for shape in (
        '"person"',
        '"unit"',
        '"Viewport"',
        "ER_SUCCESS_MATCH",
        "ER_SUCCESS_NO_MATCH",
        '"dialogState"',
        '"error"',
    ):
        assert shape in text, shape
    bodies = [json.loads((FIXTURES / f"{n}.json").read_text()) for n in names]
    assert any(b["request"]["type"] == "Connections.Response" and "session" not in b for b in bodies)
    assert any(isinstance(b["request"]["timestamp"], int) for b in bodies)


@pytest.mark.parametrize("name", fixture_names())
def test_each_fixture_is_the_sdk_models_own_request_type(name: str) -> None:
    """Our bodies are read by ask_sdk_model (generated from Amazon's API definitions) as the request they claim to be."""
    from skill.alexa.skill import AlexaSerializer

    body = fresh(name)
    envelope = AlexaSerializer().deserialize(json.dumps(body), RequestEnvelope)
    request = envelope.request
    assert type(request).__name__ != "Request", f"{name}: read as a generic request"
    assert getattr(request, "object_type", None) == body["request"]["type"]
    assert alexa_time(request.timestamp) is not None


@pytest.mark.parametrize("name", fixture_names())
def test_each_fixtures_times_are_the_instants_the_sdks_own_parser_reads(name: str) -> None:
    """Our serializer reads ISO 8601 with the standard library instead of dateutil: the same instants, field by field."""
    from skill.alexa.skill import AlexaSerializer

    body = fresh(name)
    # the SDK reads no epochs
    body["request"]["timestamp"] = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
    ours = AlexaSerializer().deserialize(json.dumps(body), RequestEnvelope)
    sdks = SERIALIZER.deserialize(json.dumps(body), RequestEnvelope)
    times = [(key, value) for key, value in vars(sdks.request).items() if isinstance(value, datetime)]
    assert times, f"{name}: no time read"
    for key, value in times:
        assert getattr(ours.request, key) == value, key
        assert getattr(ours.request, key).utcoffset() == value.utcoffset(), key


@pytest.mark.parametrize("text", ["2026-11-22T19:30:00Z", "2026-11-22T19:30:00.123Z", "2026-11-22T19:30:00+01:00"])
def test_an_iso_timestamp_is_read_as_the_sdk_reads_it(text: str) -> None:
    from skill.alexa.skill import AlexaSerializer

    body = fresh("launch_first_time")
    body["request"]["timestamp"] = text
    ours = AlexaSerializer().deserialize(json.dumps(body), RequestEnvelope).request.timestamp
    assert ours == SERIALIZER.deserialize(json.dumps(body), RequestEnvelope).request.timestamp
    assert ours.tzinfo is not None


def test_a_timestamp_the_standard_library_cannot_read_still_goes_to_the_sdks_parser() -> None:
    from skill.alexa.skill import AlexaSerializer

    body = fresh("launch_first_time")
    body["request"]["timestamp"] = "Sun, 22 Nov 2026 19:30:00 GMT"
    ours = AlexaSerializer().deserialize(json.dumps(body), RequestEnvelope).request.timestamp
    assert ours == datetime(2026, 11, 22, 19, 30, tzinfo=timezone.utc)


class _SdkReadingOurTimes(DefaultSerializer):
    """The SDK's serializer as it is, but for times, which it reads as our serializer does (epochs included)."""

    def _DefaultSerializer__deserialize_datetime(self, payload: Any, obj_type: Any) -> Any:
        from skill.alexa.serializer import AlexaSerializer

        return AlexaSerializer._DefaultSerializer__deserialize_datetime(self, payload, obj_type)  # type: ignore[arg-type]


def same_objects(sdks: Any, ours: Any, path: str = "envelope") -> None:
    """The same classes, the same attributes set in the same order, the same values, all the way down."""
    assert type(ours) is type(sdks), f"{path}: {type(ours)} against {type(sdks)}"
    if isinstance(sdks, dict):
        assert list(ours) == list(sdks), path
        for key in sdks:
            same_objects(sdks[key], ours[key], f"{path}[{key!r}]")
    elif isinstance(sdks, list):
        assert len(ours) == len(sdks), path
        for index, (theirs, mine) in enumerate(zip(sdks, ours)):
            same_objects(theirs, mine, f"{path}[{index}]")
    elif hasattr(sdks, "__dict__") and not isinstance(sdks, type):
        assert list(vars(ours)) == list(vars(sdks)), path
        for key, value in vars(sdks).items():
            same_objects(value, vars(ours)[key], f"{path}.{key}")
    else:
        assert ours == sdks, path


@pytest.mark.parametrize("name", fixture_names())
def test_each_fixture_is_read_and_written_as_the_sdks_own_serializer_does(name: str) -> None:
    """Our serializer plans each model class once instead of working it out per object: the same objects come out
    of every fixture (extra keys kept, enums, subclasses by discriminator), and the same JSON, key order included."""
    from skill.alexa.serializer import AlexaSerializer

    text = json.dumps(fresh(name))
    sdk, ours = _SdkReadingOurTimes(), AlexaSerializer()
    for _ in range(2):  # the second time from the plans made the first
        envelope = ours.deserialize(text, RequestEnvelope)
        same_objects(sdk.deserialize(text, RequestEnvelope), envelope)
        assert json.dumps(ours.serialize(envelope)) == json.dumps(sdk.serialize(envelope))


@pytest.mark.parametrize("name", ["launch_person_unit_viewport", "intent_depth_er_success_match", "skill_disabled"])
def test_reading_a_request_imports_no_model_the_sdks_own_reading_does_not(name: str) -> None:
    """A model class is resolved (its module imported) only when a request has a value of it, as the SDK does: a
    cold start pays for no model module the request does not use."""
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "from ask_sdk_model import RequestEnvelope\n"
        "from ask_sdk_core.serialize import DefaultSerializer\n"
        "from skill.alexa.serializer import AlexaSerializer\n"
        "serializer = AlexaSerializer() if sys.argv[2] == 'ours' else DefaultSerializer()\n"
        "before = set(sys.modules)\n"
        "serializer.deserialize(open(sys.argv[1]).read(), RequestEnvelope)\n"
        "print(json.dumps(sorted(m for m in set(sys.modules) - before if m.startswith('ask_sdk_model'))))\n"
    )
    body = FIXTURES / f"{name}.json"
    imported = {
        side: json.loads(subprocess.run([sys.executable, "-c", script, str(body), side], capture_output=True, text=True,
                                        check=True, cwd=FIXTURES.parent.parent).stdout)
        for side in ("ours", "sdk")
    }  # fmt: skip
    assert set(imported["ours"]) <= set(imported["sdk"]), sorted(set(imported["ours"]) - set(imported["sdk"]))


@pytest.mark.parametrize(
    "body",
    [
        {"version": "1.0", "request": {"type": "LaunchRequest", "requestId": "r", "timestamp": "2026-11-22T19:30:00Z", "extra": [1]}, "odd": {"a": None}},
        {"version": "1.0", "request": {"type": "IntentRequest", "requestId": "r", "timestamp": "2026-11-22T19:30:00Z",
                                       "dialogState": "STARTED", "intent": {"name": "HugIntent", "slots": None}}},
        {"version": 1, "session": "", "context": [], "request": {"type": "SessionEndedRequest", "reason": "USER_INITIATED"}},
    ],
)  # fmt: skip
def test_odd_but_readable_envelopes_are_read_as_the_sdk_reads_them(body: dict[str, Any]) -> None:
    from skill.alexa.serializer import AlexaSerializer

    text = json.dumps(body)
    same_objects(
        _SdkReadingOurTimes().deserialize(text, RequestEnvelope), AlexaSerializer().deserialize(text, RequestEnvelope)
    )


@pytest.mark.parametrize(
    "body",
    [
        {"version": "1.0", "request": {"type": "NoSuchRequest", "requestId": "r"}},
        {"version": "1.0", "request": {"requestId": "r"}},
        {"version": "1.0", "request": {"type": "IntentRequest", "dialogState": "NOT_A_STATE"}},
        {"version": "1.0", "request": {"type": "IntentRequest", "intent": 7}},
        {"version": "1.0", "request": [1, 2]},
    ],
)
def test_envelopes_the_sdk_refuses_are_refused_alike(body: dict[str, Any]) -> None:
    from ask_sdk_core.exceptions import SerializationException

    from skill.alexa.serializer import AlexaSerializer

    text = json.dumps(body)
    with pytest.raises(SerializationException):
        _SdkReadingOurTimes().deserialize(text, RequestEnvelope)
    with pytest.raises(SerializationException):
        AlexaSerializer().deserialize(text, RequestEnvelope)


@pytest.mark.parametrize("name", fixture_names())
def test_each_fixture_through_the_lambda_handler(lambda_app: Any, name: str) -> None:
    body = fresh(name)
    answer = lambda_app.handler(copy.deepcopy(body), None)
    check_answer(name, body, answer)


@pytest.fixture
def signed_client() -> Any:
    """The web service with Alexa's checks on: signatures from the tests' own certificate chain, and the 150 s window."""
    from skill.web import create_app

    app = create_app(
        verifiers=[
            AlexaSignatureVerifier(fetch=lambda url: alexa_certs.chain_pem(), trusted_roots=[alexa_certs.root_cert()]),
            AlexaTimestampVerifier(),
        ]
    )
    return app.test_client()


def post_signed(client: Any, body: dict[str, Any]) -> Any:
    raw = json.dumps(body).encode()
    headers = {"SignatureCertChainUrl": CERT_URL, "Signature-256": alexa_certs.sign_body(raw)}
    return client.post("/alexa", data=raw, headers=headers, content_type="application/json")


@pytest.mark.parametrize("name", fixture_names())
def test_each_fixture_through_the_signed_web_endpoint(signed_client: Any, name: str) -> None:
    body = fresh(name)
    response = post_signed(signed_client, body)
    assert response.status_code == 200, (name, response.data[:200])
    check_answer(name, body, response.get_json())


@pytest.mark.parametrize("form", ["integer", "text"])
def test_an_epoch_millisecond_timestamp_out_of_the_window_is_refused_like_any_other(
    signed_client: Any, form: str
) -> None:
    body = fresh("launch_epoch_milliseconds")
    stale = int((datetime.now(timezone.utc).timestamp() - 600) * 1000)
    body["request"]["timestamp"] = stale if form == "integer" else str(stale)
    assert post_signed(signed_client, body).status_code == 400


# -- the defects the outside run found, at their cause ----------------------------------------------------
def test_an_epoch_millisecond_timestamp_is_that_moment(couple: Couple, lambda_app: Any, stored) -> None:
    """ "Now" is the request's own clock, in either form: a ritual kept from an ISO request is found by an epoch one."""
    couple.meet()
    couple.intent("RoseThornBudIntent", one_shot=True, pace="open")
    body = couple.envelope({"type": "IntentRequest", "intent": {"name": "AMAZON.ResumeIntent", "slots": {}}}, new=True)
    body["request"]["timestamp"] = int(couple.later(hours=1).now.timestamp() * 1000)
    answer = lambda_app.handler(body, None)
    assert "rose" in answer["response"]["outputSpeech"]["ssml"].lower()
    # The resume kept the place again, for the turn-taking rituals' hours from the epoch moment itself.
    keep_hours = float(load_content("en-US").section("turns").settings["keep_hours"])
    expiry = stored(couple)["in_progress"]["expires_at"]
    assert expiry == int(couple.now.timestamp() + keep_hours * 3600)
    body["request"]["timestamp"] = (expiry + 60) * 1000  # a minute past the place's expiry
    lambda_app.handler(body, None)
    assert stored(couple)["in_progress"] is None or stored(couple)["in_progress"]["ritual"] != "rose_thorn_bud"


def without_session(couple: Couple, request: dict[str, Any]) -> dict[str, Any]:
    body = couple.envelope(request, new=False)
    del body["session"]
    return body


def test_a_permission_answer_without_a_session_sets_one_timer_and_no_apology(
    couple: Couple, lambda_app: Any, alexa_api: AlexaApiStandIn, stored
) -> None:
    couple.api_endpoint = alexa_api.url
    couple.meet()
    alexa_api.status = 403
    couple.intent("MagicMinutesIntent", one_shot=True)
    alexa_api.status = 200
    answer = lambda_app.handler(without_session(couple.later(seconds=20), consent_answer("ACCEPTED")), None)
    speech = answer["response"]["outputSpeech"]["ssml"]
    assert not any(apology in speech for apology in APOLOGIES)
    assert answer["response"]["shouldEndSession"] is True and "sessionAttributes" not in answer
    timers = [r for r in alexa_api.received if r.path == "/v1/alerts/timers"]
    assert len(timers) == 2, "the refused attempt, then the one timer"
    assert stored(couple)["rituals"]["magic_minutes"]["timer_for_run"] == 1
    # Alexa delivers the same answer again: the minutes have begun, and no second timer is set.
    again = lambda_app.handler(without_session(couple.later(seconds=5), consent_answer("ACCEPTED")), None)
    assert not any(apology in again["response"]["outputSpeech"]["ssml"] for apology in APOLOGIES)
    assert len([r for r in alexa_api.received if r.path == "/v1/alerts/timers"]) == 2


def test_a_denied_answer_without_a_session_still_gives_the_minutes(
    couple: Couple, lambda_app: Any, alexa_api: AlexaApiStandIn
) -> None:
    couple.api_endpoint = alexa_api.url
    couple.meet()
    alexa_api.status = 403
    couple.intent("MagicMinutesIntent", one_shot=True)
    answer = lambda_app.handler(without_session(couple, consent_answer("DENIED")), None)
    speech = answer["response"]["outputSpeech"]["ssml"]
    assert not any(apology in speech for apology in APOLOGIES) and ("Maya" in speech or "Sam" in speech)


def test_a_session_ending_apology_carries_no_reprompt(couple: Couple, monkeypatch: pytest.MonkeyPatch) -> None:
    """The failure the outside run saw: the reply had its reprompt on the builder when the session write failed."""
    from skill.alexa import conversation

    couple.meet()

    def session_write_fails(self: Any, attributes: dict[str, object]) -> None:
        raise RuntimeError("session attributes could not be set")

    monkeypatch.setattr(conversation.Conversation, "_keep_in_session", session_write_fails)
    said = couple.intent("RoseThornBudIntent", one_shot=True, pace="open")
    assert said.text in APOLOGIES and said.ends_session
    assert "reprompt" not in said.response and "directives" not in said.response
