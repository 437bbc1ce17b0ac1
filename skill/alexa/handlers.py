"""Thin ask-sdk handlers: each reads the request, calls the engine and hands the reply to the conversation."""

from __future__ import annotations

import time

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response
from ask_sdk_model.ui import SsmlOutputSpeech

from skill import intents
from skill.alexa.conversation import Conversation, Services
from skill.content import DEFAULT_LOCALE, ContentError, load_content
from skill.engine import forget

# skill.engine.router (and the names, place and pending modules it brings) is imported by the handlers that
# use it: a launch, the first request of most cold starts, needs none of them.
from skill.logs import get_logger, pseudonym, redact
from skill.speech.ssml import escape
from skill.state import DeletionWaiting, household_key
from skill.store import StoreUnavailable


class _Handler(AbstractRequestHandler):
    def __init__(self, services: Services) -> None:
        self.services = services

    def conversation(self, handler_input: HandlerInput) -> Conversation:
        return Conversation(handler_input, self.services)


class LaunchHandler(_Handler):
    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        from skill.engine import router

        return self.conversation(handler_input).respond(router.launch)


class PermissionAnswerHandler(_Handler):
    """Alexa's answer to a voice permission request (Connections.Response to AskFor), for the ritual that asked."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return is_request_type("Connections.Response")(handler_input) and getattr(request, "name", None) == "AskFor"

    def handle(self, handler_input: HandlerInput) -> Response:
        from skill.engine import router

        request = handler_input.request_envelope.request
        code = str(getattr(getattr(request, "status", None), "code", "") or "")
        payload = getattr(request, "payload", None) or {}
        consent = payload.get("status") if isinstance(payload, dict) else None
        # ACCEPTED, DENIED or NOT_ANSWERED; an error status (4xx/5xx) means Alexa could not ask at all.
        accepted = code.startswith("2") and consent == "ACCEPTED"
        get_logger().info("permission answered", extra={"status_code": code, "consent": consent})
        return self.conversation(handler_input).respond(lambda turn: router.permission_answered(turn, accepted))


def _forget_household(services: Services, user_id: str | None) -> str:
    """Delete everything stored for this Alexa user's household: "done"; or, when the store could not, "noted"
    (kept where it outlives this process, to be done later) or "not_noted" (nobody may be promised it)."""
    if not user_id:
        return "done"  # nothing can be stored without a user id
    try:
        services.households.forget(household_key(user_id))
    except StoreUnavailable as error:
        noted = isinstance(error, DeletionWaiting) and error.noted
        get_logger().error(
            "household not forgotten: store unavailable", extra={"store_error": type(error).__name__, "noted": noted}
        )
        return "noted" if noted else "not_noted"
    get_logger().info("household forgotten", extra={"household": pseudonym(user_id)})
    return "done"


class DeletionDeferred(Exception):
    """A SkillDisabled deletion could not happen now: it is journalled for retry, and the event is failed on
    purpose (Lambda error, HTTP 503) so that Alexa may deliver it again."""


class SkillDisabledHandler(_Handler):
    """A couple disabled the skill (a skill event, outside any session): forget their household."""

    # Alexa sends the event only to a skill subscribed to it in the manifest.
    manifest_events = ("SKILL_DISABLED",)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("AlexaSkillEvent.SkillDisabled")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        # Deleted whatever userInformationPersistenceStatus says: the couple removed the skill.
        system = handler_input.request_envelope.context.system if handler_input.request_envelope.context else None
        if _forget_household(self.services, system.user.user_id if system and system.user else None) != "done":
            raise DeletionDeferred("household deletion deferred")
        return handler_input.response_builder.response


class IntentHandler(_Handler):
    """Every intent: skill.engine.router says which rule answers it, in its one order; this handler carries out
    the rules that need the adapter (erasing the household, asking and answering without it) and "repeat"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        from skill.engine import router

        conversation = self.conversation(handler_input)
        intent = conversation.facts.intent or ""
        chosen = router.rule(intent, conversation.facts.session)
        if chosen == router.ERASE:
            outcome = _forget_household(self.services, conversation.facts.user_id)
            answer = {"done": forget.forgotten, "noted": forget.not_forgotten}.get(outcome, forget.not_noted)
            return conversation.respond(answer, section=forget.SECTION, remember=False)
        if chosen == router.ASK_FORGET:  # nothing stored is needed to ask, so nothing is read
            return conversation.respond(forget.ask, section=forget.SECTION, remember=False)
        if chosen == router.NOT_ERASED:  # a no changes nothing stored, not even which wording was heard
            return conversation.respond(forget.kept, section=forget.SECTION, remember=False)
        if chosen == router.AGAIN:
            return conversation.repeat(router.nothing_to_repeat, current=router.repeat_current)
        return conversation.respond(lambda turn: router.route(turn, intent))


