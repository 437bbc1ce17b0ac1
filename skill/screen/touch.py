"""A touch on a menu tile, read as the words it stands for: the ritual's own intent request."""

from __future__ import annotations

from typing import Any

from ask_sdk_model import Intent, IntentConfirmationStatus, IntentRequest

from skill.engine.ritual import registry

# The tiles send SendEvent arguments ["start", "<IntentName>"]; nothing else is acted on.
START = "start"


def as_spoken(event: Any) -> IntentRequest | None:
    """The IntentRequest a touch means, or None for an event that is not a tile (left to the other handlers)."""
    arguments = getattr(event, "arguments", None)
    if (
        not isinstance(arguments, list)
        or len(arguments) != 2
        or arguments[0] != START
        or not isinstance(arguments[1], str)
    ):
        return None
    if arguments[1] not in registry():  # only the intents that start a ritual: a tile cannot say anything else
        return None
    return IntentRequest(
        request_id=event.request_id,
        timestamp=event.timestamp,
        locale=event.locale,
        intent=Intent(name=arguments[1], slots={}, confirmation_status=IntentConfirmationStatus.NONE),
    )
