"""The shape every ritual module has, and the registry that finds them."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import Protocol

from skill.engine.script import Reply
from skill.engine.turn import Turn


class Ritual(Protocol):
    """A ritual: a name (also its content file), the intents that start it, and how it starts."""

    name: str
    intents: frozenset[str]

    def start(self, turn: Turn) -> Reply:
        """The reply that begins the ritual."""
        ...


@cache
def registry() -> dict[str, Ritual]:
    """Every ritual in `skill.rituals`, keyed by the intent names that start it.

    Each module there exposes `RITUAL`; adding a module is all it takes to register one.
    """
    import skill.rituals as package

    rituals: dict[str, Ritual] = {}
    for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        ritual: Ritual | None = getattr(module, "RITUAL", None)
        if ritual is None:
            continue
        for intent in ritual.intents:
            if intent in rituals:
                raise ValueError(f"{intent} is claimed by both {rituals[intent].name} and {ritual.name}")
            rituals[intent] = ritual
    return rituals


def rituals_in_menu_order() -> list[Ritual]:
    """Each ritual once, in the order the host offers them."""
    unique = {ritual.name: ritual for ritual in registry().values()}
    return [unique[name] for name in sorted(unique)]
