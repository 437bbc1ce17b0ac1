"""The weekly check-in, a conversation: each partner shares a moment of connection and something that felt off,
the other says back what they heard, the two talk over what felt off for as long as they need (no clock, the
microphone closed; an Alexa timer if they ask for one), then each rates how close they feel from 1 to 10; the narrator remembers the numbers by ISO week
and speaks the trend kindly. A couple may choose the short check-in (the shares, then the numbers), remembered.

Three intents start it: the check-in itself, "how have we been doing?" (the history, nothing new
started) and "remind us every Sunday at 7" (a weekly Alexa reminder, asked for by voice consent).
Durable state, under household.rituals["check_in"], is a `CheckInState`, read and written only through `read`,
`peek` and `write` here (`write` says how it is stored). Its place in progress is a `CheckInPlace` (the turn
engine's `Place` with the week, the length and the numbers so far), or while Alexa asks a `CareOffer` or an
`AskedReminder` alone, each read by one function here. Ratings are in partner order; only the latest `history_weeks` weeks are kept, none older than that many weeks
(weeks with a number skipped, or both, under "partial", the same); `count` never resets.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any

from skill.engine.alerts import REMINDERS_SCOPE, TIMERS_SCOPE, AlertResult, AlertStatus
from skill.engine.familiarity import BRIEF, KNOWN, familiarity, introduced
from skill.engine.ritual_timer import RESUMING_TASK, RESUMING_TASK_VERSION, RitualTimer, sound_run
from skill.engine.script import Card, Reply, Say, Segment, View, narrate
from skill.engine.session_keys import asking
from skill.engine.trend import (
    Ratings,
    change_since,
    clean_history,
    keep_recent,
    month_view,
    valid_rating,
    week_key,
    week_monday,
    weeks_apart,
)
from skill.engine.turn import Turn
from skill.engine.turn_place import Place, read_place, stored_count, stored_place, stored_text, with_extras
from skill.engine.turn_taking import (
    FOLLOW_UPS,
    HEARD_SOMETHING,
    NO,
    PACED,
    PACES,
    SKIP,
    TALKING,
    WAITING,
    YES,
    Step,
    TurnTaking,
    pace_from_slot,
)
from skill.household import Household
from skill.intents import CHECK_IN, DONE, NEXT, TALK_TIMER
from skill.intents import CHECK_IN_HISTORY as HISTORY
from skill.intents import CHECK_IN_REMINDER as REMINDER
from skill.intents import HUG as HUG_INTENT
from skill.record import Record
from skill.rituals.roadblock import check_in_answer, check_in_question

NAME = "check_in"

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

FULL, SHORT = "full", "short"  # the whole conversation, or only the shares and the numbers
LENGTHS = (FULL, SHORT)
LENGTH_SLOT, LENGTH_TYPE = "length", "CHECK_IN_LENGTH"
TALK_OVER = "talk_over"  # the untimed step: the two talk over what felt off, the microphone closed
UNFINISHED = "unfinished"  # a half-finished check-in set aside while another ritual runs: {"state", "until"}
TALK_TIMER_NOTES = "talk_timer"  # the talk's Alexa timer: its runs and a refusal (skill/engine/ritual_timer.py)
TIMER_ASKED = "timer_asked"  # in the place while Alexa asks for timers: {"run", "minutes"}
# "Give us fifteen minutes" at the talk: an Alexa timer whose end brings the couple back to their numbers.
TIMER = RitualTimer(
    NAME,
    seconds="talk_timer_seconds",
    task=(RESUMING_TASK, RESUMING_TASK_VERSION),
    within=TALK_TIMER_NOTES,
    cancellable=True,
)


# -- durable state ---------------------------------------------------------------------------------
Given = tuple[int | None, int | None]  # a week's numbers with one or both passed by


class Reminder(Record):
    """The weekly reminder we made: its weekday (0 Monday), "HH:MM", and the Reminders API's alertToken (None for
    one made before we kept it: that one cannot be changed)."""

    day: int
    time: str
    token: str | None = None


class TimerAsked(Record):
    """In the place while Alexa asks for timers at the talk: the timer's run and the minutes asked for (either None
    when stored damaged). Stored {"run", "minutes"}."""

    run: int | None
    minutes: int | None


class AskedReminder(Record):
    """ "Remind us every Sunday at 7" as heard: the day and time slots, raw (a day kept by an older version may be a
    weekday number), so a later answer to the permission question can use them. Stored {"day", "time"}."""

    day: str | int | None = None
    time: str | None = None

    def stored(self) -> dict[str, Any]:
        return {"day": self.day, "time": self.time}


def read_asked_reminder(stored: object) -> AskedReminder | None:
    if not isinstance(stored, dict):
        return None
    day = stored.get("day")
    return AskedReminder(stored_text(day) or stored_count(day), stored_text(stored.get("time")))


class CheckInPlace(Place):
    """The turn engine's place and the check-in's own: its `length`, its ISO `week`, the numbers given so far (in
    partner order), and while Alexa asks for something the timer asked for (`timer_asked`) or the reminder asked
    for (`reminder`)."""

    length: str | None = None  # None: kept before the check-in had a full version, so a short one
    week: str = ""
    ratings: Given = (None, None)
    timer_asked: TimerAsked | None = None
    reminder: AskedReminder | None = None

    @classmethod
    def read_extras(cls, stored: Mapping[str, Any], shared: Place) -> CheckInPlace | None:
        length, week, ratings = stored.get("length"), stored.get("week"), stored.get("ratings")
        if (length is not None and length not in LENGTHS) or not isinstance(week, str) or week_monday(week) is None:
            return None
        if not isinstance(ratings, list) or len(ratings) != 2 or not all(r is None or valid_rating(r) for r in ratings):
            return None
        asked = stored.get(TIMER_ASKED)
        timer_asked = None
        if isinstance(asked, dict):
            timer_asked = TimerAsked(sound_run(asked.get("run")), stored_count(asked.get("minutes")))
        reminder = read_asked_reminder(stored.get("reminder"))
        given = (ratings[0], ratings[1])
        return with_extras(
            shared, cls, length=length, week=week, ratings=given, timer_asked=timer_asked, reminder=reminder
        )

    def stored_extras(self) -> dict[str, Any]:
        stored: dict[str, Any] = {"week": self.week, "ratings": list(self.ratings)}
        if self.length is not None:
            stored["length"] = self.length
        if self.timer_asked is not None:
            stored[TIMER_ASKED] = {"run": self.timer_asked.run, "minutes": self.timer_asked.minutes}
        if self.reminder is not None:
            stored["reminder"] = self.reminder.stored()
        return stored


class CareOffer(Record):
    """The place after a hard week while "would you like a long hug now?" waits: whether it was asked again.
    Stored {"step": "care", "asked_again"?: true}."""

    asked_again: bool = False

    def stored(self) -> dict[str, Any]:
        return {"step": CARE, "asked_again": True} if self.asked_again else {"step": CARE}


def read_care_offer(stored: object) -> CareOffer | None:
    if not isinstance(stored, dict) or stored.get("step") != CARE:
        return None
    return CareOffer(asked_again=bool(stored.get("asked_again")))


def read_asking_alone(stored: object) -> AskedReminder | None:
    """The reminder asked for while no check-in was in progress (stored {"reminder": {...}} alone)."""
    if not isinstance(stored, dict) or read_place(stored, CheckInPlace) is not None:
        return None
    return read_asked_reminder(stored.get("reminder"))


class SetAside(Record):
    """A half-finished check-in kept while another ritual runs: its place, and until when (epoch seconds)."""

    place: CheckInPlace
    until: int


class CheckInState(Record):
    """What the check-in keeps between weeks. `weeks` and `partial` in partner order, oldest first; `count` never
    resets; dates are "YYYY-MM-DD"; `length` is the couple's chosen length (None: never chosen)."""

    weeks: Mapping[str, Ratings] = MappingProxyType({})
    partial: Mapping[str, Given] = MappingProxyType({})
    count: int = 0
    last: str | None = None
    reminder: Reminder | None = None
    refused_on: str | None = None
    told_how: bool = False
    care_on: str | None = None
    told_short: bool = False
    length: str | None = None
    unfinished: SetAside | None = None
    talk_timer: Mapping[str, Any] = MappingProxyType({})  # the talk's timer notes, RitualTimer's (TIMER)


