"""The longevity bench's web floor: a hello-world skill on flask-ask-sdk, as its documentation writes one."""

from __future__ import annotations

from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import is_request_type
from flask import Flask


class LaunchHandler(AbstractRequestHandler):
    def can_handle(self, handler_input: Any) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: Any) -> Any:
        return handler_input.response_builder.speak("Hello, world.").set_should_end_session(True).response


def create_app() -> Flask:
    from skill.web.sdk_compat import ensure_flask_ask_sdk_importable

    ensure_flask_ask_sdk_importable()
    from flask_ask_sdk.skill_adapter import VERIFY_SIGNATURE_APP_CONFIG, VERIFY_TIMESTAMP_APP_CONFIG, SkillAdapter

    builder = SkillBuilder()
    builder.add_request_handler(LaunchHandler())
    app = Flask("hello")
    app.config.update({VERIFY_SIGNATURE_APP_CONFIG: False, VERIFY_TIMESTAMP_APP_CONFIG: False})
    adapter = SkillAdapter(skill=builder.create(), skill_id="hello", verifiers=[], app=app)
    app.add_url_rule("/alexa", "alexa", adapter.dispatch_request, methods=["POST"])
    return app
