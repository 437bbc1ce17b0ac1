"""The floor as a web service: the floor skill behind flask-ask-sdk's SkillAdapter, verified like ours."""

from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(*, verifiers: list[Any]) -> Flask:
    """POST /alexa answers with the floor skill; `verifiers` are the same request checks the project runs."""
    from skill.web.sdk_compat import ensure_flask_ask_sdk_importable

    ensure_flask_ask_sdk_importable()
    from flask_ask_sdk.skill_adapter import VERIFY_SIGNATURE_APP_CONFIG, VERIFY_TIMESTAMP_APP_CONFIG, SkillAdapter

    from bench.floor.app import _builder

    app = Flask("floor")
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = False
    adapter = SkillAdapter(skill=_builder.create(), skill_id="floor", verifiers=verifiers, app=app)
    app.add_url_rule("/alexa", "alexa", adapter.dispatch_request, methods=["POST"])
    return app