def read(household: Household) -> CheckInState:
    """The check-in's stored state, opened to change; anything damaged is left out, never spoken."""
    return _parsed(household.rituals.get(NAME))


def peek(household: Household) -> CheckInState:
    """The stored state to look at only (the widget, the monthly review): not opened, so not written again."""
    return _parsed(household.peek_ritual(NAME))


def _day(value: Any) -> str | None:
    try:
        return date.fromisoformat(value).isoformat() if isinstance(value, str) else None
    except ValueError:
        return None


def _parsed(raw: Any) -> CheckInState:
    stored = raw if isinstance(raw, dict) else {}
    weeks = clean_history(stored.get("weeks"))
    partial_raw = stored.get("partial")
    partial: dict[str, Given] = {
        k: (v[0] if valid_rating(v[0]) else None, v[1] if valid_rating(v[1]) else None)
        for k, v in (partial_raw.items() if isinstance(partial_raw, dict) else ())
        if isinstance(k, str) and week_monday(k) is not None and isinstance(v, list) and len(v) == 2
    }
    count = stored.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        count = len(weeks)
    kept = stored.get("reminder")
    reminder = None
    if isinstance(kept, dict) and isinstance(kept.get("day"), int) and 0 <= kept["day"] <= 6:
        token = kept.get("token")
        valid_token = isinstance(token, str) and 0 < len(token) <= 200 and token.replace("-", "").isalnum()
        reminder = Reminder(int(kept["day"]), str(kept.get("time")), token if valid_token else None)
    aside = stored.get(UNFINISHED)
    unfinished = None
    if isinstance(aside, dict):
        put_aside, until = read_place(aside.get("state"), CheckInPlace), stored_count(aside.get("until"))
        unfinished = SetAside(put_aside, until) if put_aside is not None and until is not None else None
    length = stored.get("length")
    notes = stored.get(TALK_TIMER_NOTES)
    return CheckInState(
        weeks=MappingProxyType(weeks),
        partial=MappingProxyType(partial),
        count=count,
        last=_day(stored.get("last")),
        reminder=reminder,
        refused_on=_day(stored.get("refused_on")),
        told_how=stored.get("told_how") is True,
        care_on=_day(stored.get("care_on")),
        told_short=stored.get("told_short") is True,
        length=length if length in LENGTHS else None,
        unfinished=unfinished,
        talk_timer=MappingProxyType(dict(notes) if isinstance(notes, dict) else {}),
    )


