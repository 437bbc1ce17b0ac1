"""Turn-taking sequences: steps addressed to a partner, each with a hold, delivered paced (timed) or open (by voice).

The conversation rituals (morning coffee, rose/thorn/bud, appreciation, sentence stems, stress map, gentle
start, the three dates, tonight's question, the weekly check-in, the thirty-six questions) are each a
`TurnTaking` with their own steps and content. An Echo listens only about 8 seconds after it speaks (16 with the reprompt), so the microphone
is never left open while someone is meant to talk freely:
- Paced (the default): prompts, quiet holds and a chime at each change of speaker go into one response, as
  many as Alexa's limits allow; when the rest will not fit, the couple hears so plainly and says "next".
  Where each turn ends is kept, so "take our time" said while the response plays opens the turn that was playing.
- Open ("let's take our time"): one prompt, who goes next, and the one hand-over phrase ("When you're done,
  say: Alexa, tell our rituals next", once a run; once the ritual is familiar, only the prompt and the phrase
  briefly, so the first turn starts within seconds); the session ends, and that one-shot, in a new session hours
  later, carries on from the place kept (a typed `Place`, skill/engine/turn_place.py).
Ratings are short answers, so the microphone stays open for them; "skip", "pass" or "next" passes one by.

Shared wordings (hand-overs, help, splits, rating re-asks) live in the `turns` content file; a ritual's
own content file may override any of them by using the same key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, cast

from skill.engine.familiarity import familiar, familiarity, introduced
from skill.engine.script import PROMPT, Pause, Reply, Say, Segment, Sound, View, narrate, to_partner
from skill.engine.session_keys import TURNS_WAITING
from skill.engine.timing import timed_hold
from skill.engine.turn import Turn
from skill.engine.turn_place import OPEN, PACED, PACES, P, Place, Stretch, read_place, stored_place, with_extras
from skill.household import Household
from skill.intents import DONE, HEARD_SOMETHING, KEEP_TIME, NEXT, NO, RATING, SKIP, TAKE_OUR_TIME, YES
from skill.record import Record
from skill.speech.limits import MAX_AUDIO_TAGS, MAX_SPEECH_AUDIO_SECONDS

SECTION = "turns"
PACE_SLOT, PACE_TYPE = "pace", "RITUAL_PACE"

# While someone talks, Alexa may catch a snatch of it (HEARD_SOMETHING): a gentle nudge beats the whole menu.
FOLLOW_UPS = frozenset({DONE, NEXT, RATING, SKIP, TAKE_OUR_TIME, KEEP_TIME, YES, NO, HEARD_SOMETHING})
# Everything that passes a rating by: nobody has to give a number in front of the other.
SKIPS = frozenset({SKIP, NEXT, DONE})

# What a ritual in progress waits for: someone talking (open pace), a rating, or "next" between two paced parts.
TALKING, RATING_ASKED, NEXT_PART = "talking", "rating", "next_part"
PLAYING = "playing"  # the last turns went into one answer, still playing: interrupted, it is a place again
# Set while this session's last reply came from a turn-taking ritual (a "yes" then means something).
WAITING = TURNS_WAITING

# A paced response holds at most this long: Alexa's 240 s, less a little room for the composer's rounding.
PACED_SECONDS = MAX_SPEECH_AUDIO_SECONDS - 5
# A ritual played to its end in one answer keeps its place while that answer plays, and this long after:
# "Alexa, tell our rituals pause" a few seconds after the estimated end still finds where they were.
PLAYED_GRACE_SECONDS = 30.0
# A request this soon after an answer was sent cannot have interrupted it: the Echo has hardly begun to speak.
EARLIEST_BARGE_IN_SECONDS = 2.0
# Roughly how fast Alexa speaks, in characters a second: to tell where in a paced response a couple
# interrupted it ("Alexa, let's take our time" half-way through a turn).
SPOKEN_CHARS_PER_SECOND = (
    16.0  # a little fast on purpose: a request just after the end is not taken for an interruption
)


def spoken_seconds(segments: Sequence[Segment], sounds: Any) -> float:
    """About how long `segments` take to play: speech estimated from its length, holds and clips exactly."""
    total = 0.0
    for segment in segments:
        if isinstance(segment, Say):
            total += len(segment.text) / SPOKEN_CHARS_PER_SECOND
        elif isinstance(segment, Pause):
            total += segment.seconds
        elif isinstance(segment, Sound):
            total += sounds.seconds(segment.clip)
    return total


def interrupted_at(now: float, stretch: Stretch | None) -> int | None:
    """Which of a paced response's turns was playing when a request came in, or None if it had finished.

    `stretch` is the answer's timeline (skill/engine/turn_place.py). A request during the response is the couple
    interrupting it ("Alexa, ..." wakes the Echo mid-speech), in this session or, after an answer that closed the
    session, with a one-shot in a new one.
    """
    if stretch is None:
        return None
    elapsed = now - float(stretch.at)
    if elapsed < EARLIEST_BARGE_IN_SECONDS:
        return None
    return next((index for index, end in enumerate(stretch.ends) if elapsed < end), None)


def someone_talking(household: Household) -> bool:
    """A partner has the floor in an open turn of the turn-taking ritual in progress (whichever it is)."""
    progress = household.in_progress
    place = read_place(progress["state"], Place) if progress is not None else None
    return place is not None and place.waiting == TALKING


def open_hand_over(
    turn: Turn, partner: int | None, following: int | str | None, *, one_shot: bool = True, familiar: bool = False
) -> list[Segment]:
    """The hand-over for an open turn, naming who goes next; the session then ends.

    `partner` speaks now (None: both together); `following` is who goes next (a partner, None for both,
    or "end" when this is the last turn). The microphone is never open while someone talks freely, so
    the couple hands over with a one-shot: "Alexa, tell our rituals next". That phrase is said when
    `one_shot` (once in a ritual: heard once, it is known for the turns that follow).

    A `familiar` ritual (skill.engine.familiarity.familiar: explained in full twice already) says less, so the
    first turn starts within seconds: no "take all the time you need" (they asked for the time), and the one-shot
    phrase briefly, every word of the command still said (the count is of the ritual's uses, not of open ones, so
    a couple may be new to it), in place of who goes next (the next prompt names them).
    """
    if familiar:
        if one_shot:
            return [narrate(own_or_shared_line(turn, "one_shot_brief"))]
        return [narrate(_then(turn, partner, following))]
    if partner is None:
        take_time = narrate(own_or_shared_line(turn, "take_time_both"))
    else:
        take_time = to_partner(partner, own_or_shared_line(turn, "take_time", name=turn.name(partner)))
    told = [narrate(own_or_shared_line(turn, "one_shot"))] if one_shot else []
    return [take_time, *told, narrate(_then(turn, partner, following))]


def _then(turn: Turn, partner: int | None, following: int | str | None) -> str:
    """Who goes after this open turn: the other partner, the same one again, both together, or nobody (the end)."""
    if following == "end":
        return own_or_shared_line(turn, "then_end")
    if following is None:
        return own_or_shared_line(turn, "then_both")
    if following == partner:
        return own_or_shared_line(turn, "then_again", name=turn.name(int(following)))
    return own_or_shared_line(turn, "then_next", other=turn.name(int(following)))


def own_or_shared_line(turn: Turn, key: str, **values: Any) -> str:
    """The ritual's own wording of `key` when it has one, else the shared turn-taking wording."""
    if key in turn.section.lines:
        return turn.line(key, **values)
    return turn.for_section(SECTION).line(key, **values)


