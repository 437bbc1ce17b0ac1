"""Offering an Alexa routine, once: after a couple's third morning coffee, "Alexa, good morning" could start it for
them; after their third five magic minutes, a bedtime phrase could. Alexa itself asks them (the adapter sends its
routine-offer directive, skill/alexa/routines.py) and tells us the answer; a no is remembered, and no ritual
offers twice.

Durable state under household.rituals["preferences"]["routines"]:
    {"morning_coffee": {"runs": 3, "last": "2026-12-07", "offer": "offered" | "accepted" | "declined"}, ...}
"""

from __future__ import annotations

from typing import Any

from skill.engine.preferences import SECTION as PREFERENCES
from skill.engine.script import Reply, narrate
from skill.engine.turn import Turn

SECTION = "routines"
OFFERED, ACCEPTED, DECLINED = "offered", "accepted", "declined"


def _entry(turn: Turn, ritual: str) -> dict[str, Any]:
    routines = turn.household.ritual_state(PREFERENCES).setdefault("routines", {})
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


def after(turn: Turn, ritual: str, reply: Reply) -> Reply:
    """`reply`, closing a run of `ritual`; with the routine offered when the time has come (never twice)."""
    if not offerable(turn, ritual) or not reply.end_session or reply.ask_permission is not None:
        return reply
    entry = _entry(turn, ritual)
    runs = entry.get("runs")
    after_runs = int(turn.content.section(SECTION).settings["after_runs"])
    if entry.get("offer") or not isinstance(runs, int) or runs < after_runs or not turn.household.has_names:
        return reply
    entry["offer"] = OFFERED
    offer = narrate(turn.for_section(SECTION).line(f"offer_{ritual}"))
    return reply._replace(speech=(*reply.speech, offer), offer_routine=ritual)


def answered(turn: Turn, ritual: str, outcome: str) -> Reply:
    """Alexa's answer to the offer: "accepted", "declined", "already" (they had such a routine) or "failed"."""
    own = turn.for_section(SECTION)
    if not offerable(turn, ritual):
        return Reply(speech=(narrate(own.line("failed")),), end_session=True)
    entry = _entry(turn, ritual)
    if outcome == "accepted":
        entry["offer"] = ACCEPTED
        return Reply(speech=(narrate(own.line(f"accepted_{ritual}")),), end_session=True)
    if outcome == "declined":
        entry["offer"] = DECLINED  # remembered: this ritual never offers again
        return Reply(speech=(narrate(own.line("declined")),), end_session=True)
    if outcome == "already":
        entry["offer"] = ACCEPTED
        return Reply(speech=(narrate(own.line("already")),), end_session=True)
    return Reply(speech=(narrate(own.line("failed")),), end_session=True)
