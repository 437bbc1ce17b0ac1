"""Bad input, generated: whatever arrives, the Lambda answers with a valid envelope and the web endpoint with 200 or 400.

Hypothesis builds request envelopes the way Alexa would, then breaks them (missing fields, wrong
types, unknown intents and slots, huge values, odd unicode), and throws raw bytes at the web
endpoint. Every spoken answer must still pass Alexa's limits, and no answer may carry a trace.
"""

from __future__ import annotations

import base64
import json
import math
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import event as note
from hypothesis import strategies as st

from skill.content import load_content
from skill.speech.limits import check_response
from skill.state import household_key
from skill.store.sqlite import SQLiteStore
from tests.conftest import ROOT, load_lambda_app
from tests.support import alexa_certs
from tests.support.conversation import SKILL_ID

FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,  # nothing written into the repository
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
USER_ID = "amzn1.ask.account.FUZZED-COUPLE"
APOLOGIES = {
    escape(line)
    for locale in ("en-US", "en-GB")
    for line in load_content(locale).section("narrator").lines.variants("apology")
}
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")


def _model_intents() -> dict[str, list[str]]:
    """Every intent of the en-US model with its slot names, read from the generated model so new rituals are fuzzed too."""
    model = json.loads((ROOT / "interaction_models" / "en-US.json").read_text())
    intents = model["interactionModel"]["languageModel"]["intents"]
    return {intent["name"]: [slot["name"] for slot in intent.get("slots", [])] for intent in intents}


INTENTS = _model_intents()
SLOT_NAMES = sorted({slot for slots in INTENTS.values() for slot in slots})

# Values no Alexa should send, but a skill must survive: markup, numbers at the edge of floats, odd unicode.
NASTY_VALUES = [
    "",
    " ",
    "?",
    "1e309",
    "-1e309",
    "1e308",
    "-1e308",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "-3",
    "0",
    "-0",
    "0x10",
    "1_000",
    "12.5",
    "٣",
    "五",
    "½",
    "Maya & Sam",
    "<speak>hi</speak>",
    "</voice><voice name='Brian'>",
    "<break time='600s'/>",
    "<audio src='https://evil.example/a.mp3'/>",
    "]]><!--",
    "&amp;&lt;",
    "'\"",
    "\x00",
    "\u202eevil",
    "\ufeffMaya",
    "e\u0301\u0301\u0301",
    "🫶🏽",
    "\ud800",
    "Sam\nSam",
    "SELECT * FROM households",
    "{{first}}",
    "{0}",
    "%s%s%n",
    "../../etc/passwd",
    "Ma\u200bya",
]
REQUEST_TYPES = [
    "LaunchRequest",
    "IntentRequest",
    "SessionEndedRequest",
    "Connections.Response",
    "CanFulfillIntentRequest",
    "AlexaSkillEvent.SkillDisabled",
    "AlexaSkillEvent.SkillEnabled",
    "System.ExceptionEncountered",
    "Display.ElementSelected",
    "Alexa.Presentation.APL.UserEvent",
    "PlaybackController.PlayCommandIssued",
]

# Floats stay finite here: Alexa sends strict JSON (NaN and Infinity come as slot text, "NaN" or "1e309", above).
huge_values = st.sampled_from("9a<&").flatmap(lambda c: st.integers(300, 20_000).map(lambda n: c * n))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(NASTY_VALUES),
    huge_values,
)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
slot_values = st.one_of(
    st.sampled_from(NASTY_VALUES), st.text(max_size=60), st.integers().map(str), st.floats().map(str), huge_values
)
intent_names = st.one_of(
    st.sampled_from(sorted(INTENTS)), st.sampled_from(["Unknown.Intent", "", "AMAZON."]), st.text(max_size=30)
)


@st.composite
def slots(draw: st.DrawFn, intent: str) -> dict[str, Any]:
    """Slots as Alexa shapes them, for the intent's own slot names and some it never declared."""
    names = draw(st.lists(st.sampled_from(INTENTS.get(intent) or SLOT_NAMES) | st.text(max_size=10), max_size=4))
    result: dict[str, Any] = {}
    for name in names:
        slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
        if draw(st.booleans()):
            slot["value"] = draw(slot_values)
        if draw(st.integers(0, 4)) == 0:
            slot["resolutions"] = {
                "resolutionsPerAuthority": [
                    {
                        "authority": "amzn1.er-authority.echo-sdk.x.TYPE",
                        "status": {
                            "code": draw(st.sampled_from(["ER_SUCCESS_MATCH", "ER_SUCCESS_NO_MATCH", "nonsense"]))
                        },
                        "values": [{"value": {"name": draw(slot_values), "id": draw(slot_values)}}],
                    }
                ]
            }
        result[name] = slot
    return result


