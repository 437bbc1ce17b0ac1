"""The shape every ritual module has, and the registry that finds them."""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from functools import cache
from typing import Any, Protocol, runtime_checkable

from skill import intents
from skill.engine.script import Reply
from skill.engine.turn import Turn


class Ritual(Protocol):
    """A ritual: a name (also its content file), the intents that start it, and how it starts.

    A ritual that spans several turns also implements `SteppedRitual`.
    """

    name: str
    intents: frozenset[str]

    def start(self, turn: Turn) -> Reply:
        """The reply that begins the ritual."""
        ...


@runtime_checkable
class SteppedRitual(Protocol):
    """A ritual the couple moves through turn by turn; its place is kept with `turn.keep_progress`."""

    name: str
    intents: frozenset[str]
    # Intents this ritual answers while it is in progress ("I'm done", "next", a rating...).
    follow_ups: frozenset[str]

    def start(self, turn: Turn) -> Reply: ...

    def proceed(self, turn: Turn, intent: str) -> Reply:
        """The next step, after one of `follow_ups`."""
        ...

    def resume(self, turn: Turn) -> Reply:
        """Pick up where the couple stopped ("continue"), possibly in a new session hours later."""
        ...


@runtime_checkable
class AsksPermission(Protocol):
    """A ritual that may reply with `ask_permission`; it keeps its place with `turn.keep_progress` meanwhile."""

    name: str

    def on_permission(self, turn: Turn, accepted: bool) -> Reply:
        """Carry on once Alexa reports the couple's answer (not answered and errors count as not accepted)."""
        ...


# -- optional abilities: a ritual has one by implementing its method; the engine asks with isinstance ----------
@runtime_checkable
class Helps(Protocol):
    """A ritual with its own help mid-way: which ritual, whose turn, what they can say (None: the narrator's help)."""

    def help(self, turn: Turn) -> Reply | None: ...


@runtime_checkable
class Repeats(Protocol):
    """A ritual that says its current prompt again on "repeat" (`turn.repeating` is set; None: nothing to repeat)."""

    def repeat(self, turn: Turn) -> Reply | None: ...


@runtime_checkable
class KeepsPlaceWhen(Protocol):
    """A ritual whose place is sometimes not worth keeping (a question both have answered, an offer of a hug):
    False drops it on stop, and a later launch does not offer to continue."""

    def place_kept(self, turn: Turn) -> bool: ...


@runtime_checkable
class PinsPlace(Protocol):
    """A ritual whose answer may still be playing when the couple stop or leave ("Alexa, stop" half-way through a
    paced answer): `pin` keeps the turn that was playing as its place."""

    def pin(self, turn: Turn) -> None: ...


@runtime_checkable
class HoldsOn(Protocol):
    """A ritual with a question of its own that "hold on" or "wait" (Alexa's pause) asks again instead of pausing
    (None: a pause like any other)."""

    def hold_on(self, turn: Turn) -> Reply | None: ...


@runtime_checkable
class SetsAside(Protocol):
    """A ritual that keeps its place aside for a while when another ritual starts (the check-in, for its hours),
    instead of losing it to the newcomer."""

    name: str

    def set_aside(self, turn: Turn) -> None: ...


@runtime_checkable
class StartsWithFollowUps(Protocol):
    """A ritual that some of its follow-ups also start when nothing is in progress ("another question" begins
    tonight's question)."""

    name: str
    intents: frozenset[str]
    also_starts: frozenset[str]

    def start(self, turn: Turn) -> Reply: ...


@runtime_checkable
class AsksOwnQuestions(Protocol):
    """A ritual that asks a question of the couple's own (an entry of their jar), in turn.

    The jar finds it here, through the registry: the jar's owner is read by the asker, never the other way.
    """

    name: str

    def ask_own(self, turn: Turn, entry_id: str) -> Reply: ...


@runtime_checkable
class AsksInSession(Protocol):
    """A ritual whose yes/no question is carried in the asking session (the jar's "shall I keep it?").

    The session is one Echo's, the kept place the household's: the yes or no said to the Echo that asked goes
    to this question, whatever another Echo of the household has started since (skill.engine.router, rule 3).
    """

    name: str
    # The session key the question travels under while it waits.
    session_question: str

    def answer_asked(self, turn: Turn, intent: str) -> Reply:
        """The yes or no to the question this session carries; the place of another ritual is left as it is."""
        ...


