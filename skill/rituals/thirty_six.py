"""The thirty-six questions evening: three sets of twelve, rising in closeness, closing with four quiet minutes.

The format of Aron and colleagues (1997), with questions of this project's own: each question is answered by
both partners, who answers first alternates from one question to the next, and the whole evening takes
about as long as the study's 45 minutes. Each set is one run of the shared turn engine (skill/engine/turn_taking.py):
hands-free by default (each answer timed, the next partner named in their own voice, a chime closing each
question, and as many questions in one response as Alexa's limits allow: four of the shorter, three of the
closest), or at their own pace ("let's take our time"), the microphone closed while someone answers and a
one-shot "Alexa, tell our rituals next" handing over. A couple can stop between sets and come back another
day ("let's do set two"): the next set is kept in the household. The evening ends with four quiet minutes,
as the couple chooses: looking into each other's eyes ("next"), side by side when eye contact is too much,
or a walk together with no clock. The four minutes are kept by an Alexa timer when the couple allows timers
(asked by voice, as five magic minutes does, through skill/engine/ritual_timer.py), else by the skill
itself: a silence and a chime, inside one response (240 s: Alexa's most). They never start while timed
answers are still playing: the couple chooses once they are ready.

Progress: a `ThirtySixPlace`, the turn engine's {"first", "cursor", "pace", ...} and {"set": 1-3}, plus "step" once the
set's answers are done: "between" (shall we go on?), "gaze" (ready for the four minutes?) or "asking"
(Alexa asks for timers; "run" is the timer's run, "way" eye to eye or side by side). Durable state:
{"next_set": 2|3} and the timer's notes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from skill.engine.alerts import TIMERS_SCOPE
from skill.engine.familiarity import familiarity
from skill.engine.ritual_timer import RitualTimer, sound_run
from skill.engine.script import Reply, Segment, narrate, to_partner
from skill.engine.timing import timed_hold
from skill.engine.turn import Turn
from skill.engine.turn_place import Place, stored_count, stored_text, with_extras
from skill.engine.turn_taking import (
    DONE,
    FOLLOW_UPS,
    HEARD_SOMETHING,
    KEEP_TIME,
    NEXT,
    NO,
    OPEN,
    PACED,
    PACES,
    SKIP,
    TAKE_OUR_TIME,
    YES,
    Step,
    TurnTaking,
    interrupted_at,
    pace_from_slot,
    timed_total,
)
from skill.intents import SIDE_BY_SIDE, START_OVER, WALK_TOGETHER
from skill.speech.limits import MAX_AUDIO_TAGS, MAX_SPEECH_AUDIO_SECONDS

NAME = "thirty_six"
SETS = (1, 2, 3)
PER_SET = 12
# The one placeholder a question may hold: the name of the partner who is NOT answering.
PARTNER_SLOT = "{partner}"

# Where a set stands once its answers are done.
BETWEEN, GAZE, ASKING = "between", "gaze", "asking"
# The closing four minutes: eye to eye, or side by side when eye contact is too much.
EYES, SIDE = "eyes", "side"
# The closing four minutes, on an Alexa timer (one per evening, a refusal remembered: skill/engine/ritual_timer.py).
TIMER = RitualTimer(NAME, seconds="gaze_seconds")


def questions_of(turn: Turn, set_number: int) -> list[str]:
    return [str(q["text"]) for q in turn.content.section(NAME).data["questions"] if q["set"] == set_number]


def _durable(turn: Turn) -> dict[str, Any]:
    """Durable state: {"next_set": 2|3} beside the timer's notes."""
    return TIMER.state(turn)


class ThirtySixPlace(Place):
    """The turn engine's place, the set (1-3, stored as "set"), and while Alexa asks for timers the timer's `run` and
    the four minutes' `way` (eye to eye or side by side; kept once asked)."""

    set_number: int = 1
    run: int | None = None
    way: str | None = None

    @classmethod
    def read_extras(cls, stored: Mapping[str, Any], shared: Place) -> ThirtySixPlace | None:
        set_number, way = stored.get("set"), stored.get("way")
        if stored_count(set_number) not in SETS:
            return None
        run = sound_run(stored.get("run"))
        return with_extras(shared, cls, set_number=set_number, run=run, way=stored_text(way))

    def stored_extras(self) -> dict[str, Any]:
        stored: dict[str, Any] = {"set": self.set_number}
        if self.run is not None:
            stored["run"] = self.run
        if self.way is not None:
            stored["way"] = self.way
        return stored