@st.composite
def well_formed_requests(draw: st.DrawFn) -> dict[str, Any]:
    """A request envelope that Alexa could send, with any request type, intent, slots and session."""
    request_type = draw(st.sampled_from(REQUEST_TYPES))
    request: dict[str, Any] = {
        "type": request_type,
        "requestId": f"amzn1.echo-api.request.{draw(st.integers(0, 10**6))}",
        "timestamp": draw(
            st.sampled_from(["2026-11-22T19:30:00Z", "2026-11-22T19:30:00.123Z", "2030-01-01T00:00:00Z"])
        ),
        "locale": draw(st.sampled_from([*LOCALES, "de-DE", "xx", ""])),
    }
    if request_type == "IntentRequest":
        name = draw(intent_names)
        request["intent"] = {"name": name, "confirmationStatus": "NONE", "slots": draw(slots(name))}
        request["dialogState"] = draw(st.sampled_from(["STARTED", "IN_PROGRESS", "COMPLETED"]))
    elif request_type == "SessionEndedRequest":
        request["reason"] = draw(st.sampled_from(["USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS", "?"]))
        if draw(st.booleans()):
            request["error"] = {"type": draw(st.text(max_size=20)), "message": draw(st.text(max_size=60))}
    elif request_type == "Connections.Response":
        request.update(
            {
                "name": draw(st.sampled_from(["AskFor", "Buy", ""])),
                "status": {"code": draw(st.sampled_from(["200", "400", "500", "x"])), "message": "OK"},
                "payload": {"status": draw(st.sampled_from(["ACCEPTED", "DENIED", "NOT_ANSWERED", "?"]))},
                "token": "",
            }
        )
    system: dict[str, Any] = {
        "application": {"applicationId": SKILL_ID},
        "user": {"userId": USER_ID},
        "device": {"deviceId": "amzn1.ask.device.KITCHEN", "supportedInterfaces": {}},
        "apiEndpoint": "http://127.0.0.1:9",  # nothing listens: no test reaches Amazon
        "apiAccessToken": "fuzz-token",
    }
    if draw(st.booleans()):
        system["person"] = {"personId": "amzn1.ask.person.FUZZED"}
    attributes = draw(
        st.dictionaries(
            st.sampled_from(["_expecting", "expecting", "pending_name", "pending_partner", "ritual", "step", "x"])
            | st.text(max_size=8),
            json_values,
            max_size=3,
        )
    )
    return {
        "version": "1.0",
        "session": {
            "new": draw(st.booleans()),
            "sessionId": "amzn1.echo-api.session.fuzz",
            "application": {"applicationId": SKILL_ID},
            "user": {"userId": USER_ID},
            "attributes": attributes,
        },
        "context": {"System": system},
        "request": request,
    }


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path (keys and indexes) into a JSON value, its root excluded."""
    found: list[tuple[Any, ...]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, child in items:
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


@st.composite
def broken_requests(draw: st.DrawFn) -> dict[str, Any]:
    """A well-formed request with a few fields removed or replaced by any JSON value of any type."""
    envelope = draw(well_formed_requests())
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(envelope)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = envelope
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
    return envelope


any_event = st.one_of(well_formed_requests(), broken_requests(), json_values)


def assert_valid_envelope(envelope: Any, locale: str = "en-US") -> None:
    """What Alexa needs back: a version, a response object, and speech (if any) within the limits."""
    assert isinstance(envelope, dict), envelope
    assert isinstance(envelope.get("version"), str)
    assert isinstance(envelope.get("response"), dict)
    json.dumps(envelope, allow_nan=False)  # it must travel as strict JSON
    clips = dict(load_content("en-US").sounds.clips.values())  # one sound catalogue for every locale
    problems = check_response(envelope, locale=locale, clip_seconds=clips)
    assert not problems, problems


def _locale_of(event: Any) -> str:
    request = event.get("request") if isinstance(event, dict) else None
    locale = request.get("locale") if isinstance(request, dict) else None
    return locale if isinstance(locale, str) and locale in LOCALES else "en-US"


# -- the Lambda handler -------------------------------------------------------------------------


@pytest.fixture
def lambda_handler() -> Any:
    """A cold-started Lambda per test, so its store is this test's own file (examples of one test share it)."""
    return load_lambda_app().handler


