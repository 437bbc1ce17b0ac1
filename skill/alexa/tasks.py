"""Custom tasks: how Alexa starts a ritual from outside a conversation.

A task arrives as a `LaunchRequest` carrying `task` {name, version, input} ("Implement Custom Tasks in Your
Skill"). Two kinds:
- routine actions a couple adds to their own Alexa routines ("Alexa, good morning" then morning coffee): each
  starts its ritual as if they had asked for it, with the input as the intent's slots;
- `CloseRitual`, which a ritual's timer launches when it ends (skill/engine/ritual_timer.py): the ritual's
  own closing, in the couple's two voices;
- `ResumeRitual`, which a timer set in the middle of a ritual launches when it ends (the check-in's talk
  together): the ritual carries on from its place (its `timer_ended`).
Each task has its OpenAPI definition in skill-package/tasks/<Name>.<version>.json; the manifest lists them
from `MANIFEST_TASKS` here (skill/deploy/ask_package.py), and tests/surfaces/test_tasks.py validates the documents.
"""

from __future__ import annotations

import importlib
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import LaunchRequest, Response

from skill.alexa.conversation import Conversation, Services
from skill.engine.script import Reply
from skill.engine.turn import Turn

VERSION = "1"
# The tasks a ritual's timer launches, to close it or to go on from its place (named in
# skill/engine/ritual_timer.py, which a launch does not load; tests/surfaces/test_tasks.py holds the two equal).
CLOSING_TASK, CLOSING_TASK_VERSION = "CloseRitual", "1"
RESUMING_TASK, RESUMING_TASK_VERSION = "ResumeRitual", "1"
# Routine actions: the task, the intent it stands for, and the input properties it takes (as the intent's slots).
ROUTINE_TASKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "MorningCoffee": ("MorningCoffeeIntent", ("pace",)),
    "Hug": ("HugIntent", ("seconds",)),
    "MagicMinutes": ("MagicMinutesIntent", ()),
    "TonightsQuestion": ("TonightsQuestionIntent", ("depth", "pace")),
    "WeeklyCheckIn": ("CheckInIntent", ("pace",)),
}
# Rituals whose timer hands back, each with its RitualTimer as `TIMER` in its module.
CLOSABLE = frozenset({"magic_minutes", "thirty_six"})
# Rituals whose timer, set mid-ritual, brings the couple back to their place: `RITUAL.timer_ended` in its module.
RESUMABLE = frozenset({"check_in"})
MANIFEST_TASKS = (
    *((name, VERSION) for name in ROUTINE_TASKS),
    (CLOSING_TASK, CLOSING_TASK_VERSION),
    (RESUMING_TASK, RESUMING_TASK_VERSION),
)


def _task(handler_input: HandlerInput) -> Any:
    request = handler_input.request_envelope.request
    return request.task if isinstance(request, LaunchRequest) else None


def task_named(full_name: str | None) -> str:
    """The task's own name: Alexa may send it as "<skill id>.<Name>"."""
    return (full_name or "").rsplit(".", 1)[-1]


def _slots(names: tuple[str, ...], given: Any) -> dict[str, str | None]:
    """The task's input as slot values, as a couple would have said them (numbers as digits)."""
    if not isinstance(given, dict):
        return {}
    slots: dict[str, str | None] = {}
    for name in names:
        value = given.get(name)
        if isinstance(value, bool):
            continue
        if isinstance(value, (int, str)) and str(value).strip():
            slots[name] = str(value).strip()
    return slots


class TaskLaunchHandler(AbstractRequestHandler):
    """A launch that carries one of our tasks. Any other launch (or a task we do not know) is a plain launch."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        task = _task(handler_input)
        if task is None:
            return False
        name = task_named(task.name)
        return (
            (name in ROUTINE_TASKS and task.version == VERSION)
            or (name == CLOSING_TASK and task.version == CLOSING_TASK_VERSION)
            or (name == RESUMING_TASK and task.version == RESUMING_TASK_VERSION)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        task = _task(handler_input)
        name = task_named(task.name)
        conversation = Conversation(handler_input, self.services)
        if name in (CLOSING_TASK, RESUMING_TASK):
            ritual = (task.input or {}).get("ritual") if isinstance(task.input, dict) else None
            if ritual not in (CLOSABLE if name == CLOSING_TASK else RESUMABLE):
                from skill.engine import narrator

                return conversation.respond(narrator.launch)
            module = importlib.import_module(f"skill.rituals.{ritual}")
            ended = module.TIMER.close if name == CLOSING_TASK else module.RITUAL.timer_ended
            return conversation.respond(ended, section=str(ritual))
        intent, inputs = ROUTINE_TASKS[name]
        slots = _slots(inputs, task.input)
        from skill.engine.offers import note_tried
        from skill.engine.place import start_ritual
        from skill.engine.ritual import registry

        ritual = registry()[intent]

        def start(turn: Turn) -> Reply:
            note_tried(turn, ritual.name)
            return start_ritual(turn._replace(intent=intent, slots=slots), ritual)

        return conversation.respond(start, section=ritual.name)