class Step(Record):
    """One turn: the line that opens it (in the ritual's content), who speaks, and how long a paced hold lasts.

    `speaker` is 0 for whoever goes first this run, 1 for the other, None for both together (the narrator asks).
    A paced response keeps a `part`'s steps together when it can; `cue` ends the hold with a soft chime
    (Alexa allows five clips a response); a `rating` step waits for a 1-10 answer in either pace; an `untimed`
    step is never held: in either pace its prompt (which says how to come back) closes the microphone, and the
    couple talk as long as they like, until a one-shot ("Alexa, tell our rituals next") moves on; a `held` step
    (a short one, such as saying back what was heard) keeps its hold even at an open pace, and then goes on.
    """

    key: str
    speaker: int | None
    hold: float = 0.0
    part: int = 0
    cue: bool = False
    rating: bool = False
    untimed: bool = False
    held: bool = False


def _waits(step: Step) -> bool:
    """A step no paced response plays through: a rating asked for, or an untimed talk."""
    return step.rating or step.untimed


def _cost(step: Step, clip_seconds: float) -> float:
    """Seconds of breaks and audio a paced step takes (the chime's length counts toward its hold)."""
    return max(min(step.hold, PACED_SECONDS), clip_seconds if step.cue else 0.0)


def paced_run(steps: Sequence[Step], seconds: float, clips: int, clip_seconds: float) -> int:
    """How many of `steps` one paced response can deliver: whole parts while they fit, stopping at a rating or
    an untimed step.

    Only when not even one whole part fits is a part split, step by step.
    """
    taken, used_seconds, used_clips = 0, 0.0, 0
    while taken < len(steps) and not _waits(steps[taken]):
        end = taken
        while end < len(steps) and steps[end].part == steps[taken].part and not _waits(steps[end]):
            end += 1
        part = steps[taken:end]
        part_seconds = sum(_cost(step, clip_seconds) for step in part)
        part_clips = sum(1 for step in part if step.cue)
        if used_seconds + part_seconds <= seconds and used_clips + part_clips <= clips:
            taken, used_seconds, used_clips = end, used_seconds + part_seconds, used_clips + part_clips
            continue
        if taken == 0:
            for step in part:
                step_clips = 1 if step.cue else 0
                if used_seconds + _cost(step, clip_seconds) > seconds or used_clips + step_clips > clips:
                    break
                taken, used_clips = taken + 1, used_clips + step_clips
                used_seconds += _cost(step, clip_seconds)
        break
    return taken


