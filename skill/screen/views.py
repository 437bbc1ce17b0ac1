"""What a screen shows after a reply: which document, and its data, derived from the reply and the household.

Pure Python over the engine's own types (no Alexa types): the engine and the rituals know nothing of
screens, and a screen can only show what the couple also hears.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any, NamedTuple

from skill.content import Content
from skill.engine.menu import examples
from skill.engine.ritual import registry, ritual_named
from skill.engine.script import Pause, Reply, Say, Sound
from skill.engine.trend import change_since, clean_history, month_view, week_key, weeks_apart
from skill.engine.turn import Turn
from skill.household import Household
from skill.screen.documents import ScreenText
from skill.screen.timeline import Beat, timeline

HUG, BREATHE = "HugIntent", "BreatheIntent"
CHECK_IN_HISTORY = "CheckInHistoryIntent"
QUESTION = "tonights_question"
JAR = "our_jar"  # a question from their own jar is asked, and shown, as tonight's question
DEPTHS = ("light", "deeper", "deepest")
# Shown until the screen is replaced: the end of the last beat of a reply is "for as long as it is up".
FOREVER_MS = 10**9


class View(NamedTuple):
    """A document by name (skill/content/apl/documents/) and the data source it is filled with."""

    document: str
    data: dict[str, Any]


def choose(
    reply: Reply, household: Household, content: Content, text: ScreenText, intent: str | None, now: datetime
) -> View | None:
    """The screen for this reply, or None to leave the screen as it is (or to Alexa, when the session ends)."""
    if reply.ask_permission is not None:
        return None  # Alexa itself asks the consent question, on its own screen
    if intent == HUG or _is_hug(reply, content):  # asked for, or the long hug a check-in offers after a hard week
        return hug(reply, content, text)
    if intent == BREATHE:
        return breathe(reply, content, text)
    if intent == CHECK_IN_HISTORY or _check_in_just_finished(reply, household, content):
        return history(household, content, text, now)
    active = _active(household, now)
    started = registry()[intent].name if intent in registry() else None
    if active == QUESTION and started in (None, QUESTION, JAR):
        return question(reply, household, content, text, now)
    ritual = started or active  # a ritual just asked for wins over one left half-way
    if ritual == QUESTION:
        return None
    if ritual is not None:
        shown = turns(reply, household, content, text, ritual, now)
        if shown is not None or ritual == active:
            return shown  # None: nothing new to show ("thanks", "still talking"), the screen keeps its prompt
    if reply.end_session:
        return None
    if reply.session.get("expecting") == "names":
        return None  # the first meeting: nothing to touch yet
    return menu(household, content, text)


# -- shared pieces ------------------------------------------------------------------------------------
def _common(text: ScreenText) -> dict[str, Any]:
    return {"brand": text.line("brand"), "hostColour": text.settings["host_colour"]}


def _names(household: Household, content: Content) -> tuple[str, str]:
    if household.has_names:
        return household.names[0], household.names[1]
    stand_in = content.section("host").settings["stand_in_names"]
    return str(stand_in[0]), str(stand_in[1])


def _colour(text: ScreenText, partner: int | None) -> str:
    return str(text.settings["host_colour"] if partner is None else text.settings["partner_colours"][partner])


def _title(content: Content, section: str) -> str:
    title = str(content.section(section).settings.get("title", section))
    return title[:1].upper() + title[1:]


def _beats(reply: Reply, content: Content, text: ScreenText) -> list[Beat]:
    rate = float(text.settings["speech_words_per_minute"])
    return timeline(reply.speech, content.sounds, rate, int(text.settings["sentence_pause_ms"]))


def _active(household: Household, now: datetime) -> str | None:
    progress = household.in_progress
    if progress and progress.get("expires_at", 0) > now.timestamp():
        return str(progress.get("ritual"))
    return None


# -- the hug: a countdown over exactly the hold the SSML holds -----------------------------------------
def hug(reply: Reply, content: Content, text: ScreenText) -> View:
    held = [beat for beat in _beats(reply, content, text) if isinstance(beat.segment, (Pause, Sound))]
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
    return View("hug", {"hug": data})


# -- breathing: the circle grows with each in-cue and its pause, and shrinks with each out-cue and its pause --
def breathe(reply: Reply, content: Content, text: ScreenText) -> View:
    lines = content.section("breathe").lines
    cues = {**{cue: "in" for cue in lines.variants("in_cue")}, **{cue: "out" for cue in lines.variants("out_cue")}}
    beats = _beats(reply, content, text)
    phases: list[dict[str, Any]] = []
    for index, beat in enumerate(beats):
        kind = cues.get(beat.segment.text) if isinstance(beat.segment, Say) else None
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
    return View("breathe", {"breathe": data})


# -- tonight's question: the question, its depth, whose turn (changing with the turns as they are heard) --------------
def question(reply: Reply, household: Household, content: Content, text: ScreenText, now: datetime) -> View | None:
    """The question as each partner hears it, with whose turn it is, for each stretch of the reply's speech.

    A hands-free reply holds both answers and then the offer of another: the screen changes when each partner's
    prompt is said and when the offer is, on the same timeline as the speech. A reply without a prompt ("still
    your turn", a kept place) shows where they are, from the ritual's place.
    """
    state = (household.in_progress or {}).get("state") or {}
    ritual = ritual_named(QUESTION)
    words_of = getattr(ritual, "question_words", None)
    if words_of is None or state.get("first") not in (0, 1) or not isinstance(state.get("cursor"), int):
        return None
    turn = Turn(household=household, content=content, section=content.section(QUESTION), now=now, rng=random.Random(0))
    first = int(state["first"])
    if words_of(turn, state, first) is None:
        return None  # the question is gone (their jar emptied): nothing true to show
    names = _names(household, content)
    hint = text.line("question_hint_open" if state.get("pace") == "open" else "question_hint_paced")

    def phase(partner: int | None, start_ms: int) -> dict[str, Any]:
        asked_of = first if partner is None else partner
        who = text.line("question_offer") if partner is None else text.line("turn_of", name=names[partner])
        return {
            "question": words_of(turn, state, asked_of),
            "turn": who,
            "colour": _colour(text, partner),
            "hint": "" if partner is None else hint,
            "startMs": start_ms,
            "endMs": FOREVER_MS,
        }

    beats = _beats(reply, content, text)
    prompts = _prompt_texts(household, content, QUESTION, now) or set()
    phases: list[dict[str, Any]] = []
    speakers: list[int] = []
    for beat in beats:
        said = beat.segment
        if isinstance(said, Say) and said.partner is not None and said.text in prompts:
            if not speakers or speakers[-1] != said.partner:
                phases.append(phase(said.partner, beat.start_ms if phases else 0))
                speakers.append(said.partner)
    if state.get("step") == "offer":
        held = [beat.end_ms for beat in beats if isinstance(beat.segment, (Pause, Sound))]
        phases.append(phase(None, max(held) if phases and held else 0))
    elif not phases:
        phases.append(phase(first if int(state["cursor"]) == 0 else 1 - first, 0))
    for earlier, later in zip(phases, phases[1:]):
        earlier["endMs"] = later["startMs"]
    jar = str(state.get("question", "")).startswith("jar:")
    depth = state.get("depth") if state.get("depth") in DEPTHS else DEPTHS[0]
    data = {
        **_common(text),
        "title": text.line("question_title"),
        "depth": text.line("depth_jar" if jar else f"depth_{depth}"),
        "depthLevel": 0 if jar else DEPTHS.index(depth) + 1,
        "phases": phases,
    }
    return View("question", {"question": data})


# -- turn rituals: each prompt as it is said, in the colour of the partner it is for ------------------------------
def _prompt_texts(household: Household, content: Content, name: str, now: datetime) -> set[str] | None:
    """Every wording of the ritual's step prompts, names filled in; None for a ritual without steps."""
    ritual = ritual_named(name)
    steps_of = getattr(ritual, "steps", None)
    progress = household.in_progress or {}
    # A run that just closed has no state left: its steps are asked for afresh (who goes first is in the lines).
    state = progress.get("state") if progress.get("ritual") == name else None
    state = state if isinstance(state, dict) else {"first": 0, "cursor": 0, "pace": "paced"}
    if steps_of is None:
        return None
    turn = Turn(household=household, content=content, section=content.section(name), now=now, rng=random.Random(0))
    try:
        keys = {step.key for step in steps_of(turn, dict(state))}
    except (KeyError, TypeError, ValueError):
        return None
    names = _names(household, content)
    shared = content.section("turns").lines
    own = content.section(name).lines
    texts: set[str] = set()
    borrowed = getattr(ritual, "borrowed_lines", {})  # a step worded in another ritual's content
    for key in keys:
        lines = content.section(borrowed[key]).lines if key in borrowed else own if key in own else shared if key in shared else None
        if lines is None:
            continue
        for wording in lines.variants(key):
            for partner in (0, 1):
                values = {"name": names[partner], "other": names[1 - partner], "first": names[0], "second": names[1]}
                texts.add(wording.format_map(_Blank(values)))
    return texts


class _Blank(dict[str, Any]):
    """Placeholders a prompt does not use are left empty rather than failing."""

    def __missing__(self, key: str) -> str:
        return ""


def turns(reply: Reply, household: Household, content: Content, text: ScreenText, name: str, now: datetime) -> View | None:
    beats = _beats(reply, content, text)
    prompts = _prompt_texts(household, content, name, now)
    said: list[tuple[Say, int, Beat]] = [
        (b.segment, b.segment.partner, b)
        for b in beats
        if isinstance(b.segment, Say) and b.segment.partner is not None
        and (prompts is None or b.segment.text in prompts)
    ]  # fmt: skip
    if not said:
        return None  # nothing new to show ("thanks", "still talking"): the screen keeps the prompt it has
    names = _names(household, content)
    shown = []
    for index, (line, partner, beat) in enumerate(said):
        until = said[index + 1][2].start_ms if index + 1 < len(said) else FOREVER_MS
        shown.append(
            {
                "text": line.text,
                "who": text.line("turn_of", name=names[partner]),
                "colour": _colour(text, partner),
                "startMs": beat.start_ms if index else 0,
                "endMs": until,
            }
        )
    progress = household.in_progress or {}
    state = progress.get("state") if progress.get("ritual") == name else None
    state = state if isinstance(state, dict) else {}
    waiting = state.get("waiting")
    hint_key = {"rating": "turns_hint_rating", "next_part": "turns_hint_next"}.get(str(waiting))
    if hint_key is None:
        hint_key = "turns_hint_open" if state.get("pace") == "open" or "step" in state else "turns_hint_paced"
    data = {**_common(text), "title": _title(content, name), "prompts": shown, "hint": text.line(hint_key)}
    return View("turns", {"turns": data})


# -- the check-in history: a line per partner over the last weeks, the trend in words beneath ------------------------
def _check_in_just_finished(reply: Reply, household: Household, content: Content) -> bool:
    """The check-in's last number (or its skip) was just answered: its closing thanks is in the reply.

    Whether the session then ends or stays open for the offer of a long hug after a hard week, the chart is
    what they see; a check-in that stored no week yet has no chart to show.
    """
    thanks = set(content.section("check_in").lines.variants("thanks_both"))
    if not any(isinstance(segment, Say) and segment.text in thanks for segment in reply.speech):
        return False
    state = household.rituals.get("check_in")
    return isinstance(state, dict) and bool(clean_history(state.get("weeks")))


def _is_hug(reply: Reply, content: Content) -> bool:
    """The hug itself, however it was started: its hold and its closing line."""
    closing = set(content.section("hug").lines.variants("closing"))
    said = {segment.text for segment in reply.speech if isinstance(segment, Say)}
    return bool(said & closing) and any(isinstance(segment, Pause) for segment in reply.speech)


def _path(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(points))


CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 400, 200, 12


def history(household: Household, content: Content, text: ScreenText, now: datetime) -> View:
    state = household.rituals.get("check_in")
    weeks = clean_history(state.get("weeks") if isinstance(state, dict) else None)
    span = int(text.settings["chart_weeks"])
    names = _names(household, content)
    latest = next(reversed(weeks), None)
    ending = week_key(now.date())
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
        "trend": trend_words(content, weeks, names),
    }
    return View("history", {"history": data})


