"""What a screen shows after a reply: the view the reply carries (set by the ritual that speaks), rendered.

Pure Python over the engine's own types (no Alexa types). Nothing here reads a ritual's storage or matches
what is said: a view's data comes from its ritual, and the lines a screen times itself by are marked in the
reply (`Say.mark`), so a wording changed in the content never changes what an Echo Show displays.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from skill.content import Content
from skill.engine.offers import examples
from skill.engine.ritual import registry
from skill.engine.script import BREATHE_IN, BREATHE_OUT, PROMPT, Pause, Reply, Say, Sound
from skill.engine.session_keys import ASKED_NAMES, EXPECTING
from skill.engine.trend import clean_history, week_key, weeks_apart
from skill.engine.turn import active_ritual
from skill.household import Household
from skill.record import Record
from skill.screen.documents import ScreenText
from skill.screen.timeline import Beat, timeline

# Shown until the screen is replaced: the end of the last beat of a reply is "for as long as it is up".
FOREVER_MS = 10**9


class Shown(Record):
    """A document by name (skill/content/apl/documents/) and the data source it is filled with."""

    document: str
    data: dict[str, Any]


class Scene(Record):
    """What every view is drawn from: the reply, its view's data, the couple, their content and screen text."""

    reply: Reply
    data: Mapping[str, Any]
    household: Household
    content: Content
    text: ScreenText
    now: datetime


def choose(reply: Reply, household: Household, content: Content, text: ScreenText, now: datetime) -> Shown | None:
    """The screen for this reply, or None to leave the screen as it is (or to Alexa, when the session ends)."""
    if reply.ask_permission is not None:
        return None  # Alexa itself asks the consent question, on its own screen
    if reply.view is not None:
        render = RENDERERS.get(reply.view.name)
        if render is None:
            raise ValueError(f"no screen renders the view {reply.view.name!r}")
        return render(Scene(reply, reply.view.data, household, content, text, now))
    if reply.end_session or active_ritual(household, now) is not None:
        return None  # nothing new to show ("thanks", "still talking", a host's word mid-way): the screen keeps its own
    if reply.session.get(EXPECTING) == ASKED_NAMES:
        return None  # the first meeting: nothing to touch yet
    return menu(household, content, text)


# -- shared pieces ------------------------------------------------------------------------------------
def _common(text: ScreenText) -> dict[str, Any]:
    return {"brand": text.line("brand"), "hostColour": text.settings["host_colour"]}


def _names(household: Household, content: Content) -> tuple[str, str]:
    if household.has_names:
        return household.names[0], household.names[1]
    stand_in = content.section("narrator").settings["stand_in_names"]
    return str(stand_in[0]), str(stand_in[1])


def _colour(text: ScreenText, partner: int | None) -> str:
    return str(text.settings["host_colour"] if partner is None else text.settings["partner_colours"][partner])


def _title(content: Content, section: str) -> str:
    title = str(content.section(section).settings.get("title", section))
    return title[:1].upper() + title[1:]


def _beats(scene: Scene) -> list[Beat]:
    rate = float(scene.text.settings["speech_words_per_minute"])
    return timeline(scene.reply.speech, scene.content.sounds, rate, int(scene.text.settings["sentence_pause_ms"]))


def _prompts(beats: list[Beat]) -> list[tuple[str, int, Beat]]:
    """The prompts of a reply (lines to a partner marked PROMPT): their words, their partner, when they are heard."""
    return [
        (beat.segment.text, beat.segment.partner, beat)
        for beat in beats
        if isinstance(beat.segment, Say) and beat.segment.mark == PROMPT and beat.segment.partner is not None
    ]


# -- the hug: a countdown over exactly the hold the SSML holds -----------------------------------------
def hug(scene: Scene) -> Shown:
    text = scene.text
    held = [beat for beat in _beats(scene) if isinstance(beat.segment, (Pause, Sound))]
    start, end = (held[0].start_ms, held[-1].end_ms) if held else (0, 0)
    data = {
        **_common(text),
        "title": text.line("hug_title"),
        "hint": text.line("hug_hint"),
        "secondsWord": text.line("seconds_left"),
        "seconds": round((end - start) / 1000),
        "holdStartMs": start,
        "holdEndMs": end,
    }
    return Shown("hug", {"hug": data})


