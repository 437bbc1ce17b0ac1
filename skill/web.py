"""The self-hosted web service: a Flask app serving the skill at POST /alexa through flask-ask-sdk."""

from __future__ import annotations

import json
import os
from typing import Any

from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, jsonify, request

from skill.alexa.skill import build_skill, expected_skill_id
from skill.logs import get_logger
from skill.sdk_compat import ensure_flask_ask_sdk_importable
from skill.signature import AlexaSignatureVerifier, AlexaTimestampVerifier, AlexaVerificationError

VERIFY_ENV = "OUR_RITUALS_VERIFY_REQUESTS"
MAX_BODY_BYTES = 256 * 1024


class SkillIdVerifier:
    """Refuses requests for any skill but ours (when `SKILL_ID` is set)."""

    def __init__(self, skill_id: str | None) -> None:
        self.skill_id = skill_id

    def verify(self, headers: Any, serialized_request_env: str, deserialized_request_env: Any) -> None:
        from skill.alexa.skill import envelope_skill_id

        if self.skill_id and envelope_skill_id(deserialized_request_env) != self.skill_id:
            raise AlexaVerificationError("request is for another skill")


def _verification_wanted(verify_requests: bool | None) -> bool:
    if verify_requests is not None:
        return verify_requests
    return os.environ.get(VERIFY_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def create_app(*, verify_requests: bool | None = None, verifiers: list[Any] | None = None) -> Flask:
    """The Flask app. Signature and timestamp checks are ON unless `verify_requests=False`
    (or OUR_RITUALS_VERIFY_REQUESTS=0) for local development; `verifiers` replaces them in tests."""
    ensure_flask_ask_sdk_importable()
    from flask_ask_sdk.skill_adapter import (
        VERIFY_SIGNATURE_APP_CONFIG,
        VERIFY_TIMESTAMP_APP_CONFIG,
        SkillAdapter,
    )

    # Our JSON handler goes on the app's logger ("our_rituals") first, so Flask never adds its plain-text one,
    # whose tracebacks would print exception messages, and flask-ask-sdk's hold whole request bodies.
    get_logger()
    app = Flask("our_rituals")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    # The SDK's own verifiers are replaced by ours (see skill.signature and skill.sdk_compat).
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = False
    skill_id = expected_skill_id()
    if verifiers is None:
        verifiers = [AlexaSignatureVerifier(), AlexaTimestampVerifier()] if _verification_wanted(verify_requests) else []
    skill = build_skill()
    adapter = SkillAdapter(
        skill=skill,
        skill_id=skill_id or "our-rituals",
        verifiers=[SkillIdVerifier(skill_id), *verifiers],
        app=app,
    )

    @app.post("/alexa")
    def alexa() -> Any:
        if not _readable_request(skill, request.get_data(cache=True)):
            return jsonify(error="not an Alexa request"), 400
        return adapter.dispatch_request()

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok")

    return app


def _readable_request(skill: Any, body: bytes) -> bool:
    """UTF-8 JSON with a typed request object that the SDK can read: anything else is refused before the SDK sees it.

    flask-ask-sdk reads the body (as strict UTF-8) before any verifier runs and answers 500 when it
    cannot, so a body it would choke on is refused here, as the 400 Alexa's rules ask for.
    """
    try:
        text = body.decode("utf-8")
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
    if not (isinstance(data, dict) and isinstance(data.get("request"), dict) and isinstance(data["request"].get("type"), str)):
        return False
    try:
        skill.serializer.deserialize(payload=text, obj_type=RequestEnvelope)
    except Exception:  # the SDK's SerializationException, or anything its model constructors raise
        return False
    return True
