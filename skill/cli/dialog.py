"""Talk to the skill in a terminal: typed utterances in, each line printed with its voice, pauses honoured."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, TextIO

from skill.cli.nlu import Understanding, addressed
from skill.content import CONTENT_FOLDER, Content, load_content, read_json
from skill.interaction_model import build_model

LOCAL_SKILL_ID = "amzn1.ask.skill.our-rituals-local"
ESPEAK_VOICES = ("en-us+f3", "en-us+m3")
ESPEAK_HOST = "en-us"


@dataclass(frozen=True)
class Spoken:
    """One piece of what Alexa said: a line (with its voice name, None for Alexa's own), a pause or a sound."""

    kind: str  # "line" | "pause" | "sound"
    text: str = ""
    voice: str | None = None
    seconds: float = 0.0


def read_ssml(ssml: str, clip_seconds: dict[str, float]) -> list[Spoken]:
    """Split SSML into lines, pauses and sounds, in order."""
    root = ET.fromstring(re.sub(r"(</?)amazon:", r"\1amazon_", ssml))
    pieces: list[Spoken] = []

    def text(value: str | None, voice: str | None) -> None:
        if value and value.strip():
            pieces.append(Spoken("line", " ".join(value.split()), voice))

    def walk(element: ET.Element, voice: str | None) -> None:
        if element.tag == "voice":
            voice = element.get("name")
        if element.tag == "break":
            time_text = element.get("time", "0ms")
            amount = float(re.sub(r"[a-z]+$", "", time_text))
            pieces.append(Spoken("pause", seconds=amount / 1000 if time_text.endswith("ms") else amount))
        elif element.tag == "audio":
            src = element.get("src", "")
            pieces.append(Spoken("sound", src.rsplit("/", 1)[-1], seconds=clip_seconds.get(src, 1.0)))
        text(element.text, voice)
        for child in element:
            walk(child, voice)
            text(child.tail, voice)

    walk(root, None)
    merged: list[Spoken] = []
    for piece in pieces:
        if merged and piece.kind == "pause" and merged[-1].kind == "pause":
            merged[-1] = Spoken("pause", seconds=merged[-1].seconds + piece.seconds)
        elif merged and piece.kind == "line" and merged[-1].kind == "line" and merged[-1].voice == piece.voice:
            merged[-1] = Spoken("line", f"{merged[-1].text} {piece.text}", piece.voice)
        else:
            merged.append(piece)
    return merged


@dataclass
class Session:
    """The dialog's emulation of an Alexa session: id, attributes, and whether the mic is open."""

    id: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    open: bool = False
    silent_turns: int = 0


class Dialog:
    """A terminal conversation with the skill, through the same interaction model and handlers as on Alexa."""

    def __init__(
        self,
        invoke: Callable[[dict[str, Any]], dict[str, Any]],
        *,
        locale: str = "en-US",
        household: str = "local-household",
        out: TextIO = sys.stdout,
        sleep: Callable[[float], None] = time.sleep,
        speak: bool = False,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        skill_id: str = LOCAL_SKILL_ID,
    ) -> None:
        self.invoke = invoke
        self.skill_id = skill_id  # the skill the requests are for: the one the handlers expect (SKILL_ID), if set
        self.content: Content = load_content(locale)
        self.locale = self.content.locale
        settings = self.content.section("dialog").settings
        self.understanding = Understanding(build_model(self.locale), settings["builtin_phrases"])
        self.settings = settings
        self.user_id = f"amzn1.ask.account.{household}"
        self.out = out
        self.sleep = sleep
        self.clock = clock
        self.session = Session()
        # Any Polly voice a partner may have (chosen or default) spoken by espeak's female or male voice, as its gender.
        catalogue = read_json(os.path.join(CONTENT_FOLDER, "en", "voices.json")).get("catalogue", {})
        self.partner_voices = {name: 0 if about.get("gender") == "female" else 1 for name, about in catalogue.items()}
        self.espeak = shutil.which("espeak-ng") if speak else None
        if speak and not self.espeak:
            self._print(self.content.section("dialog").lines.variants("speak_missing")[0])

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def intro(self) -> None:
        self._print(self.content.section("dialog").lines.variants("intro")[0])

    def _invocation_forms(self, utterance: str) -> tuple[bool, str | None]:
        """(starts a new session?, the rest to understand) for an utterance that may name the skill."""
        return addressed(utterance, self.understanding.invocation, self.settings)

    def say(self, utterance: str) -> list[Spoken]:
        """One user turn: typed text (or empty for silence) in, what Alexa says out."""
        if not utterance.strip():
            return self._silence()
        new_session, rest = self._invocation_forms(utterance)
        if new_session or not self.session.open:
            self.session = Session(id=f"SessionId.{uuid.uuid4()}", open=True)
            if rest is None:
                return self._send({"type": "LaunchRequest"}, new=True)
        understood = self.understanding.understand(rest or "")
        request = {
            "type": "IntentRequest",
            "intent": {"name": understood.intent, "confirmationStatus": "NONE", "slots": understood.slots},
        }
        return self._send(request, new=new_session)

    def _silence(self) -> list[Spoken]:
        if not self.session.open:
            return []
        self.session.silent_turns += 1
        if self.session.silent_turns == 1:
            reprompt = self.session.attributes.get("_last_reprompt")
            if isinstance(reprompt, str):
                return self._show(reprompt)
        self._send({"type": "SessionEndedRequest", "reason": "EXCEEDED_MAX_REPROMPTS"}, new=False)
        self.session.open = False
        self._print(self.content.section("dialog").lines.variants("session_closed")[0])
        return []

    def _send(self, request: dict[str, Any], *, new: bool) -> list[Spoken]:
        now = self.clock().strftime("%Y-%m-%dT%H:%M:%SZ")
        system = {
            "application": {"applicationId": self.skill_id},
            "user": {"userId": self.user_id},
            # No apiEndpoint or token: offline, so timers and reminders take their graceful path.
            "device": {"deviceId": "amzn1.ask.device.terminal", "supportedInterfaces": {}},
        }
        event = {
            "version": "1.0",
            "session": {
                "new": new,
                "sessionId": self.session.id,
                "application": {"applicationId": self.skill_id},
                "user": {"userId": self.user_id},
                "attributes": self.session.attributes,
            },
            "context": {"System": system},
            "request": {
                "requestId": f"EdwRequestId.{uuid.uuid4()}",
                "timestamp": now,
                "locale": self.locale,
                **request,
            },
        }
        envelope = self.invoke(event)
        self.session.silent_turns = 0
        self.session.attributes = envelope.get("sessionAttributes") or {}
        response = envelope.get("response") or {}
        if response.get("shouldEndSession", True) is not False:
            self.session.open = False
        speech = (response.get("outputSpeech") or {}).get("ssml") or _sound_bed_speech(response)
        spoken = self._show(speech) if speech else []
        if not self.session.open and request["type"] != "SessionEndedRequest":
            self._print(self.content.section("dialog").lines.variants("session_closed")[0])
        return spoken

    def _show(self, ssml: str) -> list[Spoken]:
        clip_seconds = dict(self.content.sounds.clips.values())
        pieces = read_ssml(ssml, clip_seconds)
        for piece in pieces:
            if piece.kind == "line":
                who = "Alexa" if piece.voice is None else f"{piece.voice}"
                self._print(f"{who:>8}: {piece.text}")
                self._speak(piece)
            elif piece.kind == "pause":
                self._print(f"{'':>8}  ... {piece.seconds:g} s of quiet ...")
                self.sleep(piece.seconds)
            else:
                self._print(f"{'':>8}  ~ {piece.text} ({piece.seconds:g} s) ~")
                self.sleep(piece.seconds)
        return pieces

    def _speak(self, piece: Spoken) -> None:
        if not self.espeak:
            return
        partner = self.partner_voices.get(piece.voice or "")
        voice = ESPEAK_HOST if partner is None else ESPEAK_VOICES[partner]
        subprocess.run([self.espeak, "-v", voice, piece.text], check=False, timeout=120)


def lines_from(stream: TextIO, prompt: str, interactive: bool) -> Iterator[str]:
    """Utterances typed by a person (with a prompt) or piped in (a scripted transcript)."""
    while True:
        if interactive:
            try:
                yield input(prompt)
            except EOFError:
                return
        else:
            line = stream.readline()
            if not line:
                return
            print(f"{prompt}{line.rstrip()}", flush=True)
            yield line.rstrip("\n")


def _sound_bed_speech(response: dict[str, Any]) -> str | None:
    """The speech of a reply said over a sound bed (APL for audio, skill/alexa/sound_bed.py) instead of outputSpeech."""
    for directive in response.get("directives") or []:
        if directive.get("type") == "Alexa.Presentation.APLA.RenderDocument":
            speech = ((directive.get("datasources") or {}).get("bed") or {}).get("ssml")
            return speech if isinstance(speech, str) else None
    return None
