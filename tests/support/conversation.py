"""Conversation tests as transcripts: send what a couple says, check what the skill says and stores.

Every response that passes through here is checked against Alexa's limits first (docs/ARCHITECTURE.md), so no
test can accept a reply Alexa would refuse.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from skill.content import load_content
from skill.engine.turn_taking import SPOKEN_CHARS_PER_SECOND
from skill.speech.limits import check_response
from skill.state import household_key

SKILL_ID = "amzn1.ask.skill.test-our-rituals"
START = datetime(2026, 11, 22, 19, 30, tzinfo=timezone.utc)
_ids = itertools.count(1)

Send = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Line:
    voice: str | None  # None: Alexa's own voice (the narrator)
    text: str


@dataclass
class Said:
    """What the skill answered to one request."""

    envelope: dict[str, Any]
    locale: str

    @property
    def response(self) -> dict[str, Any]:
        return self.envelope["response"]

    @property
    def sound_bed(self) -> dict[str, Any] | None:
        """The APL for audio directive that says the speech over a sound bed, if the reply has one."""
        return next(
            (
                d
                for d in self.response.get("directives", [])
                if d.get("type") == "Alexa.Presentation.APLA.RenderDocument"
            ),
            None,
        )

    @property
    def ssml(self) -> str:
        """What Alexa says: outputSpeech, or the speech of its sound bed (the same SSML, over a quiet loop)."""
        if (bed := self.sound_bed) is not None:
            return str(bed["datasources"]["bed"]["ssml"])
        return (self.response.get("outputSpeech") or {}).get("ssml", "")

    @property
    def reprompt_ssml(self) -> str:
        return ((self.response.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml", "")

    @property
    def lines(self) -> list[Line]:
        return _lines(self.ssml)

    @property
    def text(self) -> str:
        """Everything spoken, as plain text, one space between lines."""
        return " ".join(line.text for line in self.lines)

    @property
    def reprompt(self) -> str:
        return " ".join(line.text for line in _lines(self.reprompt_ssml))

    def by_voice(self, voice: str | None) -> list[str]:
        return [line.text for line in self.lines if line.voice == voice]

    @property
    def voices(self) -> list[str | None]:
        return [line.voice for line in self.lines]

    @property
    def ends_session(self) -> bool:
        return self.response.get("shouldEndSession") is True

    @property
    def is_empty(self) -> bool:
        return "outputSpeech" not in self.response and self.sound_bed is None

    @property
    def session_attributes(self) -> dict[str, Any]:
        return self.envelope.get("sessionAttributes") or {}

    def playing_seconds(self) -> float:
        """About how long the answer plays in a kitchen: its breaks and clips, and its words at Alexa's pace."""
        return self.timed_seconds() + sum(len(line.text) for line in self.lines) / SPOKEN_CHARS_PER_SECOND

    def timeline(self, spoken: Callable[[str], float] | None = None) -> list[tuple[float, Line]]:
        """When each line starts, in seconds from the start of the answer (words at Alexa's pace, breaks, clips).

        `spoken` says how long a line takes to say (by default its characters at the engine's estimate of Alexa's pace).
        """
        clips = dict(load_content(self.locale).sounds.clips.values())
        starts: list[tuple[float, Line]] = []
        clock = 0.0

        def walk(element: ET.Element, voice: str | None) -> None:
            nonlocal clock
            if element.tag == "voice":
                voice = element.get("name")
            elif element.tag == "break":
                value = element.attrib["time"]
                clock += float(value[:-2]) / 1000 if value.endswith("ms") else float(value[:-1])
            elif element.tag == "audio":
                clock += clips[element.attrib["src"]]
            say(element.text, voice)
            for child in element:
                walk(child, voice)
                say(child.tail, voice)

        def say(text: str | None, voice: str | None) -> None:
            nonlocal clock
            if text and text.strip():
                line = Line(voice, " ".join(text.split()))
                starts.append((clock, line))
                clock += spoken(line.text) if spoken else len(line.text) / SPOKEN_CHARS_PER_SECOND

        if self.ssml:
            walk(_parse(self.ssml), None)
        return starts

    def timed_seconds(self) -> float:
        """Seconds of breaks and sound clips in the speech (what a timed ritual holds for)."""
        clips = dict(load_content(self.locale).sounds.clips.values())
        total = 0.0
        for tag, attrs in _tags(self.ssml):
            if tag == "break":
                value = attrs["time"]
                total += float(value[:-2]) / 1000 if value.endswith("ms") else float(value[:-1])
            elif tag == "audio":
                total += clips[attrs["src"]]
        return total

    def tags(self, name: str) -> list[dict[str, str]]:
        return [attrs for tag, attrs in _tags(self.ssml) if tag == name]


