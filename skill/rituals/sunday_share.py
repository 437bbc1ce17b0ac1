"""The Sunday share: each partner leaves the other one appreciation in the week, and on the share day the
skill plays each to the other, in the giver's voice and with the giver's name.

Like the jar (skill/rituals/our_jar.py), these are words a couple asked the skill to keep, so it keeps only
those: read back first and kept after a yes (until then they travel in the session, never in the store), one
waiting per giver (a new one replaces it), at most `max_characters` plain characters. Each is kept for the
couple's keep time (default `keep_weeks`, 8; "keep our Sunday shares for four weeks") and then deleted:
every note carries its own `expires_at`, and Household.drop_expired_progress drops it at the first request
after that moment. "Hear Maya's Sunday share again" replays what was shared; "delete Maya's Sunday share"
or "delete our Sunday share" deletes after a yes, and so does "forget us".

Stored as household.rituals["sunday_share"] = {"kept": [{"giver": 0|1, "text": str, "on": "YYYY-MM-DD",
"played_on": "YYYY-MM-DD" or None, "expires_at": epoch seconds}], "keep_weeks": int (only when chosen)}, read and
written only here (`read`, `write`) as a typed `Share` (Household.drop_expired_progress drops expired notes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from skill.engine.narrator import menu
from skill.engine.script import Reply, Segment, narrate, to_partner
from skill.engine.turn import Turn
from skill.household import Household
from skill.intents import HEARD_SOMETHING
from skill.record import Record

NAME = "sunday_share"
PLAY, ADD, FROM, HEAR, DELETE, KEEP = (
    "SundayShareIntent", "AddShareIntent", "ShareFromIntent", "HearShareIntent", "DeleteShareIntent", "ShareKeepIntent"
)  # fmt: skip
YES, NO = "AMAZON.YesIntent", "AMAZON.NoIntent"
NOTE_SLOT, GIVER_SLOT, WEEKS_SLOT = "question", "giver", "weeks"
KEPT = "kept"  # the list Household.drop_expired_progress prunes by each entry's expires_at
PENDING = "share_pending"  # session only: the words waiting for their yes
ASKING_FROM, CONFIRMING, DELETING = "from", "confirm", "delete"
WEEK_SECONDS = 7 * 24 * 3600
# The shorter wording a question is asked again with, in the reprompt.
_ASKED_AGAIN = {
    "ask_from": "ask_from_again",
    "not_one_of_you": "ask_from_again",
    "ask_delete": "ask_delete_again",
    "ask_delete_all": "ask_delete_again",
    "heard": "confirm_again",
}

_UNWANTED = re.compile(r"[^\w\s'’,.?!;:-]")


def clean_note(raw: object, max_characters: int) -> tuple[str | None, str | None]:
    """(the note fit to keep and read aloud, None) or (None, "empty" or "too_long"); plain words only."""
    if not isinstance(raw, str):
        return None, "empty"
    text = " ".join(_UNWANTED.sub(" ", raw.replace("’", "'")).split()).strip(" ,;:-")
    if not re.search(r"[^\W\d_]", text):
        return None, "empty"
    if len(text) > max_characters:
        return None, "too_long"
    text = text[0].upper() + text[1:]
    return (text if text[-1] in ".?!" else text + "."), None


class Note(Record):
    """One appreciation kept: who gave it (partner 0 or 1), its words, the day it was kept, the day it was played
    (None while it waits for the share day) and when it is deleted (epoch seconds)."""

    giver: int
    text: str
    on: str | None
    played_on: str | None
    expires_at: int


class Share(Record):
    """The notes kept, in the order they were kept, and the keep time the couple chose (None: the content's)."""

    kept: tuple[Note, ...] = ()
    keep_weeks: int | None = None


def _note(raw: Any, now: float) -> Note | None:
    """A stored note, if it is sound and not expired; an unusable one is dropped, never spoken."""
    if not isinstance(raw, dict):
        return None
    giver, text, on, played_on, expires_at = (raw.get(k) for k in ("giver", "text", "on", "played_on", "expires_at"))
    if giver not in (0, 1) or not isinstance(text, str) or not text.strip():
        return None
    if not isinstance(expires_at, int) or expires_at <= now:
        return None
    return Note(
        int(giver),
        text,
        on if isinstance(on, str) else None,
        played_on if isinstance(played_on, str) else None,
        expires_at,
    )


def read(household: Household, now: float) -> Share:
    """The share as stored, looked at only: the sound notes still within their keep time, and the keep time chosen."""
    stored = household.peek_ritual(NAME)
    state = stored if isinstance(stored, dict) else {}
    notes, weeks = state.get(KEPT), state.get("keep_weeks")
    kept = (_note(raw, now) for raw in (notes if isinstance(notes, list) else []))
    return Share(tuple(note for note in kept if note is not None), weeks if isinstance(weeks, int) else None)


def write(household: Household, share: Share) -> None:
    """Keep the share: {"kept": [{"giver", "text", "on", "played_on", "expires_at"}], "keep_weeks" when chosen}."""
    fields = ("giver", "text", "on", "played_on", "expires_at")
    state: dict[str, Any] = {KEPT: [{field: getattr(note, field) for field in fields} for note in share.kept]}
    if share.keep_weeks is not None:
        state["keep_weeks"] = share.keep_weeks
    household.rituals[NAME] = state


def _read(turn: Turn) -> Share:
    return read(turn.household, turn.now.timestamp())


def keep_weeks(turn: Turn, share: Share) -> int:
    """How many weeks a note is kept: the couple's choice if it is in range, else the content's default."""
    settings = turn.content.section(NAME).settings
    low, high = int(settings["min_keep_weeks"]), int(settings["max_keep_weeks"])
    chosen = share.keep_weeks
    return chosen if chosen is not None and low <= chosen <= high else int(settings["keep_weeks"])


class Asking(Record):
    """The share's place while it waits for an answer: `step` (ASKING_FROM, CONFIRMING or DELETING; None when
    nothing sound is kept), `giver` (whose note: 0 or 1; None while asking whose, or to delete everyone's), and
    `was`, the place of the ritual they were in the middle of, put back afterwards (Turn.put_back). Stored
    {"step", "giver" (not while asking whose), "was"}."""

    step: str | None = None
    giver: int | None = None
    was: Mapping[str, Any] | None = None

    def stored(self) -> dict[str, Any]:
        giver = {} if self.step == ASKING_FROM else {"giver": self.giver}
        return {"step": self.step, **giver, "was": None if self.was is None else dict(self.was)}


def read_asking(stored: object) -> Asking:
    """The share's place as stored (nothing kept, or damaged: an Asking for nothing)."""
    if not isinstance(stored, dict):
        return Asking()
    step, giver, was = stored.get("step"), stored.get("giver"), stored.get("was")
    if step not in (ASKING_FROM, CONFIRMING, DELETING) or giver not in (None, 0, 1) or isinstance(giver, bool):
        return Asking()
    return Asking(step, giver, was if isinstance(was, dict) else None)


class SundayShare:
    name = NAME
    intents = frozenset({PLAY, ADD, HEAR, DELETE, KEEP})
    follow_ups = frozenset({FROM, YES, NO, HEARD_SOMETHING})

    def start(self, turn: Turn) -> Reply:
        if turn.intent == ADD:
            return self._heard(turn)
        if turn.intent == HEAR:
            return self._hear_again(turn)
        if turn.intent == DELETE:
            return self._ask_delete(turn)
        if turn.intent == KEEP:
            return self._keep_time(turn)
        return self._play(turn)

    def proceed(self, turn: Turn, intent: str) -> Reply:
        state = read_asking(turn.progress())
        step = state.step
        if step == DELETING:
            if intent == YES:
                return self._delete(turn, state)
            if intent == NO:
                return self._finish(turn, state, [narrate(turn.line("not_deleted"))])
            return self.resume(turn)
        if step == ASKING_FROM and intent == FROM:
            return self._from(turn, state)
        if step == CONFIRMING and intent == YES:
            return self._keep(turn, state)
        if step == CONFIRMING and intent == NO:
            return self._finish(turn, state, [narrate(turn.line("let_go"))])
        return self.resume(turn)

    def resume(self, turn: Turn) -> Reply:
        state = read_asking(turn.progress())
        pending = turn.session.get(PENDING)
        step = state.step
        if step == DELETING:
            return self._ask(turn, "ask_delete_again")
        if step == ASKING_FROM and isinstance(pending, str):
            return self._ask(turn, "ask_from_again", pending)
        if step == CONFIRMING and isinstance(pending, str):
            return self._ask(turn, "confirm_again", pending)
        return self._finish(turn, state, [narrate(turn.line("lost"))])

    def help(self, turn: Turn) -> Reply:
        return self.resume(turn)

    def repeat(self, turn: Turn) -> Reply:
        return self.resume(turn)

    def place_kept(self, turn: Turn) -> bool:
        """Stopping half-way through adding or deleting leaves nothing to come back to."""
        return False

    # -- adding: read back, then kept only after a yes ----------------------------------------------
    def _heard(self, turn: Turn) -> Reply:
        text, problem = clean_note(turn.slots.get(NOTE_SLOT), int(turn.section.settings["max_characters"]))
        if text is None:
            return self._done(turn, [narrate(turn.line("too_long" if problem == "too_long" else "how_to_add"))])
        giver = turn.household.partner_speaking(turn.speaker)
        if giver is None:
            self._hold(turn, Asking(ASKING_FROM))
            return self._ask(turn, "ask_from", text)
        return self._read_back(turn, giver, text)

    def _from(self, turn: Turn, state: Asking) -> Reply:
        pending = turn.session.get(PENDING)
        if not isinstance(pending, str):
            return self._finish(turn, state, [narrate(turn.line("lost"))])
        giver = self._named(turn)
        if giver is None:
            return self._ask(turn, "not_one_of_you", pending)
        return self._read_back(turn, giver, pending)

    def _read_back(self, turn: Turn, giver: int, text: str) -> Reply:
        self._hold(turn, Asking(CONFIRMING, giver))
        return self._ask(turn, "heard", text, name=turn.name(giver), other=turn.name(1 - giver), question=text)

    def _keep(self, turn: Turn, state: Asking) -> Reply:
        text, _ = clean_note(turn.session.get(PENDING), int(turn.section.settings["max_characters"]))
        giver = state.giver
        if text is None or giver is None:
            return self._finish(turn, state, [narrate(turn.line("lost"))])
        share = _read(turn)
        waiting = [n for n in share.kept if n.giver == giver and n.played_on is None]
        expires = int(turn.now.timestamp()) + keep_weeks(turn, share) * WEEK_SECONDS
        note = Note(int(giver), text, turn.local_now.date().isoformat(), None, expires)
        write(turn.household, share._replace(kept=(*(n for n in share.kept if n not in waiting), note)))
        names = {"name": turn.name(int(giver)), "other": turn.name(1 - int(giver))}
        return self._finish(turn, state, [narrate(turn.line("replaced" if waiting else "kept", **names))])

    # -- the share day ------------------------------------------------------------------------------
    def _play(self, turn: Turn) -> Reply:
        share = _read(turn)
        waiting = [n for n in share.kept if n.played_on is None]
        today = turn.local_now.date().isoformat()
        if turn.local_now.weekday() != int(turn.section.settings["share_day"]):
            if not waiting:
                return self._done(turn, [narrate(turn.line("not_yet_none"))])
            return self._done(turn, [narrate(turn.line("not_yet", count=len(waiting)))])
        if not waiting:
            return self._done(turn, [narrate(turn.line("nothing_this_week"))])
        speech: list[Segment] = [narrate(turn.line("share_intro" if len(waiting) > 1 else "share_one_intro"))]
        for note in sorted(waiting, key=lambda n: n.giver):
            speech.extend(self._spoken(turn, note))
        played = tuple(n._replace(played_on=today) if n in waiting else n for n in share.kept)
        write(turn.household, share._replace(kept=played))
        speech.append(narrate(turn.line("share_close")))
        return Reply(speech=tuple(speech), end_session=True)

    def _spoken(self, turn: Turn, note: Note) -> list[Segment]:
        """Who it is for and from (the narrator), then the note itself in the giver's voice."""
        lead = turn.line("for_you", name=turn.name(note.giver), other=turn.name(1 - note.giver))
        return [narrate(lead), to_partner(note.giver, note.text)]

    # -- hearing again, deleting, keep time ----------------------------------------------------------
    def _hear_again(self, turn: Turn) -> Reply:
        share = _read(turn)
        giver = self._named(turn)
        shared = [n for n in share.kept if n.played_on is not None and giver in (None, n.giver)]
        if not shared:
            waiting = [n for n in share.kept if giver in (None, n.giver)]
            if waiting:  # not played yet: it stays a surprise until the share day
                return self._done(turn, [narrate(turn.line("waiting_for_sunday", name=turn.name(waiting[0].giver)))])
            key, values = ("none_to_hear", {"name": turn.name(giver)}) if giver is not None else ("none_kept", {})
            return self._done(turn, [narrate(turn.line(key, **values))])
        speech: list[Segment] = [narrate(turn.line("again_intro"))]
        for note in shared:
            speech.extend(self._spoken(turn, note))
        return self._done(turn, speech)

    def _ask_delete(self, turn: Turn) -> Reply:
        giver = self._named(turn)
        if not any(giver in (None, n.giver) for n in _read(turn).kept):
            key, values = ("none_to_hear", {"name": turn.name(giver)}) if giver is not None else ("none_kept", {})
            return self._done(turn, [narrate(turn.line(key, **values))])
        self._hold(turn, Asking(DELETING, giver))
        if giver is None:
            return self._ask(turn, "ask_delete_all")
        return self._ask(turn, "ask_delete", name=turn.name(giver))

    def _delete(self, turn: Turn, state: Asking) -> Reply:
        share = _read(turn)
        giver = state.giver
        write(
            turn.household, share._replace(kept=tuple(n for n in share.kept if giver is not None and n.giver != giver))
        )
        return self._finish(turn, state, [narrate(turn.line("deleted"))])

    def _keep_time(self, turn: Turn) -> Reply:
        asked = turn.number_slot(WEEKS_SLOT)
        if asked is None:
            return self._done(turn, [narrate(turn.line("keep_ask"))])
        settings = turn.section.settings
        low, high = int(settings["min_keep_weeks"]), int(settings["max_keep_weeks"])
        weeks = min(max(asked, low), high)
        share = _read(turn)
        moved = (weeks - keep_weeks(turn, share)) * WEEK_SECONDS  # the new keep time counts from when each was kept
        kept = (n._replace(expires_at=n.expires_at + moved) for n in share.kept)
        write(turn.household, Share(tuple(n for n in kept if n.expires_at > turn.now.timestamp()), weeks))
        return self._done(turn, [narrate(turn.line("keep_set" if weeks == asked else "keep_range", count=weeks))])

    # -- helpers ------------------------------------------------------------------------------------
    def _named(self, turn: Turn) -> int | None:
        """The partner named in the `giver` slot ("from Maya", "Maya's share"), if one of theirs."""
        said = turn.slots.get(GIVER_SLOT)
        if not isinstance(said, str):
            return None
        wanted = said.strip().lower()
        return next((index for index, name in enumerate(turn.household.names) if name.lower() == wanted), None)

    def _hold(self, turn: Turn, asking: Asking) -> None:
        """Wait for an answer; a ritual they were in the middle of is put back afterwards."""
        held = asking._replace(was=turn.place_to_put_back())
        turn.keep_progress(held.stored(), hours=float(turn.section.settings["confirm_hours"]))

    def _ask(self, turn: Turn, key: str, pending: str | None = None, **values: Any) -> Reply:
        """A question that waits for its answer; the words waiting for their yes ride in the session."""
        return Reply(
            speech=(narrate(turn.line(key, **values)),),
            reprompt=(narrate(turn.line(_ASKED_AGAIN.get(key, key))),),
            session={PENDING: pending} if pending is not None else {},
        )

    def _finish(self, turn: Turn, state: Asking, speech: list[Segment]) -> Reply:
        turn.end_progress()
        turn.put_back(state.was)
        return self._done(turn, speech)

    def _done(self, turn: Turn, speech: list[Segment]) -> Reply:
        examples = menu(turn)
        return Reply(
            speech=(*speech, narrate(turn.line("next", examples=examples))),
            reprompt=(narrate(turn.narrator_line("offer_again", examples=examples)),),
        )


RITUAL = SundayShare()