def asked_in_session(session: Mapping[str, Any] | None) -> AsksInSession | None:
    """The ritual whose question this session carries, waiting for a yes or no; None when none does."""
    if not session:
        return None
    for ritual in registry().values():
        if isinstance(ritual, AsksInSession) and session.get(ritual.session_question) is not None:
            return ritual
    return None


def asker_of_own_questions() -> AsksOwnQuestions:
    """The ritual that asks the couple's own questions (tonight's question)."""
    found = next((r for r in rituals_in_menu_order() if isinstance(r, AsksOwnQuestions)), None)
    if found is None:
        raise LookupError("no ritual asks a couple's own questions")
    return found


@cache
def registry() -> dict[str, Ritual]:
    """Every ritual in `skill.rituals`, and every feature in `skill.features`, keyed by the intent names that start it.

    Each module there exposes `RITUAL`; adding a module is all it takes to register one. A feature (counselling,
    "what else", facts about us, our choices) answers like a ritual but is not one: never on a menu.
    """
    found: dict[str, Ritual] = {}
    for package in _PACKAGES:
        for name in _module_names(package):
            module = importlib.import_module(f"{package}.{name}")
            ritual: Ritual | None = getattr(module, "RITUAL", None)
            if ritual is None:
                continue
            for intent in ritual.intents:
                if intent in found:
                    raise ValueError(f"{intent} is claimed by both {found[intent].name} and {ritual.name}")
                found[intent] = ritual
    return found


_PACKAGES = ("skill.rituals", "skill.features")


def ritual_names() -> tuple[str, ...]:
    """Every ritual's name, importing none: by the house rule ritual `<name>` is the module skill/rituals/<name>.py.

    A menu needs only names and content; importing every ritual's code for it would cost each Lambda
    cold start a millisecond or so per ritual.
    """
    return _module_names("skill.rituals")


@cache
def _module_names(package_name: str) -> tuple[str, ...]:
    """The modules of a package (files and packages), by name, without importing any.

    A directory listing, once per process (every menu asks): pkgutil.iter_modules gives the same names
    but costs a cold start a millisecond.
    """
    package = importlib.import_module(package_name)
    names: set[str] = set()
    for folder in package.__path__:
        for entry in os.scandir(folder):
            if entry.is_file() and entry.name.endswith(".py") and entry.name != "__init__.py":
                names.add(entry.name[: -len(".py")])
            elif entry.is_dir() and os.path.isfile(os.path.join(entry.path, "__init__.py")):
                names.add(entry.name)
    return tuple(sorted(name for name in names if name.isidentifier()))


def rituals_in_menu_order() -> list[Ritual]:
    """Each ritual once, by name (the menu's own order is the narrator content's `menu` list, applied by the narrator)."""
    unique = {ritual.name: ritual for ritual in registry().values()}
    return [unique[name] for name in sorted(unique)]


def ritual_named(name: str) -> Ritual | None:
    return next((ritual for ritual in registry().values() if ritual.name == name), None)


def in_progress(turn: Turn) -> tuple[Ritual, Turn] | None:
    """The ritual the couple is in the middle of, with a turn answering from its own content; None if none."""
    active = turn.active_ritual()
    ritual = ritual_named(active) if active else None
    return (ritual, turn.for_section(ritual.name)) if ritual is not None else None


@cache
def follow_up_intents() -> frozenset[str]:
    """Every intent some ritual answers mid-way, plus the ones every ritual in progress understands."""
    intents: set[str] = set(ALWAYS_FOLLOW_UPS)
    for ritual in registry().values():
        if isinstance(ritual, SteppedRitual):
            intents |= ritual.follow_ups
    return frozenset(intents - set(registry()))


# "Continue" resumes and "start over" restarts whatever ritual is in progress; a yes or no that no ritual
# asked for answers the narrator's own question (see flow.follow_up).
ALWAYS_FOLLOW_UPS = frozenset({intents.RESUME, intents.START_OVER, intents.YES, intents.NO})