# -- breathing: the circle grows with each in-cue and its pause, and shrinks with each out-cue and its pause --
def breathe(scene: Scene) -> Shown:
    text = scene.text
    beats = _beats(scene)
    kinds = {BREATHE_IN: "in", BREATHE_OUT: "out"}
    phases: list[dict[str, Any]] = []
    for index, beat in enumerate(beats):
        said = beat.segment
        kind = kinds.get(said.mark or "") if isinstance(said, Say) else None
        if kind is None:
            continue
        after = beats[index + 1] if index + 1 < len(beats) else None
        end = after.end_ms if after is not None and isinstance(after.segment, Pause) else beat.end_ms
        phases.append({"kind": kind, "label": text.line(f"breathe_{kind}"), "startMs": beat.start_ms, "endMs": end})
    data = {
        **_common(text),
        "title": text.line("breathe_title"),
        "ready": text.line("breathe_ready"),
        "breaths": sum(1 for phase in phases if phase["kind"] == "in"),
        "firstMs": phases[0]["startMs"] if phases else 0,
        "lastMs": phases[-1]["endMs"] if phases else 0,
        "phases": phases,
    }
    return Shown("breathe", {"breathe": data})


# -- tonight's question: the question, its depth, whose turn (changing with the turns as they are heard) --------------
def question(scene: Scene) -> Shown:
    """The question as each partner hears it, with whose turn it is, for each stretch of the reply's speech.

    A hands-free reply holds both answers and then the offer of another: the screen changes when each partner's
    prompt is said and when the offer is, on the same timeline as the speech. A reply without a prompt ("still
    your turn", the offer again) shows where they are, from the view's data.
    """
    data, text = scene.data, scene.text
    words, first = data["words"], int(data["first"])
    names = _names(scene.household, scene.content)
    hint = text.line("question_hint_open" if data.get("pace") == "open" else "question_hint_paced")

    def phase(partner: int | None, start_ms: int) -> dict[str, Any]:
        asked_of = first if partner is None else partner
        who = text.line("question_offer") if partner is None else text.line("turn_of", name=names[partner])
        return {
            "question": words[asked_of],
            "turn": who,
            "colour": _colour(text, partner),
            "hint": "" if partner is None else hint,
            "startMs": start_ms,
            "endMs": FOREVER_MS,
        }

    beats = _beats(scene)
    phases: list[dict[str, Any]] = []
    speakers: list[int] = []
    for _, partner, beat in _prompts(beats):
        if not speakers or speakers[-1] != partner:
            phases.append(phase(partner, beat.start_ms if phases else 0))
            speakers.append(partner)
    if data.get("offer"):
        held = [beat.end_ms for beat in beats if isinstance(beat.segment, (Pause, Sound))]
        phases.append(phase(None, max(held) if phases and held else 0))
    elif not phases:
        phases.append(phase(int(data["speaking"]), 0))
    for earlier, later in itertools.pairwise(phases):
        earlier["endMs"] = later["startMs"]
    depth = data.get("depth")
    shown = {
        **_common(text),
        "title": text.line("question_title"),
        "depth": text.line("depth_jar" if depth is None else f"depth_{depth}"),
        "depthLevel": int(data["level"]),
        "phases": phases,
    }
    return Shown("question", {"question": shown})


# -- turn rituals: each prompt as it is said, in the colour of the partner it is for ------------------------------
def _turn_prompts(beats: list[Beat]) -> list[tuple[str, int | None, Beat]]:
    """A turn ritual's prompts: to a partner, or the narrator's for a part the two take together without a clock."""
    return [
        (beat.segment.text, beat.segment.partner, beat)
        for beat in beats
        if isinstance(beat.segment, Say) and beat.segment.mark == PROMPT
    ]