class ThirtySix(TurnTaking[ThirtySixPlace]):
    """Each set a run of twenty-four turns, a question a part: paced or open, as the couple chooses."""

    name = NAME
    intents = frozenset({"ThirtySixQuestionsIntent"})
    manifest_permissions = (TIMERS_SCOPE,)  # the skill manifest declares what a ritual may ask the couple for
    follow_ups = FOLLOW_UPS | {SIDE_BY_SIDE, WALK_TOGETHER}
    place_type = ThirtySixPlace

    # -- the turns ---------------------------------------------------------------------------------
    def steps(self, turn: Turn, place: ThirtySixPlace) -> list[Step]:
        """Twelve questions, each answered by both (one part, so a paced response keeps them together);
        whoever opens the set answers its odd questions first, the other its even ones. A chime closes each
        question (Alexa allows five clips a response, so one a question lets four share a response); within
        a question, the other partner's name in their own voice hands over."""
        set_number = place.set_number
        hold = float(turn.section.settings["answer_seconds"][set_number - 1])
        steps = []
        for question in range(PER_SET):
            opener = question % 2
            steps.append(Step("first_turn", opener, hold, part=question))
            steps.append(Step("second_turn", 1 - opener, hold, part=question, cue=True))
        return steps

    def prompt(self, turn: Turn, place: ThirtySixPlace, step: Step) -> list[Segment]:
        """Who answers, named before the question, in their own voice; the narrator numbers the question."""
        partner = self._partner(place, step)
        assert partner is not None, "every turn is one partner's"
        question = self._question(turn, place, step.part, partner)
        asked = to_partner(partner, f"{self._say(turn, place, step, step.key).text} {question}")
        if step.key == "first_turn":
            return [narrate(turn.line("question_number", count=step.part + 1)), asked]
        return [asked]

    def _question(self, turn: Turn, place: ThirtySixPlace, index: int, partner: int) -> str:
        """Question `index` of the set, its name slot holding the name of the partner who is not answering."""
        return questions_of(turn, place.set_number)[index].replace(PARTNER_SLOT, turn.name(1 - partner))

    # -- SteppedRitual -----------------------------------------------------------------------------
    def start(self, turn: Turn) -> Reply:
        """Set one, the set they asked for, or the next set they left for another day; mid-set, where they are."""
        asked = turn.number_slot("set")
        previous = self._place(turn)
        pace = pace_from_slot(turn)
        if previous is not None and (turn.intent == START_OVER or asked is None):
            if turn.intent == START_OVER:  # the same set again, a new run: the other partner first, the same pace
                return self._begin_set(turn, previous.set_number, pace or previous.pace)
            if pace is not None:  # "the thirty-six questions, and let's take our time", mid-set
                previous = previous._replace(pace=pace)
            return self._resume(turn, previous)  # "the thirty-six questions" again: carry on where they are
        pace = pace or (previous.pace if previous else None) or str(self._setting(turn, "default_pace"))
        level = familiarity(turn, self.name)
        if asked in SETS:
            lead = self.explained(turn, "welcome", level) if asked == 1 else []
            return self._begin_set(turn, int(asked), pace, lead=lead, announce=level)
        saved = _durable(turn).get("next_set")
        if saved in (2, 3):
            return self._begin_set(
                turn, int(saved), pace, lead=[narrate(turn.line("resume_set", count=saved))], announce=level
            )
        return self._begin_set(turn, 1, pace, lead=self.explained(turn, "welcome", level), announce=level)

    def proceed(self, turn: Turn, intent: str) -> Reply:
        place = self._place(turn)
        if place is None:
            return self.start(turn)
        step = place.step
        if step in (BETWEEN, GAZE) and interrupted_at(turn.now.timestamp(), place.stretch) is not None:
            # They interrupted the timed answers ("take our time", "your turn"): back to the turn that was playing.
            return self._proceed(turn, place._replace(step=None), intent)
        if step == BETWEEN:
            return self._between(turn, place, intent)
        if step in (GAZE, ASKING):  # ASKING: Alexa's consent question went unanswered
            return self._at_gaze(turn, place, intent)
        return self._proceed(turn, place, intent)

    def resume(self, turn: Turn) -> Reply:
        place = self._place(turn)
        if place is None:
            if turn.progress() is not None:
                turn.end_progress()  # a place this version cannot read (kept by an older one): start from the saved set
            return self.start(turn)
        return self._resume(turn, place)

    def _resume(self, turn: Turn, place: ThirtySixPlace) -> Reply:
        lead: list[Segment] = [narrate(turn.line("resume"))]
        step = place.step
        place = place._replace(stretch=None)
        if step == BETWEEN:
            return self._ask_next_set(turn, place, [*lead, narrate(turn.line(f"set_done_{place.set_number}"))])
        if step == GAZE:
            return self._ready_for_gaze(turn, place, [*lead, narrate(turn.line("closing"))])
        if step == ASKING:  # the consent question never got its answer: a timer if allowed now, else our own silence
            return self._gaze(turn, place, lead, _way(place))
        return self._render(turn, place, lead)

    def on_permission(self, turn: Turn, accepted: bool) -> Reply:
        place = self._place(turn)
        if place is None or place.step != ASKING:
            # An answer to a question asked on another evening (Alexa sent it again, late): no timer now, and the
            # couple hear where they are, as for any word the moment has no use for.
            return self.proceed(turn, HEARD_SOMETHING)
        tried = TIMER.answered(turn, accepted, place.run)
        if tried.result.created:
            return self._timer_set(turn, [], _way(place))
        return self._silent_gaze(turn, [], _way(place))

    # -- context ------------------------------------------------------------------------------------
    def help(self, turn: Turn) -> Reply | None:
        place = self._place(turn)
        if place is not None and place.step == BETWEEN:
            return self._ask_next_set(turn, place, [narrate(turn.line("help_between", count=place.set_number))])
        if place is not None and place.step in (GAZE, ASKING):
            return self._ready_for_gaze(turn, place, [narrate(turn.line("help_gaze"))], ready=False)
        return super().help(turn)

    def repeat(self, turn: Turn) -> Reply | None:
        place = self._place(turn)
        if place is not None and place.step == BETWEEN:
            return self._ask_next_set(turn, place, [narrate(turn.line(f"set_done_{place.set_number}"))])
        if place is not None and place.step in (GAZE, ASKING):
            return self._ready_for_gaze(turn, place, [narrate(turn.line("closing"))])
        return super().repeat(turn)

    # -- a set ----------------------------------------------------------------------------------------
    def _begin_set(
        self, turn: Turn, set_number: int, pace: str, *, lead: Sequence[Segment] = (), announce: str | None = None
    ) -> Reply:
        """A new run of the engine: the set's first question, the partner who went second last time first; the pace
        explained as familiar as the ritual is (`announce`, a level of skill.engine.familiarity), or not at all."""
        _durable(turn)["next_set"] = set_number
        pace = pace if pace in PACES else PACED
        speech = [*lead, narrate(turn.line(f"set_intro_{set_number}"))]
        if announce:
            speech.extend(self.explained(turn, f"{pace}_intro", announce))
        first = turn.household.take_first_turn()
        place = ThirtySixPlace(first=first, cursor=0, pace=pace, set_number=set_number)
        return self._render(turn, place, speech)

    def _close(self, turn: Turn, speech: list[Segment], place: ThirtySixPlace | None = None) -> Reply:
        """The set's last answer is done: the next set, or after set three the closing four minutes.

        The four minutes wait for the couple's choice (eye to eye, side by side, or a walk): timed answers may
        still be playing, and a timer set now would run out early."""
        assert place is not None
        set_number = place.set_number
        if set_number < len(SETS):
            _durable(turn)["next_set"] = set_number + 1
            return self._ask_next_set(turn, place, [*speech, narrate(turn.line(f"set_done_{set_number}"))])
        _durable(turn).pop("next_set", None)  # the evening is complete: next time starts again at set one
        return self._ready_for_gaze(turn, place, [*speech, narrate(turn.line("closing"))])

    def _ask_next_set(self, turn: Turn, place: ThirtySixPlace, speech: list[Segment]) -> Reply:
        """Shall we go on to the next set? A yes or no: the microphone stays open for it."""
        place = place._replace(step=BETWEEN)
        return self._wait(turn, place, BETWEEN, speech, (narrate(turn.line("set_done_again")),))

    def _between(self, turn: Turn, place: ThirtySixPlace, intent: str) -> Reply:
        """Yes or next: the next set now (in the pace asked for); no: another day, with "let's do set two"."""
        following = place.set_number + 1
        if intent in (YES, NEXT):
            return self._begin_set(turn, following, place.pace)
        if intent in (TAKE_OUR_TIME, KEEP_TIME):
            pace = OPEN if intent == TAKE_OUR_TIME else PACED
            return self._begin_set(turn, following, pace, lead=[narrate(self._line(turn, f"now_{pace}"))])
        if intent in (NO, DONE, SKIP):
            turn.end_progress()
            return Reply(speech=(narrate(turn.line("pause_between", count=following)),), end_session=True)
        return self._ask_next_set(turn, place, [narrate(turn.line("set_done_again"))])

    # -- four quiet minutes: eye to eye, side by side, or a walk ----------------------------------------
    def _ready_for_gaze(self, turn: Turn, place: ThirtySixPlace, speech: list[Segment], *, ready: bool = True) -> Reply:
        """They choose when they are settled ("next" for eye contact, "side by side", "a walk"): the four minutes
        start then, not while answers still play."""
        place = place._replace(step=GAZE)
        speech = [*speech, narrate(turn.line("gaze_ready"))] if ready else speech
        return self._wait(turn, place, GAZE, speech, (narrate(turn.line("gaze_ready_again")),))

    def _at_gaze(self, turn: Turn, place: ThirtySixPlace, intent: str) -> Reply:
        """Ready for the four minutes? Next or yes begins them eye to eye, "side by side" side by side, "a walk"
        ends the evening with a walk; not yet keeps the place; "we'd rather not" ends here."""
        if intent in (YES, NEXT, DONE, KEEP_TIME):
            return self._gaze(turn, place, [], EYES)
        if intent == SIDE_BY_SIDE:
            return self._gaze(turn, place, [], SIDE)
        if intent == WALK_TOGETHER:
            turn.end_progress()
            return Reply(speech=(narrate(turn.line("walk")),), end_session=True)
        if intent in (TAKE_OUR_TIME, NO):  # not yet: the place is kept, and a one-shot begins them
            self._keep(turn, place._replace(step=GAZE, pace=OPEN, stretch=None))
            return Reply(speech=(narrate(turn.line("gaze_later")),), end_session=True)
        if intent == SKIP:
            turn.end_progress()
            return Reply(speech=(narrate(turn.line("goodnight")),), end_session=True)
        return self._ready_for_gaze(turn, place, [])

    def _gaze(self, turn: Turn, place: ThirtySixPlace, lead: list[Segment], way: str) -> Reply:
        """An Alexa timer if allowed; else Alexa asks (once, and not again soon after a no); else the skill keeps time.

        After a consent question that went unanswered, the timer is tried for the run it was asked for, and
        the question is not asked again.
        """
        asked = place.step == ASKING
        tried = TIMER.start(turn, place.run if asked else None)
        if tried.result.created:
            return self._timer_set(turn, lead, way)
        if not asked and TIMER.should_ask(turn, tried):
            # The place is kept in the household: Alexa's answer may come in a new session, or none at all.
            asking = place._replace(step=ASKING, run=tried.run, way=way, stretch=None)
            self._keep(turn, asking, hours=float(turn.section.settings["asking_hours"]))
            return Reply(speech=(*lead, narrate(turn.line("ask_timer"))), ask_permission=TIMERS_SCOPE)
        return self._silent_gaze(turn, lead, way)

    def _timer_set(self, turn: Turn, lead: list[Segment], way: str) -> Reply:
        turn.end_progress()
        return Reply(
            speech=(*lead, narrate(turn.line("timer_set" if way == EYES else "timer_set_side"))), end_session=True
        )

    def _silent_gaze(self, turn: Turn, lead: list[Segment], way: str) -> Reply:
        """The four minutes kept by the skill: a quiet hold and a chime, all within one response."""
        turn.end_progress()
        settings = turn.section.settings
        hold = timed_hold(float(settings["gaze_seconds"]), turn.content.sounds, settings["end_clip"])
        begin = narrate(turn.line("silent_gaze" if way == EYES else "silent_side"))
        speech = [*lead, begin, *hold, narrate(turn.line("gaze_end"))]
        seconds, clips = timed_total(turn, speech)
        assert seconds <= MAX_SPEECH_AUDIO_SECONDS and clips <= MAX_AUDIO_TAGS, "the four minutes fit one response"
        return Reply(speech=tuple(speech), end_session=True)


def _way(place: ThirtySixPlace) -> str:
    """The four minutes' way kept while Alexa asked for timers: side by side, else eye to eye."""
    return SIDE if place.way == SIDE else EYES


RITUAL = ThirtySix()
