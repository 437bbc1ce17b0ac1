"""The floor: the smallest skill on the same ask-sdk-core, answering a LaunchRequest with one line.

Whatever our skill costs above this is ours; this much is the SDK's. Written the way the ASK SDK's
hello-world sample is, with a module-level `handler(event, context)` like lambda/app.py's.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response


class LaunchHandler(AbstractRequestHandler):
    """Speaks one line and ends the session."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.speak("Hello from the floor.").set_should_end_session(True).response


_builder = SkillBuilder()
_builder.add_request_handler(LaunchHandler())
_lambda_handler = _builder.lambda_handler()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return _lambda_handler(event, context)  # type: ignore[no-any-return]