def write(household: Household, state: CheckInState) -> None:
    """Keep it as {"weeks": {"2026-W47": [7, 8]}, "partial"?: {...: [3, null]}, "count", "last"?, "reminder"?: {"day",
    "time", "token"?}, "refused_on"?, "told_how"?, "care_on"?, "told_short"?, "length"?, "unfinished"?: {"state",
    "until"}, "talk_timer"?: {"runs", "timer_for_run"?, "timer_id"?, "refused_on"?, "told_how"?}}: a field at its default is left out, and the weeks only once there has been a check-in."""
    stored: dict[str, Any] = {}
    if state.count or state.weeks:
        stored.update(weeks={k: list(v) for k, v in state.weeks.items()}, count=state.count)
    if state.partial:
        stored["partial"] = {k: list(v) for k, v in state.partial.items()}
    if state.reminder is not None:
        reminder = state.reminder
        stored["reminder"] = {
            "day": reminder.day,
            "time": reminder.time,
            **({"token": reminder.token} if reminder.token else {}),
        }
    for field in ("last", "refused_on", "care_on", "length"):
        if getattr(state, field) is not None:
            stored[field] = getattr(state, field)
    for flag in ("told_how", "told_short"):
        if getattr(state, flag):
            stored[flag] = True
    if state.unfinished is not None:
        stored[UNFINISHED] = {"state": stored_place(state.unfinished.place), "until": state.unfinished.until}
    if state.talk_timer:
        stored[TALK_TIMER_NOTES] = dict(state.talk_timer)
    household.rituals[NAME] = stored


def _kept(turn: Turn) -> CheckInState:
    return read(turn.household)


def _keep(turn: Turn, **changes: Any) -> None:
    """Change some of what the check-in keeps, the rest as it was."""
    write(turn.household, read(turn.household)._replace(**changes))


def _weeks(turn: Turn) -> dict[str, Ratings]:
    return dict(_kept(turn).weeks)


def _count(turn: Turn) -> int:
    """Check-ins so far: never reset, so a gap costs nothing."""
    return _kept(turn).count


def _days_since(day: str | None, turn: Turn) -> int | None:
    return None if day is None else (turn.now.date() - date.fromisoformat(day)).days


def checked_in_weeks(household: Household) -> list[str]:
    """The weeks with both numbers kept ("2026-W47"), oldest first: a look only, for the monthly review."""
    return list(peek(household).weeks)


# -- words -----------------------------------------------------------------------------------------
def _number(turn: Turn, value: int) -> str:
    """A small number as a word ("seven"), as the content spells it; larger ones as digits."""
    words = turn.section.settings["number_words"]
    return str(words[value]) if 0 <= value < len(words) else str(value)


def _closing(turn: Turn, count: int) -> str:
    ordinals = turn.section.settings["ordinals"]
    if count == 1:
        return turn.line("closing_first")
    if count <= len(ordinals):
        return turn.line("closing_ordinal", ordinal=ordinals[count - 1], count=count)
    return turn.line("closing_count", count=count)


def _trend(turn: Turn, weeks: dict[str, Ratings], key: str, since: str | None = None) -> list[str]:
    """Each partner's move since the check-in before (if it was recent), in one or two short sentences.

    The one wording of the trend: spoken by the check-in, and shown under the chart (see `_shown`).
    """
    change = change_since(weeks, key, within=int(turn.section.settings["compare_within_weeks"]))
    if change is None:
        return []
    since_words = turn.line(since or ("since_last_week" if change.weeks == 1 else "since_last_time"))
    # A move of one point, week to week, is not news: it is spoken of as holding steady, and not at all for both.
    first, second = (0 if abs(delta) <= 1 else delta for delta in change.deltas)
    if first == second == 0 and any(change.deltas):
        return []
    if first == second:
        kind = "up" if first > 0 else "down" if first < 0 else "same"
        return [turn.line(f"trend_both_{kind}", count=_number(turn, abs(first)), since=since_words)]
    lines: list[str] = []
    for partner, delta in enumerate((first, second)):
        kind = "up" if delta > 0 else "down" if delta < 0 else "same"
        key_name = f"trend_one_{kind}" if partner == 0 else f"trend_also_{kind}"
        values = {"name": turn.name(partner), "count": _number(turn, abs(delta)), "since": since_words}
        lines.append(turn.line(key_name, **values))
    return lines


def next_weekday(household: Household, today: date) -> int | None:
    """The weekday (0 Monday) of the next check-in: their weekly reminder's day, else a week after the last one
    (today, once that week has passed); None before a first check-in. A look only, for the Echo Show widget."""
    kept = peek(household)
    if kept.reminder is not None:
        return kept.reminder.day
    if kept.last is None:
        return None
    return max(date.fromisoformat(kept.last) + timedelta(days=7), today).weekday()


def _card(turn: Turn, given: list[int | None], moved: list[str]) -> Card:
    """This week's numbers and how they moved, to see again in the Alexa app (never after a care answer)."""
    numbers = [
        turn.line(
            "card_number", name=turn.name(partner), rating=rating if rating is not None else turn.line("card_skipped")
        )
        for partner, rating in enumerate(given)
    ]
    return Card(turn.line("card_title"), "\n".join([*numbers, *moved]))


def _month(turn: Turn, weeks: dict[str, Ratings], key: str) -> list[str]:
    """The month's direction, when there are enough recent weeks to tell one."""
    view = month_view(weeks, key, span=int(turn.section.settings["month_weeks"]))
    if view is None:
        return []
    ratings = {"rating": _number(turn, view.around[0]), "other_rating": _number(turn, view.around[1])}
    return [turn.line(f"month_{view.kind}", **ratings)]


def _shown(weeks: dict[str, Ratings], trend: list[str], month: list[str]) -> View:
    """The chart of the weeks, with the trend beneath in the words just spoken: the month's, else the change."""
    return View("history", {"weeks": {k: list(v) for k, v in weeks.items()}, "trend": " ".join(month or trend)})