def timed_total(turn: Turn, segments: Sequence[Segment]) -> tuple[float, int]:
    """Seconds of silence and clips, and the number of clips, in `segments`."""
    sounds = turn.content.sounds
    seconds = sum(s.seconds for s in segments if isinstance(s, Pause))
    clips = [s for s in segments if isinstance(s, Sound)]
    return seconds + sum(sounds.seconds(s.clip) for s in clips), len(clips)


def pace_from_slot(turn: Turn) -> str | None:
    """The pace the couple asked for ("let's take our time" is open): a resolved id, or one of its words."""
    return turn.slot_value_id(PACE_SLOT, PACE_TYPE, SECTION)


class TurnTaking(Generic[P]):
    """A ritual made of turns. A module subclasses it, names its steps, and gets both paces, resume and fairness.

    Its place in progress is a `P` (skill/engine/turn_place.py): a `Place`, or the ritual's own subclass of it
    (`place_type`) when it keeps fields of its own. Read once a request by `_place`, never changed in place: each
    method that moves it on passes the new place along, and `_keep` stores it.
    """

    name: str
    intents: frozenset[str]
    follow_ups: frozenset[str] = FOLLOW_UPS
    place_type: type[P] = cast("type[P]", Place)  # a ritual with fields of its own names its Place subclass

    # -- what a ritual defines -------------------------------------------------------------------
    def steps(self, turn: Turn, place: P) -> list[Step]:
        """The ritual's turns for this run."""
        raise NotImplementedError

    def prepare(self, turn: Turn, place: Place) -> P:
        """The run's place from its shared fields: choices made once at the start of a run, and any durable note
        of them."""
        return with_extras(place, self.place_type)

    def opening(self, turn: Turn, place: P) -> list[Segment]:
        """What comes between the introduction and the first turn (a few breaths, say)."""
        return []

    def rated(self, turn: Turn, place: P, partner: int, rating: int) -> P:
        """A partner gave a rating the ritual asked for: the place that remembers what it needs."""
        return place

    # -- SteppedRitual -----------------------------------------------------------------------------
    def start(self, turn: Turn) -> Reply:
        """A new run, the other partner first this time; the pace as asked, else kept on "start over", else paced."""
        previous = self._place(turn)
        pace = pace_from_slot(turn) or (previous.pace if previous else None) or self._setting(turn, "default_pace")
        first = turn.household.take_first_turn()
        place = self.prepare(turn, Place(first=first, cursor=0, pace=pace if pace in PACES else PACED))
        lead = [*self.introduction(turn, place, familiarity(turn, self.name)), *self.opening(turn, place)]
        return self._render(turn, place, lead)

    def introduction(self, turn: Turn, place: P, level: str) -> list[Segment]:
        """The ritual and its pace explained: in full the first times, then briefly, then not at all (the first
        prompt names who begins)."""
        names = {"name": turn.name(place.first), "other": turn.name(1 - place.first)}
        return [*self.explained(turn, "intro", level, **names), *self.explained(turn, f"{place.pace}_intro", level)]

    def explained(self, turn: Turn, key: str, level: str, **values: Any) -> list[Segment]:
        """An explanation as familiar as the ritual is (skill.engine.familiarity): `key` in full, `key_brief`,
        and once known only `key_known` where a ritual keeps one (the repair's way to ask for a break)."""
        wording = introduced(key, level)
        if wording is None:
            wording = f"{key}_known"
            if wording not in turn.section.lines and wording not in turn.content.section(SECTION).lines:
                return []
        return [narrate(self._line(turn, wording, **values))]

    def proceed(self, turn: Turn, intent: str) -> Reply:
        """ "Next", a rating or a skip, a change of pace, a yes or no, or a snatch of talk, at the step they are on."""
        place = self._place(turn)
        if place is None:
            return self.start(turn)
        return self._proceed(turn, place, intent)

    def _proceed(self, turn: Turn, place: P, intent: str) -> Reply:
        steps = self.steps(turn, place)
        in_session = WAITING in turn.session
        # A request while a paced response was still playing: the couple interrupted it at this turn.
        pinned = self._pinned(turn, place)
        interrupted = pinned is not None
        place = pinned or place
        if intent in (TAKE_OUR_TIME, KEEP_TIME):
            place = place._replace(stretch=None, pace=OPEN if intent == TAKE_OUR_TIME else PACED)
            return self._render(turn, place, [narrate(self._line(turn, f"now_{place.pace}"))])
        if place.cursor >= len(steps):
            return self._render(turn, place, [])
        step = steps[place.cursor]
        if intent in (YES, NO) and not in_session and not interrupted:
            # "Shall we continue?" (the launch offer, in a new session): yes resumes, no keeps the place for later.
            return self.resume(turn) if intent == YES else self._later(turn, place)
        if step.rating:
            if intent == RATING:
                return self._take_rating(turn, place, step)
            if intent in SKIPS:  # "skip", "pass", "next": no rating this time, and nothing stored
                place = place._replace(cursor=place.cursor + 1)
                return self._render(turn, place, [narrate(self._line(turn, "skipped"))])
            return self._ask_rating(turn, place, step, [], key="rating_again")
        if place.waiting == NEXT_PART:
            if intent in (DONE, NEXT, YES):
                return self._render(turn, place, [])
            if intent == NO:
                return self._later(turn, place)
            return self._wait_for_next_part(turn, place, [], key="next_part_again")
        if intent in (DONE, NEXT):
            return self._hand_over(turn, place, steps)
        return self._nudge(turn, place, steps)

    def resume(self, turn: Turn) -> Reply:
        """Pick up at the step where they stopped, in the pace they chose, with one line saying so."""
        place = self._place(turn)
        if place is None:
            return self.start(turn)
        # Back after a while: the one-shot phrase is worth hearing again.
        place = (self._pinned(turn, place) or place)._replace(stretch=None, told=False)
        title = turn.section.settings.get("title", self.name)
        return self._render(turn, place, [narrate(self._line(turn, "resume", ritual=title))])

    # -- context: help and repeat in the middle of a ritual ---------------------------------------------
    def help(self, turn: Turn) -> Reply | None:
        """Which ritual this is, whose turn it is, and the two or three things they can say right now."""
        place = self._place(turn)
        if place is None:
            return None
        pinned = self._pinned(turn, place)
        if pinned is not None:  # help asked while the answer played: the place is where they stopped it
            place = pinned
            self._keep(turn, place)
        steps = self.steps(turn, place)
        if place.cursor >= len(steps):
            return None
        step = steps[place.cursor]
        partner = self._partner(place, step)
        title = turn.section.settings.get("title", self.name)
        where = narrate(
            self._line(turn, "help_both", ritual=title)
            if partner is None
            else self._line(turn, "help_turn", ritual=title, name=turn.name(partner))
        )
        if step.rating:
            key = "help_rating"
        elif step.untimed:
            key = "help_untimed"
        elif place.waiting == NEXT_PART:
            key = "help_next_part"
        else:
            key = "help_talking"
        names = {"name": turn.name(partner)} if partner is not None else {}
        what = narrate(self._line(turn, key, **names))
        if key in ("help_talking", "help_untimed"):  # someone is talking: the microphone stays closed
            return Reply(speech=(where, what), end_session=True)
        return Reply(speech=(where, what), reprompt=(what,), session={WAITING: place.waiting or TALKING})

    def repeat(self, turn: Turn) -> Reply | None:
        """The current prompt again (the sentence stem, the question), then how to go on; no holds replayed."""
        place = self._place(turn)
        if place is None:
            return None
        steps = self.steps(turn, place)
        place = (self._pinned(turn, place) or place)._replace(stretch=None)
        if place.waiting == NEXT_PART and 0 < place.cursor <= len(steps):
            heard = steps[place.cursor - 1]
            return self._wait_for_next_part(turn, place, self._prompt(turn, place, heard), key="next_part_again")
        if place.cursor >= len(steps):
            return None
        return self._render(turn, place, [])

    # -- rendering -----------------------------------------------------------------------------------
    def prompt(self, turn: Turn, place: P, step: Step) -> list[Segment]:
        """The line that opens a step; a ritual may add to it (tonight's question reads the question)."""
        return [self._say(turn, place, step, step.key), *self._to_listener(turn, place, step)]

    def _to_listener(self, turn: Turn, place: P, step: Step) -> list[Segment]:
        """What the listener does during a partner's step (`<key>_listener`, when the content has it), in the narrator's
        voice: a partner's voice speaks only to its own partner's turn."""
        partner = self._partner(place, step)
        key = f"{step.key}_listener"
        if partner is None or key not in turn.section.lines:
            return []
        return [narrate(turn.line(key, name=turn.name(1 - partner), other=turn.name(partner)))]

    def view(self, turn: Turn, place: P) -> View | None:
        """What a screen shows while the ritual waits: each prompt in the reply (marked PROMPT) as it is said,
        and a hint for what the couple says next. A ritual may show something else (tonight's question does)."""
        steps = self.steps(turn, place)
        untimed = 0 <= place.cursor < len(steps) and steps[place.cursor].untimed
        hint = {"waiting": place.waiting, "open": place.pace == OPEN or place.step is not None, "untimed": untimed}
        return View("turns", {"ritual": self.name, **hint})

    def _prompt(self, turn: Turn, place: P, step: Step) -> list[Segment]:
        """The step's prompt, its lines to a partner (or, in a step for both without a clock, the narrator's) marked as
        prompts for a screen."""
        said = self.prompt(turn, place, step)
        return [
            s._replace(mark=PROMPT) if isinstance(s, Say) and (s.partner is None) == step.untimed else s for s in said
        ]

    def _render(self, turn: Turn, place: P, lead: list[Segment]) -> Reply:
        """Whatever comes next from the cursor: the close, a rating question, an open turn or a paced stretch."""
        steps = self.steps(turn, place)
        if place.cursor >= len(steps):
            return self._close(turn, lead, place)
        step = steps[place.cursor]
        if step.rating:
            return self._ask_rating(turn, place, step, lead)
        if step.untimed:
            return self._untimed_turn(turn, place, step, lead)
        if place.pace == OPEN and step.held:
            return self._held_turn(turn, place, step, lead)
        if place.pace == OPEN:
            return self._open_turn(turn, place, steps, lead)
        return self._paced(turn, place, steps, lead)

    def _paced(self, turn: Turn, place: P, steps: list[Step], lead: list[Segment]) -> Reply:
        """As many steps as fit in one response, each prompt followed by its quiet hold; then close, ask or pause.

        Where each turn ends in the response is kept, so a couple who interrupt it ("Alexa, take our time")
        carry on from the turn they were in.
        """
        clip = str(self._setting(turn, "cue_clip"))
        clip_seconds = turn.content.sounds.seconds(clip)
        used_seconds, used_clips = timed_total(turn, lead)
        ahead = steps[place.cursor :]
        count = paced_run(ahead, PACED_SECONDS - used_seconds, MAX_AUDIO_TAGS - used_clips, clip_seconds)
        if count == 0 and used_seconds == 0 and used_clips == 0:
            count = 1  # a single step longer than a response: its hold is shortened rather than never heard
        speech = list(lead)
        starts: list[float] = []
        ends: list[float] = []
        for step in ahead[:count]:
            starts.append(round(spoken_seconds(speech, turn.content.sounds), 1))
            speech.extend(self._prompt(turn, place, step))
            speech.extend(timed_hold(min(step.hold, PACED_SECONDS), turn.content.sounds, clip if step.cue else None))
            ends.append(round(spoken_seconds(speech, turn.content.sounds), 1))
        stretch = Stretch(int(turn.now.timestamp()), place.cursor, tuple(starts), tuple(ends))
        place = place._replace(stretch=stretch, cursor=place.cursor + count)
        if place.cursor >= len(steps):
            return self._close_played(turn, speech, place)
        following = steps[place.cursor]
        if following.rating or following.untimed:  # a number asked for, or a talk without a clock, comes next
            return self._render(turn, place, speech)
        return self._wait_for_next_part(turn, place, speech)

    def _held_turn(self, turn: Turn, place: P, step: Step, lead: list[Segment]) -> Reply:
        """At an open pace, a short step still held: its prompt, its quiet hold (and chime), then what follows."""
        place = place._replace(stretch=None)
        clip = str(self._setting(turn, "cue_clip")) if step.cue else None
        speech = [*lead, *self._prompt(turn, place, step), *timed_hold(step.hold, turn.content.sounds, clip)]
        return self._render(turn, place._replace(cursor=place.cursor + 1), speech)

    def _untimed_turn(self, turn: Turn, place: P, step: Step, lead: list[Segment]) -> Reply:
        """A step without a clock, in either pace: its prompt says how to come back, and the microphone closes."""
        return self._talk(turn, place, [*lead, *self._prompt(turn, place, step)])

    def _open_turn(self, turn: Turn, place: P, steps: list[Step], lead: list[Segment]) -> Reply:
        """One prompt, and the one hand-over phrase naming who is next; the session ends while they talk."""
        place = place._replace(stretch=None)
        step = steps[place.cursor]
        speech = [*lead, *self._prompt(turn, place, step), *self._hand_over_hint(turn, place, steps)]
        return self._talk(turn, place._replace(told=True), speech)  # the one-shot phrase, said once in an open ritual

    def _hand_over_hint(self, turn: Turn, place: P, steps: list[Step]) -> list[Segment]:
        cursor = place.cursor
        following: int | str | None = "end"
        if cursor + 1 < len(steps):
            following = self._partner(place, steps[cursor + 1])
        speaker = self._partner(place, steps[cursor])
        return open_hand_over(turn, speaker, following, one_shot=not place.told, familiar=familiar(turn, self.name))

    def _talk(self, turn: Turn, place: P, speech: Sequence[Segment]) -> Reply:
        """Someone talks as long as they like: the place is kept and the microphone closed."""
        place = place._replace(waiting=TALKING)
        self._keep(turn, place)
        return Reply(speech=tuple(speech), end_session=True, view=self.view(turn, place))

    def _ask_rating(self, turn: Turn, place: P, step: Step, lead: list[Segment], *, key: str | None = None) -> Reply:
        """The partner named, in their voice, asked for a number from one to ten (or to skip it)."""
        asked = self._prompt(turn, place, step) if key is None else [self._say(turn, place, step, key)]
        speech = [*lead, *asked]
        return self._wait(turn, place, RATING_ASKED, speech, (self._say(turn, place, step, "rating_reprompt"),))

    def _take_rating(self, turn: Turn, place: P, step: Step) -> Reply:
        """A rating in range is kept and thanked for; a misheard or out-of-range one is kindly asked again."""
        rating = turn.number_slot("rating")
        low, high = int(self._setting(turn, "rating_min")), int(self._setting(turn, "rating_max"))
        if rating is None:
            return self._ask_rating(turn, place, step, [], key="rating_missed")
        if not low <= rating <= high:
            return self._ask_rating(turn, place, step, [], key="rating_out_of_range")
        partner = self._partner(place, step)
        assert partner is not None, "a rating step names one partner"
        place = self.rated(turn, place, partner, rating)
        place = place._replace(cursor=place.cursor + 1)
        if place.cursor >= len(self.steps(turn, place)):  # the last number: the close thanks them both
            return self._render(turn, place, [])
        thanks = narrate(self._line(turn, "rating_thanks", name=turn.name(partner), count=rating))
        return self._render(turn, place, [thanks])

    def _hand_over(self, turn: Turn, place: P, steps: list[Step]) -> Reply:
        """ "Next": on to the next step, thanking whoever just spoke when the turn changes hands."""
        if place.cursor >= len(steps):
            return self._render(turn, place, [])
        done = steps[place.cursor]
        place = place._replace(cursor=place.cursor + 1)
        following = steps[place.cursor] if place.cursor < len(steps) else None
        speaker = self._partner(place, done)
        lead: list[Segment] = []
        # The turn changes hands: thank whoever spoke. After the last turn the close thanks them both, so a
        # thanks here would be heard twice ("Thanks, Sam. That was lovely to hear. Thank you both...").
        if speaker is not None and following is not None and self._partner(place, following) != speaker:
            lead.append(narrate(self._line(turn, "thanks", name=turn.name(speaker))))
        return self._render(turn, place, lead)

    def _nudge(self, turn: Turn, place: P, steps: list[Step]) -> Reply:
        """Someone is still talking (Alexa caught a snatch of it): keep the floor where it is, microphone closed."""
        step = steps[place.cursor]
        both = step.speaker is None
        speech = [self._say(turn, place, step, "still_talking_both" if both else "still_talking")]
        speech.append(narrate(turn.for_section(SECTION).line("one_shot")))
        return self._talk(turn, place, speech)

    def _wait_for_next_part(self, turn: Turn, place: P, speech: list[Segment], *, key: str = "next_part") -> Reply:
        """The rest will not fit in this response: say so plainly, and wait for "next" (or "take our time")."""
        speech = [*speech, narrate(self._line(turn, key))]
        return self._wait(turn, place, NEXT_PART, speech, (narrate(self._line(turn, "next_part_reprompt")),))

    def _wait(
        self, turn: Turn, place: P, waiting: str, speech: Sequence[Segment], reprompt: tuple[Segment, ...]
    ) -> Reply:
        place = place._replace(waiting=waiting)
        self._keep(turn, place)
        return Reply(speech=tuple(speech), reprompt=reprompt, session={WAITING: waiting}, view=self.view(turn, place))

    def _later(self, turn: Turn, place: P) -> Reply:
        """Not now: the place stays kept (its expiry renewed) and the session ends."""
        self._keep(turn, place)
        return Reply(speech=(narrate(self._line(turn, "later")),), end_session=True)

    def _close_played(self, turn: Turn, speech: list[Segment], place: P) -> Reply:
        """The last turns went into this answer: closed, but the place is kept while the answer plays, so a couple
        interrupted by life (a phone, a child) can pause it, slow it or hand over at the turn that was playing."""
        reply = self._close(turn, speech, place)
        if turn.household.in_progress is None:
            playing_for = spoken_seconds(reply.speech, turn.content.sounds) + PLAYED_GRACE_SECONDS
            self._keep(turn, place._replace(waiting=PLAYING), hours=playing_for / 3600)
        return reply

    def pin(self, turn: Turn) -> None:
        """Called when the couple stop or leave: if an answer was still playing, its place is the turn that was
        playing, kept like any other place (`keep_hours`)."""
        place = self._place(turn)
        pinned = self._pinned(turn, place) if place is not None else None
        if pinned is not None:
            self._keep(turn, pinned)

    def place_kept(self, turn: Turn) -> bool:
        """An answer played to its end leaves nothing to come back to; one interrupted while it played does."""
        place = self._place(turn)
        if place is None or place.waiting != PLAYING:
            return True
        return interrupted_at(turn.now.timestamp(), place.stretch) is not None

    def _pinned(self, turn: Turn, place: P) -> P | None:
        """A request while a paced answer was still playing: the place at the turn that was playing (from the
        answer's timeline and the request's timestamp); None when nothing was playing."""
        playing = interrupted_at(turn.now.timestamp(), place.stretch)
        if playing is None or place.stretch is None:
            return None
        cursor = place.stretch.start + playing
        # What was to follow the answers (`step`: "another?", the gaze) has not come yet.
        return place._replace(cursor=cursor, stretch=None, step=None, waiting=TALKING)

    def _close(self, turn: Turn, speech: list[Segment], place: P | None = None) -> Reply:
        """The last turn is over: a closing line, and nothing left to continue."""
        if turn.active_ritual() == self.name:
            turn.end_progress()
        view = self.view(turn, place) if place is not None else None  # the last prompts, in a hands-free round
        return Reply(speech=(*speech, narrate(turn.line("closing"))), end_session=True, view=view)

    # -- the place, read and kept ------------------------------------------------------------------------
    def _place(self, turn: Turn) -> P | None:
        """This ritual's place, if it is the one in progress and its state is sound (else it starts afresh)."""
        return read_place(turn.progress(), self.place_type)

    def _keep(self, turn: Turn, place: P, *, hours: float | None = None) -> None:
        """Keep `place` for `hours` (default: the ritual's `keep_hours`)."""
        kept_for = float(self._setting(turn, "keep_hours")) if hours is None else hours
        turn.keep_progress(stored_place(place), hours=kept_for)

    # -- small helpers ---------------------------------------------------------------------------------
    def _partner(self, place: Place, step: Step) -> int | None:
        if step.speaker is None:
            return None
        return place.first if step.speaker == 0 else 1 - place.first

    def _say(self, turn: Turn, place: Place, step: Step, key: str) -> Say:
        """A line for this step: in the speaking partner's voice with their names, or the narrator's for both."""
        partner = self._partner(place, step)
        if partner is None:
            return narrate(self._line(turn, key))
        return to_partner(partner, self._line(turn, key, name=turn.name(partner), other=turn.name(1 - partner)))

    def _line(self, turn: Turn, key: str, **values: Any) -> str:
        """The ritual's own wording of `key` when it has one, else the shared turn-taking wording."""
        return own_or_shared_line(turn, key, **values)

    def _setting(self, turn: Turn, key: str) -> Any:
        """The ritual's own setting when it has one, else the shared turn-taking setting."""
        if key in turn.section.settings:
            return turn.section.settings[key]
        return turn.content.section(SECTION).settings[key]