def trend_words(content: Content, weeks: dict[str, tuple[int, int]], names: tuple[str, str]) -> str:
    """The month's direction in the check-in's own words, else each partner's change since the time before."""
    section = content.section("check_in")
    settings, lines = section.settings, section.lines
    latest = next(reversed(weeks), None)
    if latest is None:
        return ""
    numbers = settings["number_words"]
    values = _Blank(first=names[0], second=names[1], name=names[0], other=names[1])
    view = month_view(weeks, latest, span=int(settings["month_weeks"]))
    if view is not None:
        values.update(rating=numbers[view.around[0]], other_rating=numbers[view.around[1]])
        return lines.variants(f"month_{view.kind}")[0].format_map(values)
    change = change_since(weeks, latest, within=int(settings["compare_within_weeks"]))
    if change is None:
        return ""
    values["since"] = lines.variants("since_last_week" if change.weeks == 1 else "since_last_time")[0]
    first, second = change.deltas
    if first == second:
        kind = "up" if first > 0 else "down" if first < 0 else "same"
        values["count"] = numbers[abs(first)]
        return lines.variants(f"trend_both_{kind}")[0].format_map(values)
    sentences = []
    for partner, delta in enumerate(change.deltas):
        kind = "up" if delta > 0 else "down" if delta < 0 else "same"
        key = f"trend_one_{kind}" if partner == 0 else f"trend_also_{kind}"
        values.update(name=names[partner], count=numbers[abs(delta)])
        sentences.append(lines.variants(key)[0].format_map(values))
    return " ".join(sentences)


# -- the menu: a tile per ritual on offer, each one touch away ----------------------------------------------------
def menu(household: Household, content: Content, text: ScreenText) -> View:
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
    return View("menu", {"menu": data})