class SessionEndedHandler(AbstractRequestHandler):
    """Alexa closed the session: log why (without ids) and answer with an empty response."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        error = getattr(request, "error", None)
        get_logger().info(
            "session ended",
            extra={
                "reason": getattr(getattr(request, "reason", None), "value", None),
                "alexa_error_type": getattr(getattr(error, "object_type", None), "value", None)
                or getattr(error, "object_type", None),
                # Alexa's message may quote the speech (names included): logged without quotes or markup.
                "alexa_error_message": redact(getattr(error, "message", None)),
            },
        )
        return handler_input.response_builder.response


class OtherRequestHandler(AbstractRequestHandler):
    """Requests we do not act on (e.g. System.ExceptionEncountered): an empty response, never an error."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        get_logger().info(
            "request ignored",
            extra={"request_type": getattr(handler_input.request_envelope.request, "object_type", None)},
        )
        return handler_input.response_builder.response


class ApologyHandler(AbstractExceptionHandler):
    """Any exception becomes a short, kind apology; the error is logged without ids or names."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return not isinstance(exception, DeletionDeferred)  # that one must fail the event, not be apologised for

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        envelope = handler_input.request_envelope
        get_logger().error(
            "request failed",
            exc_info=(type(exception), exception, exception.__traceback__),
            extra={"request_type": getattr(envelope.request, "object_type", None)},
        )
        apology = escape(apology_line(getattr(envelope.request, "locale", None)))
        # A fresh response: whatever the failed reply had put on the builder (a reprompt, a directive) is dropped.
        response = Response(output_speech=SsmlOutputSpeech(ssml=f"<speak>{apology}</speak>"), should_end_session=True)
        RequestLog().after(handler_input, response)  # failed requests get their request line too
        return response


def apology_line(locale: str | None) -> str:
    """The apology in the request's language, else in the default one: the apology itself must not fail."""
    try:
        content = load_content(locale or "")
    except ContentError:
        content = load_content(DEFAULT_LOCALE)
    return content.section("narrator").lines.variants("apology")[0]


# Distress and a safety disclosure are logged like any other request, under the intent a stray word is logged
# with: on a home server the partner who runs it must not read in the logs that either was said.
LOGGED_AS = {intents.SAFETY: intents.HEARD_SOMETHING, intents.DISTRESS: intents.HEARD_SOMETHING}


class RequestLog:
    """Logs each request once with its id, type, intent, pseudonymous household and timing."""

    def before(self, handler_input: HandlerInput) -> None:
        handler_input.attributes_manager.request_attributes["_started"] = time.perf_counter()

    def after(self, handler_input: HandlerInput, response: Response | None) -> None:
        envelope = handler_input.request_envelope
        request = envelope.request
        system = envelope.context.system if envelope.context else None
        started = handler_input.attributes_manager.request_attributes.get("_started")
        if not isinstance(started, float):  # before() did not run
            started = time.perf_counter()
        intent = getattr(getattr(request, "intent", None), "name", None)
        intent = LOGGED_AS.get(intent, intent) if intent else intent
        linked_user = system.user if system else None
        get_logger().info(
            "request handled",
            extra={
                "request_id": getattr(request, "request_id", None),
                "request_type": getattr(request, "object_type", None),
                "intent": intent,
                "household": pseudonym(linked_user.user_id) if linked_user else None,
                "ms": round((time.perf_counter() - started) * 1000, 2),
            },
        )