def _care(turn: Turn, ratings: tuple[int | None, int | None]) -> list[Segment]:
    """After a hard week, one acknowledgement (the offer follows it): a very low rating, or two far apart.

    A gap of `far_apart` or more is named even when a number is also low; a skipped number (None) is neither low
    nor far from the other. Nothing else is said with it: no counts, trend or reminder (see `_finish`).
    """
    settings = turn.section.settings
    low = [rating is not None and rating <= int(settings["low_rating"]) for rating in ratings]
    first, second = ratings
    apart = first is not None and second is not None and abs(first - second) >= int(settings["far_apart"])
    if not any(low) and not apart:
        return []
    if all(low):
        key = "care_low_both"
    elif any(low):
        key = "care_low_apart" if apart else "care_low"
    else:
        key = "care_apart"
    return [narrate(turn.line(key))]


def _counsellor(turn: Turn) -> list[Segment]:
    """A counsellor as a tune-up, once the couple has answered the offer after a hard week; not again for weeks."""
    since = _days_since(_kept(turn).care_on, turn)
    if since is not None and since < int(turn.section.settings["counsellor_every_days"]):
        return []
    _keep(turn, care_on=turn.now.date().isoformat())
    return [narrate(turn.line("care_counsellor"))]


def _partial(turn: Turn) -> dict[str, Given]:
    """Weeks where a number was skipped: the numbers that were given, kept apart from the trend."""
    return dict(_kept(turn).partial)


def _partial_line(turn: Turn, when: str, given: Given) -> str:
    """A check-in where one or both passed on a number: what was said, and that someone passed (never who said what
    they did not)."""
    said = [(partner, rating) for partner, rating in enumerate(given) if rating is not None]
    if not said:
        return turn.line("history_last_both_passed", when=when)
    partner, rating = said[0]
    return turn.line("history_last_one_passed", when=when, name=turn.name(partner), rating=_number(turn, rating))


def _tune_up(turn: Turn, count: int, cared: bool) -> list[Segment]:
    """Every few months of check-ins, counselling as a routine tune-up (not only after a hard week)."""
    every = int(turn.section.settings["tune_up_every_check_ins"])
    if cared or count % every != 0:
        return []
    since = _days_since(_kept(turn).care_on, turn)
    if since is not None and since < int(turn.section.settings["counsellor_every_days"]):
        return []
    _keep(turn, care_on=turn.now.date().isoformat())
    return [narrate(turn.line("tune_up"))]


# -- the check-in, step by step --------------------------------------------------------------------
CARE = "care"  # after a hard week: "would you like a long hug now?"


def _chosen_length(turn: Turn) -> str:
    """The length asked for now ("our short check-in"), remembered as their choice; else the one they chose
    before; else the content's default."""
    asked = turn.slot_value_id(LENGTH_SLOT, LENGTH_TYPE)
    if asked in LENGTHS:
        _keep(turn, length=asked)
        return str(asked)
    return _kept(turn).length or str(turn.section.settings["default_length"])


