"""Builds the ask-sdk skill and invokes it safely for the entry points (Lambda and the web service)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any, cast

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import RequestEnvelope, Response, ResponseEnvelope
from ask_sdk_model.ui import SsmlOutputSpeech

from skill import screen
from skill.alexa import handlers
from skill.alexa.can_fulfill import CanFulfillHandler
from skill.alexa.conversation import Services
from skill.alexa.routines import RoutineAnswerHandler
from skill.alexa.serializer import AlexaSerializer
from skill.alexa.tasks import TaskLaunchHandler
from skill.alexa.widget import WidgetEventHandler
from skill.logs import get_logger
from skill.speech.ssml import escape
from skill.state import Households
from skill.store import HouseholdStore, open_store


class SkillIdMismatch(Exception):
    """The request was meant for another skill."""


class KindSkill(CustomSkill):
    """A CustomSkill whose invoke never raises, so the web adapter (not only the Lambda) always has a kind answer."""

    def __init__(self, skill_configuration: Any) -> None:
        super().__init__(skill_configuration=skill_configuration)
        self.serializer: AlexaSerializer = AlexaSerializer()

    def invoke(self, request_envelope: RequestEnvelope, context: Any) -> ResponseEnvelope:
        try:
            return super().invoke(request_envelope=request_envelope, context=context)
        except handlers.DeletionDeferred:
            raise  # a skill event that must fail, so it can come again (see SkillDisabledHandler)
        except Exception:
            # Even the apology handler failed (say, a locale whose content will not load): apologise plainly.
            get_logger().error("skill invocation failed", exc_info=True)
            return last_resort(getattr(request_envelope.request, "locale", None))


def last_resort(locale: str | None) -> ResponseEnvelope:
    """A session-ending apology in the default language; empty if even that cannot be loaded."""
    response = Response(should_end_session=True)
    try:
        response.output_speech = SsmlOutputSpeech(ssml=f"<speak>{escape(handlers.apology_line(locale))}</speak>")
    except Exception:
        get_logger().error("no apology could be loaded", exc_info=True)
    return ResponseEnvelope(version="1.0", response=response)


class _LogBefore(AbstractRequestInterceptor):
    def __init__(self, log: handlers.RequestLog) -> None:
        self.log = log

    def process(self, handler_input: HandlerInput) -> None:
        self.log.before(handler_input)


class _LogAfter(AbstractResponseInterceptor):
    def __init__(self, log: handlers.RequestLog) -> None:
        self.log = log

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        self.log.after(handler_input, response)


def build_skill(open_store_fn: Callable[[], HouseholdStore] = open_store) -> KindSkill:
    """The skill with every handler; the store is opened lazily on the first request that needs it."""
    services = Services(open_households=lambda: Households(open_store_fn()))
    builder = SkillBuilder()
    for handler_class in (
        TaskLaunchHandler,  # before the plain launch: a launch that carries one of our tasks
        handlers.LaunchHandler,
        handlers.SkillDisabledHandler,
        handlers.PermissionAnswerHandler,
        RoutineAnswerHandler,  # Alexa's answer to a routine offer (SessionResumedRequest)
        WidgetEventHandler,  # the Echo Show widget installed or removed (Alexa.DataStore.*)
        handlers.IntentHandler,  # every intent: the order in which they are answered is skill.engine.router's
    ):
        builder.add_request_handler(handler_class(services))
    builder.add_request_handler(CanFulfillHandler())  # name-free: answers, never acts
    builder.add_request_handler(handlers.SessionEndedHandler())
    builder.add_request_handler(handlers.OtherRequestHandler())
    builder.add_exception_handler(handlers.ApologyHandler())
    log = handlers.RequestLog()
    builder.add_global_request_interceptor(screen.TouchAsSpoken())  # first: a touch is logged as what it means
    builder.add_global_request_interceptor(_LogBefore(log))
    builder.add_global_response_interceptor(screen.ScreenResponse())
    builder.add_global_response_interceptor(_LogAfter(log))
    return KindSkill(skill_configuration=builder.skill_configuration)


def expected_skill_id() -> str | None:
    """The skill id requests must carry (`SKILL_ID`); None accepts any, for local runs only."""
    return os.environ.get("SKILL_ID") or None


def envelope_skill_id(envelope: RequestEnvelope) -> str | None:
    context = envelope.context
    application = context.system.application if context and context.system else None
    if application is None and envelope.session is not None:
        application = envelope.session.application
    return application.application_id if application else None


def check_skill_id(envelope: RequestEnvelope) -> None:
    expected = expected_skill_id()
    if expected and envelope_skill_id(envelope) != expected:
        raise SkillIdMismatch("request is for another skill")


def invoke(skill: CustomSkill, event: dict[str, Any]) -> dict[str, Any]:
    """Run one Alexa request given as JSON-ready data; returns the response envelope as data.

    Raises SkillIdMismatch for another skill's request. Anything else that goes wrong before the
    handlers run (an envelope the SDK cannot read) becomes a valid, empty, session-ending response.
    """
    try:
        envelope = skill.serializer.deserialize(payload=json.dumps(event), obj_type=RequestEnvelope)
    except Exception:
        get_logger().warning("unreadable request envelope", exc_info=True)
        return {"version": "1.0", "response": {"shouldEndSession": True}}
    check_skill_id(envelope)
    try:
        response_envelope = skill.invoke(request_envelope=envelope, context=None)
    except handlers.DeletionDeferred:
        raise  # the Lambda invocation fails, so Alexa sees the event was not handled
    except Exception:
        get_logger().error("skill invocation failed", exc_info=True)
        return {"version": "1.0", "response": {"shouldEndSession": True}}
    # The SDK types serialize() for any object; a ResponseEnvelope always serializes to a dict.
    return cast(dict[str, Any], skill.serializer.serialize(response_envelope))
