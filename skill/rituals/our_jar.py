"""Our own jar: questions a couple adds themselves, read back and kept only after a yes, drawn at dinner.

This is the one place the skill keeps words a couple said, so it keeps only what they asked it to keep:
at most `max_questions` questions of at most `max_characters` each, plain words only (SSML is escaped by the
composer when they are read back). A question waiting for its yes travels in the session attributes, never
in the store, so an unconfirmed question is gone when the session ends. "Empty our jar" (after a yes) and
"forget us" delete them.

Stored as household.rituals["our_jar"] = {"questions": [{"id", "text", "heard"}], "next": int}, read and written
only here (`read`, `write`) as a typed `JarState`; tonight's question asks through `text_of` and `unheard`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from skill.engine.narrator import menu
from skill.engine.ritual import asker_of_own_questions
from skill.engine.script import Reply, Segment, narrate
from skill.engine.session_keys import JAR_PENDING
from skill.engine.turn import Turn
from skill.household import Household
from skill.intents import ADD_TO_JAR as ADD
from skill.intents import EMPTY_JAR as EMPTY
from skill.intents import HEARD_SOMETHING, NO, YES
from skill.intents import JAR_LIST as LIST
from skill.intents import JAR_QUESTION as DRAW
from skill.record import Record

NAME = "our_jar"
SLOT = "question"
# The question waiting for its yes, in the session only.
PENDING = JAR_PENDING

_UNWANTED = re.compile(r"[^\w\s'’,.?!;:-]")
_QUESTION_WORDS = frozenset(
    "what when where which who whom whose why how is are was were do does did can could would will should have has if".split()
)


def clean_question(raw: object, max_characters: int) -> tuple[str | None, str | None]:
    """(the question fit to keep and read aloud, None) or (None, why not: "empty" or "too_long").

    Only letters, digits, spaces and plain punctuation are kept; the first letter is a capital, and a
    question mark ends a question that starts like one.
    """
    if not isinstance(raw, str):
        return None, "empty"
    text = " ".join(_UNWANTED.sub(" ", raw.replace("’", "'")).split()).strip(" ,;:-")
    if not re.search(r"[^\W\d_]", text):
        return None, "empty"
    if len(text) > max_characters:
        return None, "too_long"
    text = text[0].upper() + text[1:]
    if text[-1] not in ".?!" and text.split()[0].lower() in _QUESTION_WORDS:
        text += "?"
    elif text[-1] not in ".?!":
        text += "."
    return text, None


# A question in the first person ("What do you love most about me?") is for the other partner to answer, and the jar
# asks each of them in turn: it is kept about each other, with tonight's question's name slot, so each hears it
# with the other's name ("What do you love most about Sam?"), never in the wrong mouth.
_FIRST_PERSON = (
    (r"\bam I\b", "is {partner}"),
    (r"\b(do|have) I\b", lambda m: {"do": "does", "have": "has"}[m.group(1).lower()] + " {partner}"),
    (r"\bI'm\b", "{partner} is"),
    (r"\bI've\b", "{partner} has"),
    (r"\bI'd\b", "{partner} would"),
    (r"\bI'll\b", "{partner} will"),
    (r"\b(my|mine)\b", "{partner}'s"),
    (r"\bmyself\b", "themselves"),
    (r"\b(I|me)\b", "{partner}"),
)


def about_each_other(text: str) -> str:
    """A first-person question rewritten about the other partner (the name slot `{partner}`); others unchanged."""
    for pattern, replacement in _FIRST_PERSON:
        text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
    return text


def spoken_about_partner(turn: Turn, text: str) -> str:
    """A kept question read aloud outside a turn (read back, listed): the name slot as "your partner"."""
    return text.replace("{partner}", str(turn.section.settings["about_partner"]))


def _same(a: str, b: str) -> bool:
    return re.sub(r"[\W_]+", " ", a.lower()).strip() == re.sub(r"[\W_]+", " ", b.lower()).strip()


class Entry(Record):
    """One of their questions: its id (kept in tonight's question's place while it is asked), words, times asked."""

    id: str
    text: str
    heard: int = 0


class JarState(Record):
    """The jar as stored: its questions, oldest first, and the id the next one gets."""

    questions: tuple[Entry, ...] = ()
    next: int = 1


def read(household: Household) -> JarState:
    """The jar's stored state, opened to change, repaired if damaged (an unusable entry is dropped, never spoken)."""
    return _parsed(household.rituals.get(NAME))


def peek(household: Household) -> JarState:
    """The jar to look at only: not opened, so a request that only looks does not write it again."""
    return _parsed(household.peek_ritual(NAME))