class CheckIn(TurnTaking[CheckInPlace]):
    """Two sharing turns (timed by default, or at their own pace), then an optional number each."""

    name = NAME
    intents = frozenset({CHECK_IN, HISTORY, REMINDER})
    # The skill manifest declares what a ritual may ask the couple for: the weekly reminder, the talk's timer.
    manifest_permissions = (REMINDERS_SCOPE, TIMERS_SCOPE)
    follow_ups = FOLLOW_UPS | {TALK_TIMER}
    place_type = CheckInPlace

    def steps(self, turn: Turn, place: CheckInPlace) -> list[Step]:
        """The full check-in: each shares, the other says back what they heard, then an untimed talk together on
        what felt off, then the numbers. The short one: the two shares, then the numbers."""
        settings = turn.section.settings
        seconds = float(settings["share_seconds"])
        numbers = [Step("rating_first", 0, rating=True), Step("rating_second", 1, rating=True)]
        if place.length != FULL:
            return [
                Step("share_first", 0, seconds, part=0, cue=True),
                Step("share_second", 1, seconds, part=0, cue=True),
                *numbers,
            ]
        listen = float(settings["listen_back_seconds"])
        return [
            Step("share_first", 0, seconds, part=0, cue=True),
            Step("listen_back_first", 1, listen, part=0, cue=True, held=True),
            Step("share_second", 1, seconds, part=1, cue=True),
            Step("listen_back_second", 0, listen, part=1, cue=True, held=True),
            Step(TALK_OVER, None, untimed=True),
            *numbers,
        ]

    def prompt(self, turn: Turn, place: CheckInPlace, step: Step) -> list[Segment]:
        line = self._say(turn, place, step, step.key)
        if step.key == TALK_OVER:  # a timer is theirs for the asking: in full the first time, briefly the second
            level = familiarity(turn, self.name, count=False)  # this run's start is counted already
            offer = self.explained(turn, "talk_timer_offer", level)  # one line with the talk's, as a screen shows it
            return [narrate(" ".join([line.text, *(said.text for said in offer if isinstance(said, Say))]))]
        if step.key == "rating_first":
            talked = [narrate(turn.line("after_talk"))] if place.length == FULL else []
            return [*talked, narrate(turn.line("rating_intro")), *check_in_question(turn), line]
        return [line]

    def rated(self, turn: Turn, place: CheckInPlace, partner: int, rating: int) -> CheckInPlace:
        given = (rating, place.ratings[1]) if partner == 0 else (place.ratings[0], rating)
        return place._replace(ratings=given)

    def start(self, turn: Turn) -> Reply:
        if turn.intent == HISTORY:
            return self._history(turn)
        if turn.intent == REMINDER:
            return self._remind(turn, _asked_reminder(turn))
        return self._begin(turn)

    def proceed(self, turn: Turn, intent: str) -> Reply:
        if read_care_offer(turn.progress()) is not None:
            return self._care_answer(turn, intent)  # a stray word is not a no: the offer again, once
        place = self._place(turn)
        if place is None:
            return self._begin(turn)
        place = place._replace(timer_asked=None)  # Alexa's consent question went unanswered: the talk goes on
        if intent == TALK_TIMER:
            if self._at_talk(turn, place):
                return self._talk_timer(turn, place)
            intent = HEARD_SOMETHING  # a timer is for the talk together: anywhere else, where they are
        if intent in (DONE, NEXT) and self._at_talk(turn, place):
            TIMER.cancel(turn)  # "we're ready" before the timer rang: it must not ring into their numbers
        return self._proceed(turn, place, intent)

    def resume(self, turn: Turn) -> Reply:
        place = self._place(turn)
        if place is not None and place.timer_asked is not None:  # "continue" after an unanswered timer question
            self._keep(turn, place._replace(timer_asked=None))
        if read_care_offer(turn.progress()) is not None:
            return self._care_offer(turn, [])
        asked = read_asking_alone(turn.progress())
        if asked is not None:
            return self._remind(turn, asked)  # "continue" after an unanswered permission question
        if place is None:
            return self._begin(turn)
        return super().resume(turn)

    def help(self, turn: Turn) -> Reply | None:
        if read_care_offer(turn.progress()) is not None:
            return self._care_offer(turn, [])
        place = self._place(turn)
        if place is None:
            return None
        helped = super().help(turn)
        if helped is not None and self._at_talk(turn, place):  # how to ask for a timer, in full
            helped = helped._replace(speech=(*helped.speech, narrate(turn.line("talk_timer_offer"))))
        return helped

    def repeat(self, turn: Turn) -> Reply | None:
        return self.help(turn) if read_care_offer(turn.progress()) is not None else super().repeat(turn)

    def set_aside(self, turn: Turn) -> None:
        """Another ritual starts mid-check-in: the half-finished check-in is kept for `keep_hours`, and the next
        "our weekly check-in" picks it up where it stopped (called by skill.engine.router)."""
        place = self._place(turn)
        if place is None or (place.cursor == 0 and place.ratings == (None, None)):
            return
        until = int(turn.now.timestamp() + float(self._setting(turn, "keep_hours")) * 3600)
        _keep(turn, unfinished=SetAside(place._replace(stretch=None), until))

    def _taken_up(self, turn: Turn) -> Reply | None:
        """The half-finished check-in set aside, picked up again, if it is still kept and of this week."""
        kept = _kept(turn).unfinished
        if kept is None:
            return None
        _keep(turn, unfinished=None)
        if kept.until <= turn.now.timestamp() or kept.place.week != week_key(turn.local_now.date()):
            return None
        self._keep(turn, kept.place)
        return self.resume(turn)

    def place_kept(self, turn: Turn) -> bool:
        """Stopping at "would you like a long hug now?" leaves nothing to come back to."""
        return read_care_offer(turn.progress()) is None

    # -- a timer for the talk together ----------------------------------------------------------------
    def _at_talk(self, turn: Turn, place: CheckInPlace) -> bool:
        """Whether the place is the untimed talk together."""
        steps = self.steps(turn, place)
        return 0 <= place.cursor < len(steps) and steps[place.cursor].key == TALK_OVER

    def _minutes(self, turn: Turn, count: int) -> str:
        return turn.line("talk_minutes_one") if count == 1 else turn.line("talk_minutes", count=count)

    def _talk_timer(self, turn: Turn, place: CheckInPlace) -> Reply:
        """ "Give us fifteen minutes" while they talk: an Alexa timer that brings them back to their numbers; without
        permission, Alexa asks (not again soon after a no); without a timer, the one-shot as before, said kindly."""
        settings = turn.section.settings
        most = int(settings["talk_timer_max_minutes"])
        heard = turn.number_slot("minutes")
        minutes = (
            int(settings["talk_timer_seconds"]) // 60 if heard is None and not turn.slots.get("minutes") else heard
        )
        if minutes is None or not 1 <= minutes <= most:  # "a thousand minutes", or a number misheard
            return self._talk(turn, place, [narrate(turn.line("talk_timer_range", count=most))])
        tried = TIMER.start(turn, seconds=minutes * 60)
        if TIMER.should_ask(turn, tried):
            # The place is kept in the household: Alexa's answer may come in a new session, or never.
            self._keep(turn, place._replace(timer_asked=TimerAsked(tried.run, minutes), waiting=TALKING))
            asked = turn.line("talk_timer_ask", time=self._minutes(turn, minutes))
            return Reply(speech=(narrate(asked),), ask_permission=TIMERS_SCOPE)
        return self._timed(turn, place, minutes, tried.result)

    def _timed(
        self, turn: Turn, place: CheckInPlace, minutes: int, result: AlertResult, *, denied: bool = False
    ) -> Reply:
        """What became of the talk's timer, said plainly; the talk goes on, the microphone closed."""
        if result.created:
            return self._talk(turn, place, [narrate(turn.line("talk_timer_set", time=self._minutes(turn, minutes)))])
        if result.status is AlertStatus.PERMISSION_MISSING:
            speech = [narrate(turn.line("talk_timer_denied" if denied else "talk_timer_unallowed"))]
            notes = TIMER.state(turn)
            if not notes.get("told_how"):
                notes["told_how"] = True
                speech.append(narrate(turn.line("talk_timer_how_to_allow")))
            return self._talk(turn, place, speech)
        return self._talk(turn, place, [narrate(turn.line("talk_timer_failed"))])

    def _timer_answered(self, turn: Turn, place: CheckInPlace, asked: TimerAsked, accepted: bool) -> Reply:
        """Alexa's answer to our question about timers, asked at the talk."""
        place = place._replace(timer_asked=None)
        minutes = asked.minutes
        most = int(turn.section.settings["talk_timer_max_minutes"])
        if minutes is None or not 1 <= minutes <= most:
            minutes = int(turn.section.settings["talk_timer_seconds"]) // 60
        tried = TIMER.answered(turn, accepted, asked.run, seconds=minutes * 60)
        result = tried.result
        if accepted and result.status is AlertStatus.PERMISSION_MISSING:
            result = AlertResult(AlertStatus.FAILED, result.http_status)  # they said yes: do not talk of permissions
        return self._timed(turn, place, minutes, result, denied=not accepted)

    def timer_ended(self, turn: Turn) -> Reply:
        """The talk's timer rang and the couple came back (the resuming task): on to their numbers. A check-in
        that has moved on is resumed where it is; one that is gone is said to be, kindly."""
        TIMER.rang(turn)
        place = self._place(turn)
        if place is None:
            return Reply(speech=(narrate(turn.line("talk_timer_after")),), end_session=True)
        place = place._replace(timer_asked=None, stretch=None)
        if not self._at_talk(turn, place):
            return self.resume(turn)
        return self._render(turn, place._replace(cursor=place.cursor + 1), [narrate(turn.line("talk_timer_up"))])

    # -- the steps ---------------------------------------------------------------------------------
    def _begin(self, turn: Turn) -> Reply:
        taken_up = self._taken_up(turn)
        if taken_up is not None:
            return taken_up
        week = week_key(turn.local_now.date())
        weeks = _weeks(turn)
        lead: list[Segment] = []
        level = familiarity(turn, self.name)
        if not weeks and _count(turn) == 0 and introduced("intro", level) == "intro":
            lead.append(narrate(turn.line("intro_first")))
        else:
            latest = next(reversed(weeks), None)
            gap = int(turn.section.settings["welcome_back_after_weeks"])
            if latest is not None and weeks_apart(latest, week) >= gap:
                lead.append(narrate(turn.line("welcome_back_gap")))
                level = BRIEF if level == KNOWN else level  # back after weeks: reminded, briefly
            lead.extend(self.explained(turn, "intro", level))
            if week in weeks:
                lead.append(narrate(turn.line("again_this_week")))
        length = _chosen_length(turn)
        if turn.slot_value_id(LENGTH_SLOT, LENGTH_TYPE) in LENGTHS:  # asked for by name: said back, and remembered
            lead.append(narrate(turn.line(f"now_{length}")))
        pace = pace_from_slot(turn) or self._setting(turn, "default_pace")
        pace = pace if pace in PACES else PACED
        lead.extend(self.explained(turn, f"{pace}_intro", level))
        first = turn.household.take_first_turn()
        place = CheckInPlace(first=first, cursor=0, pace=pace, length=length, week=week)
        return self._render(turn, place, lead)

    def _close(self, turn: Turn, speech: list[Segment], place: CheckInPlace | None = None) -> Reply:
        assert place is not None
        return self._finish(turn, place, speech)

    def _finish(self, turn: Turn, place: CheckInPlace, lead: list[Segment]) -> Reply:
        """Both answered: remember the week (replacing a check-in earlier this week), then the trend, kindly.

        A skipped number is not stored: a week with one number is kept apart, so it never skews the trend.
        """
        given = [r if valid_rating(r) else None for r in place.ratings]
        week = place.week
        weeks = _weeks(turn)
        partial = _partial(turn)
        again_this_week = week in weeks or week in partial
        count = _count(turn) + (0 if again_this_week else 1)
        weeks.pop(week, None)
        partial.pop(week, None)
        if given[0] is not None and given[1] is not None:
            weeks[week] = (int(given[0]), int(given[1]))
        else:  # a number passed by (or both): kept apart from the trend, and told by "how have we been doing?"
            partial[week] = (given[0], given[1])
        keep, today = int(turn.section.settings["history_weeks"]), turn.local_now.date()
        weeks = keep_recent(weeks, keep, today)
        partial = keep_recent(partial, keep, today)  # by age as well as count, like the full weeks
        _keep(
            turn,
            weeks=MappingProxyType(weeks),
            partial=MappingProxyType(partial),
            count=count,
            last=turn.local_now.date().isoformat(),
        )
        care = _care(turn, (given[0], given[1]))
        if care:  # a hard week: one acknowledgement and one offer, nothing else (the chart shows the weeks)
            turn.keep_progress(CareOffer().stored(), hours=float(turn.section.settings["care_offer_minutes"]) / 60)
            return self._care_offer(turn, [*lead, *care])._replace(view=_shown(weeks, [], []))
        speech: list[Segment] = [*lead, narrate(turn.line("thanks_both"))]
        trend: list[str] = []
        month: list[str] = []
        if week in weeks:
            trend, month = _trend(turn, weeks, week), _month(turn, weeks, week)
            speech += [narrate(line) for line in (*trend, *month)]
            change = change_since(weeks, week, within=int(turn.section.settings["compare_within_weeks"]))
            speech += check_in_answer(turn, change.deltas if change is not None else None)
        else:
            speech.append(narrate(turn.line("less_to_go_on")))
        card = _card(turn, given, [*trend, *month])
        speech += _tune_up(turn, count, False)
        speech.append(narrate(turn.line("updated_this_week") if again_this_week else _closing(turn, count)))
        kept = _kept(turn)
        if count == 1 and not again_this_week and kept.reminder is None:
            speech.append(narrate(turn.line("reminder_hint")))
        elif place.length == FULL and kept.length is None and not kept.told_short:
            _keep(turn, told_short=True)  # once: a busy week can have the short one
            speech.append(narrate(turn.line("short_hint")))
        shown = _shown(weeks, trend, month)
        turn.end_progress()
        speech.append(narrate(turn.line("goodbye")))
        return Reply(speech=tuple(speech), end_session=True, view=shown, card=card)

    def _care_offer(self, turn: Turn, speech: list[Segment]) -> Reply:
        """Something to do together right now, and the microphone open for the answer."""
        return Reply(
            speech=(*speech, narrate(turn.line("care_offer"))),
            reprompt=(narrate(turn.line("care_offer_again")),),
            session={WAITING: CARE},
        )

    def _care_answer(self, turn: Turn, intent: str) -> Reply:
        """Yes: a long hug now. No ("not now", "skip", "I'm done"): a warm goodbye, and a counsellor as a tune-up
        when it is due. Anything else (a stray word) asks once more, then takes it as a no."""
        if intent == YES:
            turn.end_progress()
            from skill.rituals.hug import RITUAL as HUG  # only here: the hug is offered after a hard week

            seconds = str(turn.section.settings["care_hug_seconds"])
            hug_turn = turn.for_section(HUG.name)._replace(slots={"seconds": seconds}, intent=HUG_INTENT)
            return HUG.start(hug_turn)
        if intent not in (NO, SKIP, DONE):
            asked_again = self.hold_on(turn)
            if asked_again is not None:
                return asked_again
        turn.end_progress()
        return Reply(speech=(narrate(turn.line("care_declined")), *_counsellor(turn)), end_session=True)

    def hold_on(self, turn: Turn) -> Reply | None:
        """ "Hold on", "wait" or a stray word at "would you like a long hug now?": the offer once more."""
        offered = read_care_offer(turn.progress())
        if offered is None or offered.asked_again:
            return None
        turn.keep_progress(
            CareOffer(asked_again=True).stored(), hours=float(turn.section.settings["care_offer_minutes"]) / 60
        )
        return Reply(
            speech=(narrate(turn.line("care_offer_again")),),
            reprompt=(narrate(turn.line("care_offer")),),
            session={WAITING: CARE},
        )

    # -- "how have we been doing?" -----------------------------------------------------------------
    def _history(self, turn: Turn) -> Reply:
        """The last check-in, how it moved, the month if recent, and how many so far; nothing new begins."""
        weeks = _weeks(turn)
        partial = _partial(turn)
        every = sorted({*weeks, *partial}, key=lambda k: week_monday(k) or date.min)
        latest = every[-1] if every else None
        if latest is None:
            return Reply(speech=(narrate(turn.line("history_none")),), end_session=True, view=_shown(weeks, [], []))
        ago = weeks_apart(latest, week_key(turn.local_now.date()))
        if ago <= 0:
            when = turn.line("when_this_week")
        elif ago == 1:
            when = turn.line("when_last_week")
        else:
            when = turn.line("when_weeks_ago", count=_number(turn, ago))
        speech: list[Segment]
        trend: list[str] = []
        month: list[str] = []
        if latest in weeks:
            rated = {"rating": _number(turn, weeks[latest][0]), "other_rating": _number(turn, weeks[latest][1])}
            speech = [narrate(turn.line("history_last", when=when, **rated))]
            trend = _trend(turn, weeks, latest, since="since_before")
            if ago <= 1:
                month = _month(turn, weeks, latest)
        else:  # the latest check-in had a number passed by: told as it was, never hidden behind an older one
            speech = [narrate(_partial_line(turn, when, partial[latest]))]
            if ago <= 1 and weeks:
                month = _month(turn, weeks, next(reversed(weeks)))
        speech += [narrate(line) for line in (*trend, *month)]
        count = max(_count(turn), 1)
        if count == 1:
            speech.append(narrate(turn.line("history_count_one")))
        else:
            speech.append(narrate(turn.line("history_count", count=_number(turn, count))))
        speech.append(narrate(turn.line("history_close")))
        return Reply(speech=tuple(speech), end_session=True, view=_shown(weeks, trend, month))

    # -- "remind us every Sunday at 7" -------------------------------------------------------------
    def _remind(self, turn: Turn, asked: AskedReminder) -> Reply:
        """Set the weekly reminder; without permission, Alexa asks for it by voice (not again soon after a no).

        A day or time heard but not understood ("someday", "25:00") is asked for again, never guessed."""
        if _unreadable(turn, asked):
            return Reply(
                speech=(narrate(turn.line("reminder_unclear")),),
                reprompt=(narrate(turn.line("reminder_unclear_again")),),
                session=asking(NAME, "reminder_unclear_again"),  # help or a stray word asks it again
            )
        day, clock = _reminder_when(turn, asked)
        result = _create_reminder(turn, asked)
        if result.status is AlertStatus.PERMISSION_MISSING and not _refused_recently(turn):
            # The place is kept in the household: Alexa's answer may come in a new session.
            place = self._place(turn)
            settings = turn.section.settings
            if place is not None:
                self._keep(turn, place._replace(reminder=asked))
            else:
                turn.keep_progress({"reminder": asked.stored()}, hours=float(settings["asking_hours"]))
            return Reply(
                speech=(narrate(turn.line("reminder_ask", day=day, time=clock)),), ask_permission=REMINDERS_SCOPE
            )
        return self._reminded(turn, asked, result)

    def on_permission(self, turn: Turn, accepted: bool) -> Reply:
        place = self._place(turn)
        if place is not None and place.timer_asked is not None and self._at_talk(turn, place):
            return self._timer_answered(turn, place, place.timer_asked, accepted)
        asked = place.reminder if place is not None else read_asking_alone(turn.progress())
        if place is not None:
            self._keep(turn, place._replace(reminder=None))  # a check-in still waits
        else:
            turn.end_progress()
        if not accepted:
            _keep(turn, refused_on=turn.now.date().isoformat())
            return self._reminded(turn, asked, AlertResult(AlertStatus.PERMISSION_MISSING), denied=True)
        _keep(turn, refused_on=None)
        if asked is None:
            return Reply(speech=(narrate(turn.line("reminder_lost")),), end_session=True)
        result = _create_reminder(turn, asked)
        if result.status is AlertStatus.PERMISSION_MISSING:
            result = AlertResult(AlertStatus.FAILED, result.http_status)  # they said yes: do not talk of permissions
        return self._reminded(turn, asked, result)

    def _reminded(self, turn: Turn, asked: AskedReminder | None, result: AlertResult, *, denied: bool = False) -> Reply:
        """What became of the reminder, said plainly; the session ends either way."""
        speech: list[Segment] = []
        if result.created and asked is not None:
            day, clock = _reminder_when(turn, asked)
            before = _reminder_token(turn)
            had_one = _kept(turn).reminder is not None
            token = result.token or None
            _keep(turn, reminder=Reminder(_weekday(turn, asked), _clock(turn, asked), token), refused_on=None)
            if before is not None and result.token == before:  # the one weekly reminder, changed
                speech.append(narrate(turn.line("reminder_changed", day=day, time=clock)))
            else:
                speech.append(narrate(turn.line("reminder_set", day=day, time=clock)))
                if had_one and before is None:  # made before we kept its token: we cannot change that one
                    speech.append(narrate(turn.line("reminder_earlier")))
        elif result.status is AlertStatus.PERMISSION_MISSING:
            speech.append(narrate(turn.line("reminder_denied" if denied else "reminder_unallowed")))
            if not _kept(turn).told_how:
                _keep(turn, told_how=True)
                speech.append(narrate(turn.line("reminder_how_to_allow")))
        else:
            speech.append(narrate(turn.line("reminder_failed")))
        return Reply(speech=tuple(speech), end_session=True)