@FUZZ
@given(event=any_event)
def test_the_lambda_always_answers_with_a_valid_envelope(lambda_handler: Any, event: Any) -> None:
    answer = lambda_handler(event, None)
    assert_valid_envelope(answer, _locale_of(event))
    note("spoke" if "outputSpeech" in answer["response"] else "silent")


@FUZZ
@given(intent=st.sampled_from(sorted(INTENTS)), values=st.lists(slot_values, min_size=1, max_size=3), data=st.data())
def test_slot_values_are_never_trusted(
    lambda_handler: Any, intent: str, values: list[str], data: st.DataObject
) -> None:
    """Every declared slot of every intent, filled with markup, huge or impossible numbers and odd unicode."""
    names = INTENTS[intent] or ["unexpected"]
    envelope = data.draw(well_formed_requests())
    envelope["request"].update(
        {
            "type": "IntentRequest",
            "locale": "en-US",
            "intent": {
                "name": intent,
                "confirmationStatus": "NONE",
                "slots": {
                    n: {"name": n, "value": values[i % len(values)], "confirmationStatus": "NONE"}
                    for i, n in enumerate(names)
                },
            },
        }
    )
    answer = lambda_handler(envelope, None)
    assert_valid_envelope(answer)
    note("spoke" if "outputSpeech" in answer["response"] else "silent")
    ssml = (answer["response"].get("outputSpeech") or {}).get("ssml", "")
    for value in values:
        if "<" in value and len(value) > 3:
            assert value not in ssml, "markup from a slot must never reach the SSML unescaped"


_LAUNCH = {
    "version": "1.0",
    "session": {"new": True, "sessionId": "s", "application": {"applicationId": SKILL_ID}, "user": {"userId": USER_ID}},
    "context": {"System": {"application": {"applicationId": SKILL_ID}, "user": {"userId": USER_ID}}},
    "request": {"type": "LaunchRequest", "requestId": "r", "timestamp": "2026-11-22T19:30:00Z", "locale": "en-US"},
}


@FUZZ
@given(
    document=st.dictionaries(
        st.sampled_from(
            [
                "names",
                "voices_swapped",
                "next_first",
                "phrasing",
                "rituals",
                "in_progress",
                "time_zone",
                "time_zone_checked",
                "speakers",
                "layout",
                "words",
            ]
        )
        | st.text(max_size=8),
        json_values,
        max_size=8,
    ),
    event=well_formed_requests(),
)
@example(document={"names": ["Maya" * 5000, "Sam"]}, event=_LAUNCH)
@example(document={"names": ["Maya", {"first": "Sam"}], "rituals": [], "in_progress": {"ritual": "hug"}}, event=_LAUNCH)
@example(document={"names": ["Maya", "Sam"], "time_zone": "America"}, event=_LAUNCH)  # a directory in tzdata
@example(document={"names": ["Maya", "Sam"], "time_zone": "Europe/" + "x" * 300}, event=_LAUNCH)  # too long a file name
@example(
    document={"layout": 2, "words": "é,,x", "rituals": {"host": "{not json", "our_jar": "z:!!", "hug": 7}},
    event=_LAUNCH,
)
def test_a_damaged_stored_household_never_breaks_an_answer(
    lambda_handler: Any, embedded_store: Path, document: dict[str, Any], event: dict[str, Any]
) -> None:
    """A household document from an older version, or damaged on disk, is read leniently: the couple gets the
    ritual, not an apology they would hear on every visit until they asked to be forgotten."""
    store = SQLiteStore(embedded_store)
    key = household_key(USER_ID)
    store.delete(key)
    try:
        store.save(key, document, 0, int(datetime(2026, 11, 22, tzinfo=timezone.utc).timestamp()))
    except ValueError:
        return  # not storable as strict JSON in the first place (NaN); nothing to read back
    answer = lambda_handler(event, None)
    assert_valid_envelope(answer, _locale_of(event))
    ssml = (answer["response"].get("outputSpeech") or {}).get("ssml", "")
    assert not any(apology in ssml for apology in APOLOGIES), "a damaged record must not silence the skill"