def _parsed(state: Any) -> JarState:
    raw = state.get("questions") if isinstance(state, dict) else None
    entries = tuple(
        Entry(e["id"], e["text"], e["heard"] if isinstance(e.get("heard"), int) and e["heard"] >= 0 else 0)
        for e in (raw if isinstance(raw, list) else [])
        if isinstance(e, dict) and isinstance(e.get("id"), str) and isinstance(e.get("text"), str) and e["text"].strip()
    )
    following = state.get("next") if isinstance(state, dict) else None
    if not isinstance(following, int):
        following = 1 + max((int(e.id) for e in entries if e.id.isdigit()), default=0)
    return JarState(entries, following)


def write(household: Household, jar: JarState) -> None:
    """Keep the jar: {"questions": [{"id", "text", "heard"}], "next": int}."""
    questions = [{"id": e.id, "text": e.text, "heard": e.heard} for e in jar.questions]
    household.rituals[NAME] = {"questions": questions, "next": jar.next}


def text_of(household: Household, entry_id: str) -> str | None:
    """A jar question's words, or None when it is no longer in the jar."""
    return next((e.text for e in peek(household).questions if e.id == entry_id), None)


def unheard(household: Household) -> int:
    """How many jar questions the couple has not been asked yet (a look only: the jar is not opened to change)."""
    return sum(1 for e in peek(household).questions if e.heard == 0)


ADDING, EMPTYING = "add", "empty"  # what the jar waits for a yes to: "shall I keep it?", "empty the jar?"


class Waiting(Record):
    """The jar's place while it waits for a yes: `step` (ADDING, EMPTYING; None when nothing sound is kept), and
    `was`, the place of the ritual they were in the middle of, as stored, put back afterwards (Turn.put_back).
    Stored {"step", "was"}."""

    step: str | None = None
    was: Mapping[str, Any] | None = None

    def stored(self) -> dict[str, Any]:
        return {"step": self.step, "was": None if self.was is None else dict(self.was)}


def read_waiting(stored: object) -> Waiting:
    """The jar's place as stored (nothing kept, or damaged: a Waiting for nothing)."""
    if not isinstance(stored, dict):
        return Waiting()
    step, was = stored.get("step"), stored.get("was")
    return Waiting(step if step in (ADDING, EMPTYING) else None, was if isinstance(was, dict) else None)