# -- reminders: from what was said to a first ring -------------------------------------------------
def _asked_reminder(turn: Turn) -> AskedReminder:
    """The day and time as heard (kept raw, so a later answer to the permission question can use them)."""
    return AskedReminder(turn.slots.get("day"), turn.slots.get("time"))


def _weekday(turn: Turn, asked: AskedReminder) -> int:
    """Monday 0 ... Sunday 6, from the DayOfWeek slot ("sunday", "Sundays"); else the content's default day."""
    names = [str(day).lower() for day in turn.section.settings["weekdays"]]
    if isinstance(asked.day, int) and 0 <= asked.day < 7:
        return asked.day
    heard = " ".join(str(asked.day or "").lower().split())
    for candidate in (heard, heard.removesuffix("s")):
        if candidate in names:
            return names.index(candidate)
    return names.index(str(turn.section.settings["reminder_default_day"]).lower())


def _clock(turn: Turn, asked: AskedReminder) -> str:
    """ "HH:MM" from the TIME slot ("19:00", or "EV" for the evening); else the content's default time."""
    settings = turn.section.settings
    heard = str(asked.time or "").strip().upper()
    heard = settings["parts_of_day"].get(heard, heard)
    match = _CLOCK.match(heard)
    if not match:
        return str(settings["reminder_default_time"])
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _reminder_when(turn: Turn, asked: AskedReminder) -> tuple[str, str]:
    """The day and time as the couple hears them back ("Sunday", "7 PM")."""
    settings = turn.section.settings
    hour, minute = (int(part) for part in _clock(turn, asked).split(":"))
    suffix = settings["clock"]["am" if hour < 12 else "pm"]
    shown = hour % 12 or 12
    clock = f"{shown} {suffix}" if minute == 0 else f"{shown}:{minute:02d} {suffix}"
    return str(settings["weekdays"][_weekday(turn, asked)]), clock


