"""The RenderDocument directive for a reply, added only when it keeps the response inside Alexa's size limit."""

from __future__ import annotations

import json
from typing import Any, cast

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import Response
from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

from skill.alexa.request import read_facts
from skill.content import load_content
from skill.engine.script import Reply
from skill.household import Household
from skill.logs import get_logger
from skill.screen import HOUSEHOLD, REPLY
from skill.screen.documents import document, screen_text
from skill.screen.views import Shown, choose
from skill.speech.limits import MAX_RESPONSE_BYTES

TOKEN_PREFIX = "our-rituals."


def directive_for(view: Shown) -> RenderDocumentDirective:
    return RenderDocumentDirective(
        token=TOKEN_PREFIX + view.document, document=document(view.document), datasources=view.data
    )


def add_screen(handler_input: HandlerInput, response: Response) -> None:
    """Attach the screen for the reply this request produced (if any) to `response`."""
    attributes = handler_input.attributes_manager.request_attributes
    reply, household = attributes.get(REPLY), attributes.get(HOUSEHOLD)
    if not isinstance(reply, Reply) or not isinstance(household, Household):
        return  # no engine reply (repeat, an apology, an event): the screen stays as it is
    facts = read_facts(handler_input)
    content = load_content(facts.locale or "")
    view = choose(reply, household, content, screen_text(content.locale), facts.now)
    if view is None:
        return
    directive = directive_for(view)
    serializer = DefaultSerializer()
    body = cast(dict[str, Any], serializer.serialize(response))  # a Response always serializes to a dict
    body["directives"] = [*body.get("directives", []), serializer.serialize(directive)]
    envelope = {
        "version": "1.0",
        "sessionAttributes": handler_input.attributes_manager.session_attributes,
        "response": body,
    }
    size = len(json.dumps(envelope, separators=(",", ":")).encode("utf-8"))
    if size > MAX_RESPONSE_BYTES:
        # Speech matters more than pictures: the couple still hears everything, the screen keeps what it had.
        get_logger().warning("screen left out: response too large", extra={"document": view.document, "bytes": size})
        return
    response.directives = [*(response.directives or []), directive]