class Jar:
    name = NAME
    intents = frozenset({ADD, DRAW, LIST, EMPTY})
    # A stray word (Alexa's fallback) while a yes or no is awaited: the question again, nothing decided.
    follow_ups = frozenset({YES, NO, HEARD_SOMETHING})
    # "Shall I keep it?" travels in the asking Echo's session: its yes or no is this question's (AsksInSession).
    session_question = PENDING

    def start(self, turn: Turn) -> Reply:
        if turn.intent == DRAW:
            return self._draw(turn)
        if turn.intent == LIST:
            return self._list(turn)
        if turn.intent == EMPTY:
            return self._ask_empty(turn)
        return self._heard(turn)

    def proceed(self, turn: Turn, intent: str) -> Reply:
        waiting = read_waiting(turn.progress())
        if intent == HEARD_SOMETHING:
            return self.resume(turn)
        if waiting.step == EMPTYING:
            return self._empty(turn, waiting) if intent == YES else self._finish(turn, waiting, "jar_kept")
        if intent == NO:
            return self._finish(turn, waiting, "let_go")
        return self._keep(turn, waiting)

    def answer_asked(self, turn: Turn, intent: str) -> Reply:
        """A yes or no to "shall I keep it?" said to the Echo that asked. Its place ends only when the jar's add
        holds it; a ritual another Echo started since (or that Echo's "empty the jar?") keeps its place."""
        waiting = read_waiting(turn.progress())
        own = waiting if waiting.step == ADDING else None
        if intent == NO:
            return self._finish(turn, own, "let_go")
        return self._keep(turn, own)

    def resume(self, turn: Turn) -> Reply:
        waiting = read_waiting(turn.progress())
        if waiting.step == EMPTYING:
            return self._reply(turn, (narrate(turn.line("ask_empty_again")),), reprompt="ask_empty_again")
        pending = turn.session.get(PENDING)
        if isinstance(pending, str):
            return self._reply(
                turn, (narrate(turn.line("confirm_again")),), reprompt="confirm_again", session={PENDING: pending}
            )
        return self._finish(turn, waiting, "lost")

    # -- adding: read back, then kept only after a yes -----------------------------------------
    def _heard(self, turn: Turn) -> Reply:
        settings = turn.section.settings
        text, problem = clean_question(turn.slots.get(SLOT), int(settings["max_characters"]))
        jar = read(turn.household)
        if text is None:
            return self._reply(turn, (narrate(turn.line("too_long" if problem == "too_long" else "how_to_add")),))
        if any(_same(about_each_other(text), e.text) for e in jar.questions):
            return self._reply(turn, (narrate(turn.line("already")),))
        if len(jar.questions) >= int(settings["max_questions"]):
            return self._reply(turn, (narrate(turn.line("full", count=len(jar.questions))),))
        self._hold_place(turn, ADDING)
        kept_as = about_each_other(text)
        heard = (
            turn.line("heard", question=text)
            if kept_as == text
            else turn.line("heard_about", question=spoken_about_partner(turn, kept_as))
        )
        return self._reply(turn, (narrate(heard),), reprompt="confirm_again", session={PENDING: text})

    def _keep(self, turn: Turn, state: Waiting | None) -> Reply:
        pending = turn.session.get(PENDING)
        settings = turn.section.settings
        text, _ = clean_question(pending, int(settings["max_characters"]))
        if text is None:
            return self._finish(turn, state, "lost")
        text = about_each_other(text)
        jar = read(turn.household)
        if any(_same(text, e.text) for e in jar.questions):
            return self._finish(turn, state, "already")
        if len(jar.questions) >= int(settings["max_questions"]):
            return self._finish(turn, state, "full", count=len(jar.questions))
        jar = JarState((*jar.questions, Entry(str(jar.next), text)), jar.next + 1)
        write(turn.household, jar)
        count = len(jar.questions)
        return self._finish(turn, state, "kept_one" if count == 1 else "kept", count=count)

    # -- drawing, listing, emptying -------------------------------------------------------------
    def _draw(self, turn: Turn) -> Reply:
        """The question they have heard least (the oldest first among equals), asked in turn like tonight's question."""
        jar = read(turn.household)
        if not jar.questions:
            return self._reply(turn, (narrate(turn.line("empty")),))
        entry = min(jar.questions, key=lambda e: e.heard)
        asked = entry._replace(heard=entry.heard + 1)
        write(turn.household, jar._replace(questions=tuple(asked if e is entry else e for e in jar.questions)))
        asker = asker_of_own_questions()  # tonight's question, which reads the jar: found, not imported
        return asker.ask_own(turn.for_section(asker.name), entry.id)

    def _list(self, turn: Turn) -> Reply:
        entries = read(turn.household).questions
        if not entries:
            return self._reply(turn, (narrate(turn.line("empty")),))
        last = [spoken_about_partner(turn, e.text) for e in entries[-int(turn.section.settings["list_last"]) :]][::-1]
        if len(entries) == 1:
            speech = (narrate(turn.line("count_one")), narrate(turn.line("only", questions=last[0])))
        else:
            speech = (
                narrate(turn.line("count", count=len(entries))),
                narrate(turn.line("newest", questions=" ".join(last))),
            )
        return self._reply(turn, speech)

    def _ask_empty(self, turn: Turn) -> Reply:
        count = len(read(turn.household).questions)
        if not count:
            return self._reply(turn, (narrate(turn.line("empty")),))
        self._hold_place(turn, EMPTYING)
        asked = turn.line("ask_empty_one") if count == 1 else turn.line("ask_empty", count=count)
        return self._reply(turn, (narrate(asked),), reprompt="ask_empty_again")

    def _empty(self, turn: Turn, state: Waiting) -> Reply:
        turn.household.rituals.pop(NAME, None)
        return self._finish(turn, state, "emptied")

    # -- keeping the place of whatever they were in the middle of ----------------------------------
    def _hold_place(self, turn: Turn, step: str) -> None:
        """Wait for a yes; a ritual they were in the middle of is put back afterwards."""
        waiting = Waiting(step, turn.place_to_put_back())
        turn.keep_progress(waiting.stored(), hours=float(turn.section.settings["confirm_hours"]))

    def _finish(self, turn: Turn, state: Waiting | None, key: str, **values: Any) -> Reply:
        """The last word of an add or an empty; `state` None: the jar holds no place here, so none is ended."""
        if state is not None:
            turn.end_progress()
        speech: list[Segment] = [narrate(turn.line(key, **values))]
        back_to = turn.put_back(state.was) if state is not None else None
        if back_to is not None:
            title = turn.content.section(back_to).settings.get("title", back_to)
            speech.append(narrate(turn.line("back_to", ritual=title)))
            return Reply(speech=tuple(speech), reprompt=(narrate(turn.line("back_to", ritual=title)),))
        return self._reply(turn, tuple(speech))

    def _reply(
        self,
        turn: Turn,
        speech: tuple[Segment, ...],
        *,
        reprompt: str | None = None,
        session: dict[str, Any] | None = None,
    ) -> Reply:
        """Keep the microphone open: after a question, its reprompt; otherwise what they might do next."""
        if reprompt is not None:
            return Reply(speech=speech, reprompt=(narrate(turn.line(reprompt)),), session=session or {})
        examples = menu(turn)
        return Reply(
            speech=(*speech, narrate(turn.line("next", examples=examples))),
            reprompt=(narrate(turn.narrator_line("offer_again", examples=examples)),),
        )


RITUAL = Jar()
