"""The routine offer, Alexa's side: the directive that has Alexa offer a couple a routine that starts one of our
tasks, and the answer Alexa sends when it is done ("Pre-Built Routine API Reference").

- Offer: `Connections.StartConnection` to `connection://AMAZON.OfferAutomation/1` with `onCompletion`
  RESUME_SESSION; its `automation` has a custom-utterance trigger (up to five phrases, in the couple's locale)
  and one operation, starting our task by a skill connection.
- Answer: a `SessionResumedRequest` whose cause (ConnectionCompleted) carries our token and a status: 200 made,
  204 not made with `result.offerAutomationResponse.reason` (REJECTED_BY_CUSTOMER, AUTOMATION_ALREADY_ENABLED).
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa.conversation import Conversation, Services
from skill.content import Content
from skill.logs import get_logger

OFFER_URI = "connection://AMAZON.OfferAutomation/1"
TOKEN_PREFIX = "routine:"
MAX_UTTERANCES = 5


def offer_directive(ritual: str, skill_id: str, locale: str, content: Content) -> Any:
    """Alexa's routine offer for `ritual`: a phrase of the couple's own starts our task for it."""
    from ask_sdk_model.interfaces.connections.on_completion import OnCompletion
    from ask_sdk_model.interfaces.connections.v1 import StartConnectionDirective

    section = content.section("routines")
    chosen = section.settings["rituals"][ritual]
    task = str(chosen["task"])
    operation_id = f"{task}_{ritual}"
    automation = {
        "trigger": {
            "type": "Alexa.Automation.Trigger.Voice.CustomUtterance",
            "version": "1.0",
            "payload": {"utterances": list(chosen["utterances"])[:MAX_UTTERANCES], "locale": locale},
        },
        "operations": {
            "serial": [
                {
                    "operation": {
                        "type": "Alexa.Automation.Operation.Skill.StartConnection",
                        "version": "1.0",
                        "operationId": operation_id,
                        "payload": {
                            "connectionRequest": {
                                "uri": f"connection://{skill_id}.{task}/1?provider={skill_id}",
                                "input": {},
                            }
                        },
                    }
                }
            ]
        },
    }
    rendering = {
        "operations": {operation_id: {"descriptionPrompt": section.lines.variants(f"description_{ritual}")[0]}}
    }
    return StartConnectionDirective(
        uri=OFFER_URI,
        input={"automation": automation, "renderingData": rendering},
        token=f"{TOKEN_PREFIX}{ritual}",
        on_completion=OnCompletion.RESUME_SESSION,
    )


def outcome(cause: Any) -> str:
    """ "accepted", "declined", "already" or "failed", from the ConnectionCompleted cause."""
    status = getattr(cause, "status", None)
    code = str(getattr(status, "code", "") or "")
    result = getattr(cause, "result", None)
    answer = result.get("offerAutomationResponse") if isinstance(result, dict) else None
    reason = answer.get("reason") if isinstance(answer, dict) else None
    if code == "200":
        return "accepted"
    if code == "204" and reason == "REJECTED_BY_CUSTOMER":
        return "declined"
    if code == "204" and reason == "AUTOMATION_ALREADY_ENABLED":
        return "already"
    return "failed"


class RoutineAnswerHandler(AbstractRequestHandler):
    """Alexa is done offering a routine: say how it went, remember a no."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        token = getattr(getattr(request, "cause", None), "token", None)
        return getattr(request, "object_type", None) == "SessionResumedRequest" and str(token or "").startswith(
            TOKEN_PREFIX
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        from skill.engine import routine_offer

        cause = handler_input.request_envelope.request.cause  # type: ignore[union-attr]
        ritual = str(cause.token)[len(TOKEN_PREFIX) :]
        answer = outcome(cause)
        get_logger().info("routine offer answered", extra={"outcome": answer})
        return Conversation(handler_input, self.services).respond(
            lambda turn: routine_offer.answered(turn, ritual, answer), section=routine_offer.SECTION
        )
