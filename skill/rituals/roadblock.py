"""Our roadblock: the couple names what is most in their way now, from a short list read out or in their
own words; the skill offers one ritual that fits it, and at each later weekly check-in asks "closer than
last week?" against it (the check-in's numbers answer it).

Only which listed roadblock they chose is stored, with the day, under household.rituals["roadblock"]:
{"chosen": "stress", "on": "YYYY-MM-DD"}, read and written only here (`read`, `write`) as a typed `Chosen`; the
check-in asks through `check_in_question` and `check_in_answer`. Their own words are never kept (they choose nothing stored).
It is asked at check-ins for `ask_for_weeks` weeks after it was chosen, then left to rest.
While choosing, and while the offer waits for a yes, the place is kept for a few minutes only.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from skill.engine.ritual import ritual_named
from skill.engine.script import Reply, Segment, narrate
from skill.engine.turn import Turn
from skill.engine.turn_place import stored_text
from skill.engine.turn_taking import WAITING
from skill.household import Household
from skill.intents import HEARD_SOMETHING
from skill.intents import ROADBLOCK as INTENT
from skill.record import Record

NAME = "roadblock"
SLOT, SLOT_TYPE = "roadblock", "ROADBLOCK"
YES, NO = "AMAZON.YesIntent", "AMAZON.NoIntent"
CHOOSING, OFFERED = "choosing", "offered"
OLD_HURTS = "old_hurts"


class Chosen(Record):
    """The listed roadblock the couple chose last (its id in the content's slot type) and the day they chose it."""

    roadblock: str
    on: date


def read(household: Household) -> Chosen | None:
    """The roadblock as stored, looked at only (it is read at every check-in); None if there is none or it is damaged."""
    stored = household.peek_ritual(NAME)
    state = stored if isinstance(stored, dict) else {}
    roadblock = state.get("chosen")
    try:
        on = date.fromisoformat(str(state.get("on")))
    except ValueError:
        return None
    return Chosen(roadblock, on) if isinstance(roadblock, str) else None


def write(household: Household, chosen: Chosen) -> None:
    """Keep {"chosen": the roadblock's id, "on": "YYYY-MM-DD"}."""
    household.rituals[NAME] = {"chosen": chosen.roadblock, "on": chosen.on.isoformat()}


def chosen(turn: Turn) -> Chosen | None:
    """The listed roadblock chosen last, if any and still one of the content's."""
    found = read(turn.household)
    return found if found is not None and _spoken(turn, found.roadblock) else None


def _spoken(turn: Turn, roadblock_id: str) -> str | None:
    """The words for a listed roadblock ("no time"), from the content's slot type."""
    for value in turn.content.section(NAME).data.get("slot_types", {}).get(SLOT_TYPE, []):
        if value["id"] == roadblock_id:
            return str(value["value"])
    return None


# -- at the weekly check-in ---------------------------------------------------------------------------
def _asked_at_check_in(turn: Turn) -> str | None:
    """The roadblock to ask about at a check-in today: chosen on an earlier day, within `ask_for_weeks`."""
    found = chosen(turn)
    if found is None:
        return None
    weeks = int(turn.content.section(NAME).settings["ask_for_weeks"])
    today = turn.local_now.date()
    if not found.on < today <= found.on + timedelta(weeks=weeks):
        return None
    return _spoken(turn, found.roadblock)


def check_in_question(turn: Turn) -> list[Segment]:
    """Before the check-in's numbers: "since you named stress, do you feel closer than last week?"."""
    words = _asked_at_check_in(turn)
    if words is None:
        return []
    return [narrate(turn.for_section(NAME).line("check_in_question", roadblock=words))]


def check_in_answer(turn: Turn, deltas: tuple[int, int] | None) -> list[Segment]:
    """After the numbers: closer, the same or further than last week (`deltas`: each partner's change since the
    check-in before, None when there was none recently), against the roadblock they named."""
    words = _asked_at_check_in(turn)
    if words is None:
        return []
    section = turn.for_section(NAME)
    if deltas is None:
        return [narrate(section.line("first_measure"))]
    change = sum(deltas)
    key = "closer" if change > 0 else "further" if change < 0 else "same"
    return [narrate(section.line(key, roadblock=words))]


# -- naming it ----------------------------------------------------------------------------------------
class Step(Record):
    """Where the roadblock stands while in progress: choosing one, or a ritual `offered` for it. Stored {"step":
    "choosing"} or {"step": "offered", "ritual": name}."""

    offered: str | None = None

    def stored(self) -> dict[str, Any]:
        return {"step": CHOOSING} if self.offered is None else {"step": OFFERED, "ritual": self.offered}


def read_step(stored: object) -> Step:
    """The step kept, as stored; anything else (nothing kept, or damaged) is choosing."""
    if not isinstance(stored, dict) or stored.get("step") != OFFERED:
        return Step()
    return Step(offered=stored_text(stored.get("ritual")))


class Roadblock:
    name = NAME
    intents = frozenset({INTENT})
    follow_ups = frozenset({YES, NO, HEARD_SOMETHING})

    def start(self, turn: Turn) -> Reply:
        picked = turn.slot_value_id(SLOT, SLOT_TYPE)
        if picked is not None:
            return self._chosen(turn, picked)
        if turn.slots.get(SLOT):  # their own words, which Alexa could not match to one of ours: not kept
            return self._own_words(turn)
        return self._ask(turn, "ask")

    def proceed(self, turn: Turn, intent: str) -> Reply:
        step = read_step(turn.progress())
        if step.offered is not None:
            if intent == YES:
                return self._start_offered(turn, step.offered)
            if intent == NO:
                turn.end_progress()
                return Reply(speech=(narrate(turn.line("declined")),), end_session=True)
            return self._offer(turn, step.offered, [], key="offer_again")
        if intent == HEARD_SOMETHING:  # while choosing: words we have no roadblock for are their own words
            return self._own_words(turn)
        return self._ask(turn, "ask_again")

    def resume(self, turn: Turn) -> Reply:
        offered = read_step(turn.progress()).offered
        if offered is not None:
            return self._offer(turn, offered, [], key="offer_again")
        return self._ask(turn, "ask_again")

    def help(self, turn: Turn) -> Reply:
        return self.resume(turn)

    def repeat(self, turn: Turn) -> Reply:
        return self.resume(turn)

    def place_kept(self, turn: Turn) -> bool:
        """Stopping while choosing or at the offer leaves nothing to come back to."""
        return False

    # -- the steps ----------------------------------------------------------------------------------
    def _ask(self, turn: Turn, key: str) -> Reply:
        self._keep(turn, Step())
        return Reply(
            speech=(narrate(turn.line(key)),),
            reprompt=(narrate(turn.line("ask_again" if key == "ask" else "ask")),),
            session={WAITING: CHOOSING},
        )

    def _chosen(self, turn: Turn, roadblock: str) -> Reply:
        words = _spoken(turn, roadblock) or roadblock
        write(turn.household, Chosen(roadblock, turn.local_now.date()))
        lead: list[Segment] = [narrate(turn.line("chosen", roadblock=words)), narrate(turn.line("remembered"))]
        if roadblock == OLD_HURTS:
            lead.append(narrate(turn.line("old_hurts_care")))
        fits = str(turn.section.settings["fits"][roadblock])
        return self._offer(turn, fits, lead)

    def _own_words(self, turn: Turn) -> Reply:
        """Named in their own words: nothing kept, and the ritual that suits most roadblocks offered."""
        return self._offer(turn, str(turn.section.settings["fits"]["talking"]), [narrate(turn.line("own_words"))])

    def _offer(self, turn: Turn, ritual: str, lead: list[Segment], *, key: str = "offer") -> Reply:
        title = str(turn.content.section(ritual).settings.get("title", ritual))
        self._keep(turn, Step(offered=ritual))
        return Reply(
            speech=(*lead, narrate(turn.line(key, ritual=title))),
            # asked again (help, repeat): the reprompt is the first wording, so it never says the speech twice
            reprompt=(narrate(turn.line("offer" if key == "offer_again" else "offer_again", ritual=title)),),
            session={WAITING: OFFERED},
        )

    def _start_offered(self, turn: Turn, name: str) -> Reply:
        turn.end_progress()
        ritual = ritual_named(name)
        if ritual is None:
            return Reply(speech=(narrate(turn.line("declined")),), end_session=True)
        intent = next(iter(sorted(ritual.intents)))
        return ritual.start(turn.for_section(ritual.name)._replace(intent=intent, slots={}))

    def _keep(self, turn: Turn, step: Step) -> None:
        turn.keep_progress(step.stored(), hours=float(turn.section.settings["choosing_minutes"]) / 60)


RITUAL = Roadblock()
