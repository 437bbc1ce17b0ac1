"""The scripted evening and the simulated year the benchmark sends, built on the tests' transcript harness.

Every response still goes through `tests.support.conversation.Couple`, so each one is checked against
Alexa's limits: the benchmark never times a reply Alexa would refuse. Requests carry no Alexa API
access token, so the skill takes its offline path for timers and the time zone: calls to Amazon's
APIs are network time outside the skill and are not measured here.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from tests.support.conversation import Couple, Said

TURNS = 20
# Intents no ritual starts, to pad the evening to TURNS: the narrator's own turns.
NARRATOR_TURNS: tuple[tuple[str, dict[str, str]], ...] = (
    ("SwapVoicesIntent", {}),
    ("AMAZON.FallbackIntent", {}),
    ("AMAZON.ResumeIntent", {}),
    ("AMAZON.HelpIntent", {}),
    ("AMAZON.RepeatIntent", {}),
)
_households = itertools.count(1)

Send = Callable[[dict[str, Any]], dict[str, Any]]


class OfflineCouple(Couple):
    """A couple whose requests carry no Alexa API access (no timers, no Settings API): no network in a timing."""

    def envelope(self, request: dict[str, Any], *, new: bool) -> dict[str, Any]:
        envelope = super().envelope(request, new=new)
        envelope["context"]["System"].pop("apiAccessToken", None)
        envelope["context"]["System"].pop("apiEndpoint", None)
        return envelope


def new_couple(send: Send, *, now: datetime | None = None) -> OfflineCouple:
    """A couple nobody has met yet (a new Alexa user id each time)."""
    couple = OfflineCouple(send=send, user_id=f"amzn1.ask.account.BENCH-{next(_households):06d}")
    if now is not None:
        couple.now = now
    return couple


def rituals() -> list[tuple[str, str, frozenset[str]]]:
    """(name, starting intent, follow-up intents) of every ritual registered when the benchmark runs, in the order
    the narrator's menu offers them (the rituals a couple meets first), then the rest by name."""
    from skill.content import load_content
    from skill.engine.ritual import SteppedRitual, rituals_in_menu_order

    menu = list(load_content("en-US").section("narrator").settings["menu"])
    ordered = sorted(
        rituals_in_menu_order(), key=lambda r: (menu.index(r.name) if r.name in menu else len(menu), r.name)
    )
    found = []
    for ritual in ordered:
        follow_ups = ritual.follow_ups if isinstance(ritual, SteppedRitual) else frozenset()
        # The plainest intent starts it ("CheckInIntent", not "CheckInHistoryIntent").
        found.append((ritual.name, min(sorted(ritual.intents), key=len), frozenset(follow_ups)))
    return found


def run_ritual(couple: Couple, intent: str, follow_ups: frozenset[str], *, budget: int) -> list[Said]:
    """Start a ritual in its own session, then follow it through while it keeps the session open.

    A stepped ritual hears "I'm done" and, if it asks for ratings, a rating, turn about: whichever its
    current step wants moves it on, the other gets a gentle nudge (part of a real evening too).
    """
    saids = [couple.intent(intent, one_shot=True)]
    steps = [step for step in ("DoneIntent", "RatingIntent") if step in follow_ups]
    ratings = itertools.cycle(("7", "8", "6", "9"))
    for step in itertools.cycle(steps or [None]):
        if step is None or len(saids) >= budget or not couple.session_open:
            break
        slots = {"rating": next(ratings)} if step == "RatingIntent" else {}
        saids.append(couple.intent(step, **slots))
    return saids


def evening(couple: Couple, turns: int = TURNS) -> list[Said]:
    """A first evening of `turns` requests: meeting, names, a hug, breathing, help, repeat, then every other ritual.

    Whatever rituals exist are each started once (stepped ones are followed through); the narrator's own
    turns fill the rest, and a goodbye closes the evening.
    """
    said = [couple.launch(), couple.intent("SetNamesIntent", first="Maya", second="Sam")]
    said.append(couple.intent("HugIntent", one_shot=True))
    said.append(couple.intent("BreatheIntent", one_shot=True, breaths="3"))
    said.append(couple.launch())
    said.append(couple.intent("AMAZON.HelpIntent"))
    said.append(couple.intent("AMAZON.RepeatIntent"))
    for name, intent, follow_ups in rituals():
        if name in ("hug", "breathe"):
            continue
        if len(said) >= turns - 1:
            break
        said.extend(run_ritual(couple, intent, follow_ups, budget=turns - 1 - len(said)))
    padding = itertools.cycle(NARRATOR_TURNS)
    if len(said) < turns - 1 and not couple.session_open:
        said.append(couple.launch())
    while len(said) < turns - 1:
        name, slots = next(padding)
        said.append(couple.intent(name, **slots))
    said.append(couple.intent("AMAZON.StopIntent"))
    return said


@dataclass
class YearReport:
    requests: int
    weeks: int


def year(couple: Couple, weeks: int = 52) -> YearReport:
    """A year of use: a first meeting, then every week each ritual once, on its own evening, the clock moved on."""
    sent = len(couple.history)
    couple.meet("Maya", "Sam")
    found = rituals()
    for _week in range(weeks):
        week_start = couple.now
        couple.launch()
        couple.intent("AMAZON.StopIntent")
        for day, (_name, intent, follow_ups) in enumerate(found):
            couple.now = week_start + timedelta(days=day % 7, hours=1 + day // 7)
            run_ritual(couple, intent, follow_ups, budget=8)
        couple.now = week_start + timedelta(days=7)
    return YearReport(requests=len(couple.history) - sent, weeks=weeks)


def launch_event(now: datetime | None = None, user_id: str = "amzn1.ask.account.BENCH-COLD") -> dict[str, Any]:
    """A LaunchRequest as Alexa sends it, API endpoint and token included (a launch calls no API).

    The cold start sends it for a couple the skill already knows (their names are in the seeded store).
    """
    couple = Couple(send=lambda event: event, user_id=user_id)
    couple.now = now or datetime.now(timezone.utc)
    couple.new_session()
    return couple.envelope({"type": "LaunchRequest"}, new=True)
