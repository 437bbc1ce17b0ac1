"""Repair after a fight: a few slow breaths, then turns in the two voices, about ten minutes in all.

Each partner says what happened for them (the impact, not the intent) and the other says back what they
heard; each names one thing they are sorry for; together they choose one thing to do differently this week.
It never asks who was right. Started only by voice ("help us make up", "we had a fight"): it is on no menu
and never suggested, because nobody should be offered a repair they did not ask for.

Either partner can stop at any point: "we need a break" keeps the place for `keep_hours` (8) and ends the
session, so "continue" picks up at the same turn. "It keeps happening" names couples counselling as a
tune-up, in the counselling answer's own words, once per repair; said again, it is acknowledged only.
Nothing said is stored: the place in progress (who went first, which turn, the pace, whether counselling
was named) is all, and it is gone when the repair ends or its time runs out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skill.engine.script import Reply, Segment, narrate
from skill.engine.turn import Turn
from skill.engine.turn_place import Place, with_extras
from skill.engine.turn_taking import FOLLOW_UPS, WAITING, Step, TurnTaking, interrupted_at
from skill.intents import BREAK, KEEPS_HAPPENING
from skill.rituals.breathe import breath_cues

NAME = "repair"
COUNSELLING = "counselling"
COUNSELLED = "counselling_named"  # in the stored place: counselling was named once this repair


class RepairPlace(Place):
    """The turn engine's place, and whether counselling was named once this repair (stored as "counselling_named")."""

    counselled: bool = False

    @classmethod
    def read_extras(cls, stored: Mapping[str, Any], shared: Place) -> RepairPlace:
        return with_extras(shared, cls, counselled=bool(stored.get(COUNSELLED)))

    def stored_extras(self) -> dict[str, Any]:
        return {COUNSELLED: True} if self.counselled else {}


class Repair(TurnTaking[RepairPlace]):
    name = NAME
    intents = frozenset({"RepairIntent"})
    follow_ups = FOLLOW_UPS | {BREAK, KEEPS_HAPPENING}
    place_type = RepairPlace

    def steps(self, turn: Turn, place: RepairPlace) -> list[Step]:
        seconds = {key: float(value) for key, value in turn.section.settings["seconds"].items()}
        steps = []
        for part, speaker in enumerate((0, 1)):  # each is heard, and heard back, before anyone apologises
            steps.append(Step("impact", speaker, seconds["impact"], part=part, cue=True))
            steps.append(Step("listen_back", 1 - speaker, seconds["listen_back"], part=part, cue=True))
        steps.append(Step("sorry", 0, seconds["sorry"], part=2, cue=True))
        steps.append(Step("sorry", 1, seconds["sorry"], part=2, cue=True))
        steps.append(Step("differently", None, seconds["differently"], part=3, cue=True))
        return steps

    def opening(self, turn: Turn, place: RepairPlace) -> list[Segment]:
        breaths = int(turn.section.settings["opening_breaths"])
        if breaths <= 0:
            return []
        return [narrate(turn.line("breathe_intro", count=breaths)), *breath_cues(turn, place.first, breaths)]

    def proceed(self, turn: Turn, intent: str) -> Reply:
        place = self._place(turn)
        if place is not None and intent == BREAK:
            return self._pause(turn, place, [narrate(turn.line("break_taken"))])
        if place is not None and intent == KEEPS_HAPPENING:
            return self._keeps_happening(turn, place)
        return super().proceed(turn, intent)

    def _keeps_happening(self, turn: Turn, place: RepairPlace) -> Reply:
        """Counselling named once a repair, as a tune-up, in the counselling answer's words; then their place."""
        if place.counselled:
            return self._pause(
                turn, place, [narrate(turn.line("keeps_happening_again")), narrate(turn.line("back_to_it"))]
            )
        care = turn.for_section(COUNSELLING)
        said = [narrate(turn.line("keeps_happening")), narrate(care.line("what_it_is")), narrate(care.line("where"))]
        return self._pause(turn, place._replace(counselled=True), [*said, narrate(turn.line("back_to_it"))])

    def _pause(self, turn: Turn, place: RepairPlace, speech: list[Segment]) -> Reply:
        """The place kept (renewed for the full keep time from now) and the session ended.

        Said while a paced stretch was still playing, the place is the turn they were in, not the one after it.
        """
        playing = interrupted_at(turn.now.timestamp(), place.stretch) if WAITING in turn.session else None
        if playing is not None and place.stretch is not None:
            place = place._replace(cursor=place.stretch.start + playing)
        self._keep(turn, place._replace(stretch=None))
        return Reply(speech=tuple(speech), end_session=True)


RITUAL = Repair()