def test_nan_and_infinite_numbers_in_the_event_are_survived(lambda_handler: Any) -> None:
    """Python's json reads NaN and Infinity; a Lambda event may carry them where numbers should be."""
    event = {
        "version": "1.0",
        "request": {"type": "LaunchRequest", "requestId": math.nan, "timestamp": math.inf, "locale": "en-US"},
    }
    assert_valid_envelope(lambda_handler(event, None))


# -- the web endpoint ---------------------------------------------------------------------------


@pytest.fixture
def fuzz_client() -> Any:
    from skill.web import create_app

    return create_app(verify_requests=False).test_client()


def _is_request_shaped(body: bytes) -> bool:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return False
    return (
        isinstance(data, dict)
        and isinstance(data.get("request"), dict)
        and isinstance(data["request"].get("type"), str)
    )


def assert_answer(response: Any, body: bytes) -> None:
    note(f"HTTP {response.status_code}")
    assert response.status_code in (200, 400), (response.status_code, response.data[:500])
    assert b"Traceback" not in response.data and b'File "' not in response.data
    if response.status_code == 200:
        assert _is_request_shaped(body), "only a request object is ever answered"
        assert_valid_envelope(response.get_json(), _locale_of(json.loads(body)))


raw_bodies = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.sampled_from(
        [
            b"",
            b"{}",
            b"null",
            b"[]",
            b'{"request": {}}',
            b'{"request": {"type": 1}}',
            b"{" * 5000,
            "\ufeff{}".encode(),
            json.dumps({"request": {"type": "LaunchRequest"}}).encode("utf-16"),
            b'{"request": {"type": "LaunchRequest", "timestamp": "yesterday"}}',
            b'{"request": {"type": "\\ud800"}}',
        ]
    ),
)


@FUZZ
@given(body=st.one_of(raw_bodies, any_event.map(lambda e: json.dumps(e).encode())))
def test_the_web_endpoint_answers_200_or_400_never_a_trace(fuzz_client: Any, body: bytes) -> None:
    assert_answer(fuzz_client.post("/alexa", data=body, content_type="application/json"), body)


def test_a_body_over_the_size_limit_is_refused_without_a_trace(fuzz_client: Any) -> None:
    from skill.web.app import MAX_BODY_BYTES

    body = json.dumps({"request": {"type": "LaunchRequest"}, "pad": "x" * MAX_BODY_BYTES}).encode()
    response = fuzz_client.post("/alexa", data=body, content_type="application/json")
    assert response.status_code == 413 and b"Traceback" not in response.data


@FUZZ
@given(
    cert_url=st.one_of(
        st.text(max_size=80), st.sampled_from(["https://s3.amazonaws.com/echo.api/echo-api-cert.pem", ""])
    ),
    signature=st.one_of(st.text(max_size=80), st.binary(max_size=256).map(lambda b: base64.b64encode(b).decode())),
    event=any_event,
)
def test_forged_signatures_are_always_400(verified_client: Any, cert_url: str, signature: str, event: Any) -> None:
    """With verification on, no made-up header ever gets an answer, and none gets a 500."""
    body = json.dumps(event).encode()
    headers = {"SignatureCertChainUrl": cert_url.replace("\n", ""), "Signature-256": signature.replace("\n", "")}
    try:
        response = verified_client.post("/alexa", data=body, headers=headers, content_type="application/json")
    except ValueError:
        return  # werkzeug refuses to build a request with such a header: nothing reaches us
    assert response.status_code == 400, response.data[:300]
    assert b"Traceback" not in response.data


@pytest.fixture
def verified_client() -> Any:
    """The web service with real verifiers, trusting only the local test root and never fetching from the network."""
    from skill.web import create_app
    from skill.web.signature import AlexaSignatureVerifier, AlexaTimestampVerifier

    verifier = AlexaSignatureVerifier(
        fetch=lambda url: alexa_certs.chain_pem(), trusted_roots=[alexa_certs.root_cert()]
    )
    return create_app(verifiers=[verifier, AlexaTimestampVerifier()]).test_client()