def turns(scene: Scene) -> Shown | None:
    text, data = scene.text, scene.data
    said = _turn_prompts(_beats(scene))
    if not said:
        return None  # nothing new to show ("thanks", "still talking"): the screen keeps the prompt it has
    names = _names(scene.household, scene.content)
    shown = []
    for index, (line, partner, beat) in enumerate(said):
        shown.append(
            {
                "text": line,
                "who": text.line("turn_both") if partner is None else text.line("turn_of", name=names[partner]),
                "colour": _colour(text, partner),
                "startMs": beat.start_ms if index else 0,
                "endMs": said[index + 1][2].start_ms if index + 1 < len(said) else FOREVER_MS,
            }
        )
    hint_key = {"rating": "turns_hint_rating", "next_part": "turns_hint_next"}.get(str(data.get("waiting")))
    if hint_key is None and data.get("untimed"):
        hint_key = "turns_hint_untimed"
    if hint_key is None:
        hint_key = "turns_hint_open" if data.get("open") else "turns_hint_paced"
    title = _title(scene.content, str(data["ritual"]))
    return Shown("turns", {"turns": {**_common(text), "title": title, "prompts": shown, "hint": text.line(hint_key)}})


# -- the check-in history: a line per partner over the last weeks, the trend in words beneath ------------------------
def _path(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(points))


CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 400, 200, 12


def history(scene: Scene) -> Shown:
    """The weeks the check-in gave (its own state, as it stores it), and the trend in the words it just spoke."""
    text = scene.text
    weeks = clean_history(scene.data.get("weeks"))
    span = int(text.settings["chart_weeks"])
    names = _names(scene.household, scene.content)
    latest = next(reversed(weeks), None)
    ending = week_key(scene.now.date())
    if latest is not None and weeks_apart(latest, ending) < 0:
        ending = latest
    shown = {k: v for k, v in weeks.items() if 0 <= weeks_apart(k, ending) < span}
    paths = []
    for partner in (0, 1):
        points = []
        for key, ratings in shown.items():
            x = CHART_PAD + (span - 1 - weeks_apart(key, ending)) * (CHART_WIDTH - 2 * CHART_PAD) / max(1, span - 1)
            y = CHART_PAD + (10 - ratings[partner]) * (CHART_HEIGHT - 2 * CHART_PAD) / 9
            points.append((x, y))
        if len(points) == 1:  # one check-in: a short level stroke, so a single week still shows
            points.append((points[0][0] + 0.1, points[0][1]))
        paths.append(_path(points))
    data = {
        **_common(text),
        "title": text.line("history_title"),
        "span": text.line("history_weeks", count=span),
        "empty": text.line("history_empty") if not shown else "",
        "partners": [
            {"name": names[p], "colour": _colour(text, p), "latest": shown[next(reversed(shown))][p] if shown else None}
            for p in (0, 1)
        ],
        "firstPath": paths[0],
        "secondPath": paths[1],
        "firstColour": _colour(text, 0),
        "secondColour": _colour(text, 1),
        "trend": str(scene.data.get("trend", "")),
    }
    return Shown("history", {"history": data})


# -- the menu: a tile per ritual on offer, each one touch away ----------------------------------------------------
def menu(household: Household, content: Content, text: ScreenText) -> Shown:
    sections = content.sections
    offered = examples(content)
    known = registry()
    starts: dict[str, str] = {}
    for name in offered:  # a tile starts the first intent the ritual's content lists (its main one)
        intent = next((i for i in sections[name].data.get("intents", {}) if i in known), None)
        if intent is not None:
            starts[name] = intent
    tiles = [
        {"title": _title(content, name), "say": f"\u201c{offered[name]}\u201d", "intent": starts[name]}
        for name in offered
        if name in starts
    ]
    names = _names(household, content)
    data = {
        **_common(text),
        "title": text.line("menu_title"),
        "hint": text.line("menu_hint"),
        "couple": f"{names[0]} & {names[1]}" if household.has_names else "",
        "tiles": tiles,
    }
    return Shown("menu", {"menu": data})


RENDERERS: dict[str, Callable[[Scene], Shown | None]] = {
    "hug": hug,
    "breathe": breathe,
    "question": question,
    "turns": turns,
    "history": history,
}
