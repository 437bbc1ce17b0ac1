"""Offering an Alexa routine, once: after a couple's third morning coffee, "Alexa, good morning" could start it for
them; after their third five magic minutes, a bedtime phrase could. Alexa itself asks them (the adapter sends its
routine-offer directive, skill/alexa/routines.py) and tells us the answer; a no is remembered, and no ritual
offers twice.

The offer comes after the ritual's closing (`after`). A ritual whose closing may never be heard (five magic
minutes closes only when its timer hands the couple back) offers before its open time instead (`before`) when no
timer will hand back, or when the closing that was due to offer never came: Alexa asks, and its answer leads on
into the ritual's own next line (kept as "then" until the answer comes).

Durable state under household.rituals["preferences"]["routines"], reached through skill.engine.preferences.routines:
    {"morning_coffee": {"runs": 3, "last": "2026-12-07", "offer": "offered" | "accepted" | "declined"}, ...}
    while an offer made `before` waits for its answer: "then": {"line": "opening", "first": 0 | 1}
"""

from __future__ import annotations

from typing import Any

from skill.engine.preferences import routines as kept_routines
from skill.engine.script import Reply, narrate, to_partner
from skill.engine.turn import Turn

SECTION = "routines"
OFFERED, ACCEPTED, DECLINED = "offered", "accepted", "declined"


def _entry(turn: Turn, ritual: str) -> dict[str, Any]:
    routines = kept_routines(turn.household)
    entry = routines.get(ritual)
    if not isinstance(entry, dict):
        entry = routines[ritual] = {}
    return entry


def offerable(turn: Turn, ritual: str) -> bool:
    return ritual in turn.content.section(SECTION).settings["rituals"]


def count_run(turn: Turn, ritual: str) -> None:
    """One more day with a run of `ritual` (only those a routine could start are counted). A day counts once: the
    same closing heard again (a "repeat" while the answer plays, or a second coffee that morning) is no new habit."""
    if not offerable(turn, ritual):
        return
    entry = _entry(turn, ritual)
    today = turn.known_local_now.date().isoformat()  # no question to the Echo just to count
    if entry.get("last") == today:
        return
    runs = entry.get("runs")
    entry["runs"] = runs + 1 if isinstance(runs, int) and runs >= 0 else 1
    entry["last"] = today


def due(turn: Turn, ritual: str) -> bool:
    """Whether the routine for `ritual` is to be offered now: enough days with it, never offered, names known."""
    if not offerable(turn, ritual) or not turn.household.has_names:
        return False
    entry = _entry(turn, ritual)
    runs = entry.get("runs")
    return not entry.get("offer") and isinstance(runs, int) and runs >= _after_runs(turn)


def _after_runs(turn: Turn) -> int:
    return int(turn.content.section(SECTION).settings["after_runs"])


def after(turn: Turn, ritual: str, reply: Reply) -> Reply:
    """`reply`, closing a run of `ritual`; with the routine offered when the time has come (never twice)."""
    if not reply.end_session or reply.ask_permission is not None or not due(turn, ritual):
        return reply
    _entry(turn, ritual)["offer"] = OFFERED
    offer = narrate(turn.for_section(SECTION).line(f"offer_{ritual}"))
    return reply._replace(speech=(*reply.speech, offer), offer_routine=ritual)


def due_before(turn: Turn, ritual: str, closing_to_come: bool) -> bool:
    """Whether a run of `ritual` that is starting should offer the routine before it begins: it is due, and no
    closing will hand the couple back to offer it after (`closing_to_come` false), or the run that made it due had
    a closing to come that never came."""
    if not due(turn, ritual):
        return False
    return not closing_to_come or _entry(turn, ritual)["runs"] > _after_runs(turn)


def before(turn: Turn, ritual: str, reply: Reply, then_line: str, first: int) -> Reply:
    """`reply`, leading into a run of `ritual`, with the routine offered before the run begins: Alexa's answer goes
    on with the ritual's line `then_line`, said to partner `first` ({name} them, {other} their partner)."""
    entry = _entry(turn, ritual)
    entry["offer"] = OFFERED
    entry["then"] = {"line": then_line, "first": first}
    offer = narrate(turn.for_section(SECTION).line(f"offer_{ritual}_before"))
    return reply._replace(speech=(*reply.speech, offer), offer_routine=ritual, end_session=True)


def _then(turn: Turn, ritual: str, entry: dict[str, Any]) -> tuple[Any, ...]:
    """The ritual's line that waited for Alexa's answer, if an offer made `before` left one."""
    then = entry.pop("then", None)
    if not isinstance(then, dict) or then.get("first") not in (0, 1) or not isinstance(then.get("line"), str):
        return ()
    first = int(then["first"])
    names = {"name": turn.name(first), "other": turn.name(1 - first)}
    return (to_partner(first, turn.for_section(ritual).line(str(then["line"]), **names)),)


def answered(turn: Turn, ritual: str, outcome: str) -> Reply:
    """Alexa's answer to the offer: "accepted", "declined", "already" (they had such a routine) or "failed"; then
    the ritual's own next line when the offer came before it."""
    own = turn.for_section(SECTION)
    if not offerable(turn, ritual):
        return Reply(speech=(narrate(own.line("failed")),), end_session=True)
    entry = _entry(turn, ritual)
    then = _then(turn, ritual, entry)
    if outcome == "accepted":
        entry["offer"] = ACCEPTED
        key = f"accepted_{ritual}"
    elif outcome == "declined":
        entry["offer"] = DECLINED  # remembered: this ritual never offers again
        key = "declined_then" if then else "declined"
    elif outcome == "already":
        entry["offer"] = ACCEPTED
        key = "already"
    else:
        key = "failed"
    return Reply(speech=(narrate(own.line(key)), *then), end_session=True)