def first_ring(now: datetime, weekday: int, at: time) -> datetime:
    """The next time the reminder rings: the coming `weekday` at `at`, on the couple's wall clock, after `now`."""
    days = (weekday - now.weekday()) % 7
    ring = datetime.combine(now.date() + timedelta(days=days), at, tzinfo=now.tzinfo)
    return ring if ring > now else ring + timedelta(days=7)


def _create_reminder(turn: Turn, asked: AskedReminder) -> AlertResult:
    if turn.alerts is None:
        return AlertResult(AlertStatus.FAILED)
    hour, minute = (int(part) for part in _clock(turn, asked).split(":"))
    ring = first_ring(turn.local_now, _weekday(turn, asked), time(hour, minute))
    text = turn.line("reminder_text")
    replacing = _reminder_token(turn)
    return turn.alerts.create_weekly_reminder(ring, text, turn.content.locale, turn.household.time_zone, replacing)


def _reminder_token(turn: Turn) -> str | None:
    """The Reminders API's id of the weekly reminder we made, so asking again changes it rather than adds one."""
    kept = _kept(turn).reminder
    return None if kept is None else kept.token


def _unreadable(turn: Turn, asked: AskedReminder) -> bool:
    """A day or a time was heard, but is not one we can read: better asked again than a guessed Sunday at 7."""
    day, clock = asked.day, asked.time
    names = [str(name).lower() for name in turn.section.settings["weekdays"]]
    if isinstance(day, str) and day.strip():
        heard = " ".join(day.lower().split())
        if heard not in names and heard.removesuffix("s") not in names:
            return True
    if isinstance(clock, str) and clock.strip():
        heard = turn.section.settings["parts_of_day"].get(clock.strip().upper(), clock.strip().upper())
        if not _CLOCK.match(heard):
            return True
    return False


def _refused_recently(turn: Turn) -> bool:
    since = _days_since(_kept(turn).refused_on, turn)
    return since is not None and since < int(turn.section.settings["ask_again_days"])


RITUAL = CheckIn()