def _parse(ssml: str) -> ET.Element:
    return ET.fromstring(re.sub(r"(</?)amazon:", r"\1amazon_", ssml))


def _tags(ssml: str) -> list[tuple[str, dict[str, str]]]:
    if not ssml:
        return []
    return [(element.tag, dict(element.attrib)) for element in _parse(ssml).iter()]


def _lines(ssml: str) -> list[Line]:
    if not ssml:
        return []
    lines: list[Line] = []

    def add(text: str | None, voice: str | None) -> None:
        if text and text.strip():
            lines.append(Line(voice, " ".join(text.split())))

    def walk(element: ET.Element, voice: str | None) -> None:
        if element.tag == "voice":
            voice = element.get("name")
        add(element.text, voice)
        for child in element:
            walk(child, voice)
            add(child.tail, voice)

    walk(_parse(ssml), None)
    return lines


@dataclass
class Couple:
    """One household talking to the skill through a surface (`send`), one request at a time."""

    send: Send
    user_id: str = "amzn1.ask.account.TEST-COUPLE-ONE"
    locale: str = "en-US"
    now: datetime = START
    person_id: str | None = None
    # Where the skill calls the Alexa REST APIs (timers, reminders, settings): a test points it at a local
    # stand-in. By default nothing listens there, so no test ever reaches the real Amazon API.
    api_endpoint: str = "http://127.0.0.1:9"
    session_id: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    session_open: bool = False
    history: list[Said] = field(default_factory=list)
    # The kitchen clock: each answer takes as long to play as it would in a kitchen, so the next request is
    # sent when the couple would really say it (after it), unless a test barges in (`barge_in`). Off, the
    # clock moves only when a test moves it (`later`), and a request at the same second follows the answer.
    kitchen_clock: bool = False
    answer_started: datetime = START
    # Which Echo the couple is talking to (context.System.device.deviceId): a household may have several.
    device_id: str = "amzn1.ask.device.KITCHEN"

    # -- time and sessions ---------------------------------------------------------------
    def later(self, **delta: float) -> Couple:
        """Move Alexa's clock on (the skill's "now" is the request timestamp)."""
        self.now += timedelta(**delta)
        return self

    def new_session(self) -> None:
        self.session_id = f"amzn1.echo-api.session.{next(_ids)}"
        self.attributes = {}
        self.session_open = True

    # -- requests --------------------------------------------------------------------------
    def envelope(self, request: dict[str, Any], *, new: bool) -> dict[str, Any]:
        system: dict[str, Any] = {
            "application": {"applicationId": SKILL_ID},
            "user": {"userId": self.user_id},
            "device": {"deviceId": self.device_id, "supportedInterfaces": {}},
            "apiEndpoint": self.api_endpoint,
            "apiAccessToken": "test-token",
        }
        if self.person_id:
            system["person"] = {"personId": self.person_id}
        return {
            "version": "1.0",
            "session": {
                "new": new,
                "sessionId": self.session_id,
                "application": {"applicationId": SKILL_ID},
                "user": {"userId": self.user_id},
                "attributes": dict(self.attributes),
            },
            "context": {"System": system},
            "request": {
                "requestId": f"amzn1.echo-api.request.{next(_ids)}",
                "timestamp": self.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "locale": self.locale,
                **request,
            },
        }

    def request(self, request: dict[str, Any]) -> Said:
        new = not self.session_open
        if new:
            self.new_session()
        self.answer_started = self.now
        said = Said(self.send(self.envelope(request, new=new)), self.locale)
        problems = check_response(
            said.envelope,
            locale=self.locale,
            clip_seconds=dict(load_content(self.locale).sounds.clips.values()),
        )
        if said.sound_bed is not None:  # its speech is held to the same limits as outputSpeech
            assert "outputSpeech" not in said.response, "the bed's speech would be said twice"
            problems += check_response(
                {"response": {"outputSpeech": {"type": "SSML", "ssml": said.ssml}}},
                locale=self.locale,
                clip_seconds=dict(load_content(self.locale).sounds.clips.values()),
            )
        assert not problems, f"response breaks Alexa's limits: {problems}\n{said.envelope}"
        self.attributes = said.session_attributes
        if said.ends_session or said.is_empty:
            self.session_open = False
        self.history.append(said)
        if self.kitchen_clock:
            self.now += timedelta(seconds=round(said.playing_seconds() + 0.5))
        return said

    def into_answer(self, **delta: float) -> Couple:
        """Set the clock this long after the last answer began to play: a barge-in at that point."""
        self.now = self.answer_started + timedelta(**delta)
        return self

    def barge_in(self, fraction: float) -> Couple:
        """Set the clock `fraction` of the way into the last answer: "Alexa, ..." said while it plays."""
        played = self.history[-1].playing_seconds()
        self.now = self.answer_started + timedelta(seconds=int(played * fraction))
        return self

    def launch(self) -> Said:
        self.session_open = False
        return self.request({"type": "LaunchRequest"})

    def intent(self, name: str, *, one_shot: bool = False, **slots: str | None) -> Said:
        """An intent; `one_shot` starts a new session ("Alexa, ask our rituals for a hug")."""
        if one_shot:
            self.session_open = False
        slot_objects = {
            slot: {"name": slot, "confirmationStatus": "NONE", **({"value": value} if value is not None else {})}
            for slot, value in slots.items()
        }
        return self.request(
            {"type": "IntentRequest", "intent": {"name": name, "confirmationStatus": "NONE", "slots": slot_objects}}
        )

    def resolved(self, name: str, slot: str, heard: str, value_id: str, *, one_shot: bool = False) -> Said:
        """An intent whose custom slot Alexa resolved to a value id (entity resolution)."""
        if one_shot:
            self.session_open = False
        slot_object = {
            "name": slot,
            "value": heard,
            "confirmationStatus": "NONE",
            "resolutions": {
                "resolutionsPerAuthority": [
                    {
                        "authority": f"amzn1.er-authority.echo-sdk.{SKILL_ID}.TYPE",
                        "status": {"code": "ER_SUCCESS_MATCH"},
                        "values": [{"value": {"name": heard, "id": value_id}}],
                    }
                ]
            },
        }
        return self.request(
            {
                "type": "IntentRequest",
                "intent": {"name": name, "confirmationStatus": "NONE", "slots": {slot: slot_object}},
            }
        )

    def session_ended(self, reason: str = "USER_INITIATED", error: dict[str, Any] | None = None) -> Said:
        request: dict[str, Any] = {"type": "SessionEndedRequest", "reason": reason}
        if error:
            request["error"] = error
        said = self.request(request)
        self.session_open = False
        return said

    def meet(self, first: str = "Maya", second: str = "Sam") -> None:
        """The first meeting, done: both names given."""
        self.launch()
        said = self.intent("SetNamesIntent", first=first, second=second)
        while said.session_attributes.get("expecting") == "confirm_name":  # "Did I hear Priya?" Yes.
            said = self.intent("AMAZON.YesIntent")
        self.session_open = False

    @property
    def key(self) -> str:
        return household_key(self.user_id)
