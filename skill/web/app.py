"""The self-hosted web service: a Flask app serving the ask-sdk skill at POST /alexa, cheapest checks first.

Our checks run on the raw request (size, headers, certificate URL, the timestamp from a minimal parse, then the
signature, the only step that may download); then flask-ask-sdk's SkillAdapter deserializes the envelope once,
runs the checks that need it (the skill id) and dispatches to the same skill Lambda runs.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from flask import Flask, Response, jsonify, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import InternalServerError

from skill.alexa.handlers import DeletionDeferred
from skill.alexa.serializer import AlexaSerializer
from skill.alexa.skill import build_skill, envelope_skill_id, expected_skill_id
from skill.logs import get_logger, quiet_request_logging
from skill.web.replay import WAIT_SECONDS, AnsweredRequests
from skill.web.signature import (
    SKILL_EVENT_TOLERANCE,
    SKILL_EVENT_TYPES,
    TIMESTAMP_TOLERANCE,
    AlexaSignatureVerifier,
    AlexaTimestampVerifier,
    AlexaVerificationError,
)

VERIFY_ENV = "OUR_RITUALS_VERIFY_REQUESTS"
MAX_BODY_BYTES = 256 * 1024


class SkillIdVerifier:
    """Refuses requests for any skill but ours (when `SKILL_ID` is set)."""

    def __init__(self, skill_id: str | None) -> None:
        self.skill_id = skill_id

    def verify(self, headers: Any, serialized_request_env: str, deserialized_request_env: Any) -> None:
        if self.skill_id and envelope_skill_id(deserialized_request_env) != self.skill_id:
            raise AlexaVerificationError("request is for another skill")


class _UnreadableEnvelopeIsNoError(logging.Filter):
    """flask-ask-sdk logs an envelope its model cannot read as an ERROR with a traceback; `_answer` refuses it as a
    400, like every other bad request, which are not logged: anyone could otherwise fill the disk with ERROR lines.
    Known by its message and the traceback's first frame (flask-ask-sdk's dispatch, where it caught the error): the
    skill's logger does not look up the file a line was logged from (skill/logs.py)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg != "Skill dispatch exception" or not record.exc_info or record.exc_info[2] is None:
            return True
        return "flask_ask_sdk" not in record.exc_info[2].tb_frame.f_code.co_filename


class _JsonProvider(DefaultJSONProvider):
    """Flask's own JSON with the encoder for compact answers built once: json.dumps builds a new one on every call
    with Flask's settings (sorted keys, ASCII, its `default`). The same text; other arguments go Flask's way."""

    def __init__(self, app: Flask) -> None:
        super().__init__(app)
        self._compact = json.JSONEncoder(
            default=self.default, ensure_ascii=self.ensure_ascii, sort_keys=self.sort_keys, separators=(",", ":")
        ).encode

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if kwargs.keys() == {"separators"} and kwargs["separators"] == (",", ":"):
            return self._compact(obj)
        return super().dumps(obj, **kwargs)


def _verification_wanted(verify_requests: bool | None) -> bool:
    if verify_requests is not None:
        return verify_requests
    return os.environ.get(VERIFY_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def create_app(*, verify_requests: bool | None = None, verifiers: list[Any] | None = None) -> Flask:
    """The Flask app. Signature and timestamp checks are ON unless `verify_requests=False`
    (or OUR_RITUALS_VERIFY_REQUESTS=0) for local development; `verifiers` replaces them in tests."""
    # Our JSON handler goes on the app's logger ("our_rituals") first, so Flask never adds its plain-text one,
    # whose tracebacks would print exception messages.
    log = get_logger()
    quiet_request_logging()
    if not any(isinstance(each, _UnreadableEnvelopeIsNoError) for each in log.filters):
        log.addFilter(_UnreadableEnvelopeIsNoError())
    # No static route: Flask would otherwise serve files from a "static" folder beside the code.
    app = Flask("our_rituals", static_folder=None)
    app.json = _JsonProvider(app)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    skill_id = expected_skill_id()
    verifying = verifiers is None and _verification_wanted(verify_requests)
    if verifiers is None:
        verifiers = [AlexaSignatureVerifier(), AlexaTimestampVerifier()] if verifying else []
    if verifiers and not skill_id:
        log.warning("SKILL_ID is not set: signed requests for any Alexa skill will be answered")
    checks = [SkillIdVerifier(skill_id), *verifiers]
    skill = build_skill()
    adapter = _skill_adapter(
        app, skill, skill_id, [c for c in checks if not getattr(c, "before_deserialization", False)]
    )
    answered = AnsweredRequests()

    @app.post("/alexa")
    def alexa() -> Any:
        return _answer(adapter, skill.serializer, checks, request, answered)

    stores: list[Any] = []  # opened on the first health check: the app itself never needs a store of its own

    @app.get("/health")
    def health() -> Any:
        from skill.store import open_store
        from skill.web.health import store_problem

        if not stores:
            stores.append(open_store())
        problem = store_problem(stores[0])
        if problem is None:
            return jsonify(status="ok")
        log.warning("health check failed", extra={"problem": problem})
        return jsonify(status="unavailable", problem=problem), 503

    return app


def _skill_adapter(app: Flask, skill: Any, skill_id: str | None, verifiers: list[Any]) -> Any:
    """flask-ask-sdk's adapter for the skill: it deserializes once, runs `verifiers` on the envelope and dispatches.

    The SDK's own signature and timestamp verifiers stay off: ours ran on the raw body before it (see `_answer`).
    """
    from skill.web.sdk_compat import ensure_flask_ask_sdk_importable

    ensure_flask_ask_sdk_importable()
    from flask_ask_sdk.skill_adapter import VERIFY_SIGNATURE_APP_CONFIG, VERIFY_TIMESTAMP_APP_CONFIG, SkillAdapter

    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = False
    return SkillAdapter(skill=skill, skill_id=skill_id or "our-rituals", verifiers=verifiers, app=app)


def _answer(
    adapter: Any, serializer: AlexaSerializer, checks: list[Any], http_request: Any, answered: AnsweredRequests
) -> Any:
    """One Alexa request, cheapest checks first: size, headers and certificate URL, then the JSON and its
    timestamp, then the signature (the only step that may download), then ONE deserialization and the skill.
    The body is parsed once: the adapter's deserialization reads the parse the early checks made.
    A request id answered already within its window gets that answer again (skill/web/replay.py)."""
    length = http_request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        return jsonify(error="request too large"), 413
    headers = http_request.headers
    for check in checks:
        if hasattr(check, "precheck"):
            check.precheck(headers)
    body: bytes = http_request.get_data()  # kept: the adapter reads the same bytes
    parsed = _minimal_parse(body)
    if parsed is None:
        return jsonify(error="not an Alexa request"), 400
    text, data = parsed
    for check in checks:
        if hasattr(check, "precheck_body"):
            check.precheck_body(headers, data)
    for check in checks:
        if getattr(check, "before_deserialization", False):
            check.verify(headers, body, None)
    request_id = data["request"].get("requestId")
    if not isinstance(request_id, str) or not request_id:
        with serializer.parsed(text, data):
            return _dispatch(adapter)
    first = answered.claim(request_id, _replay_window_seconds(data))
    if first is not None:  # the same request again, within its window: its first answer, not a second application
        first.done.wait(WAIT_SECONDS)
        if first.status != 200:
            return jsonify(error="try again later"), 503
        return Response(first.body, status=200, mimetype="application/json")
    try:
        with serializer.parsed(text, data):
            response = _dispatch(adapter)
    except BaseException:
        answered.release(request_id)
        raise
    if isinstance(response, Response) and response.status_code == 200:
        answered.answered(request_id, 200, response.get_data())
    else:
        answered.release(request_id)
    return response


def _replay_window_seconds(data: dict[str, Any]) -> float:
    """A request passes the timestamp check from `tolerance` before its timestamp to `tolerance` after."""
    tolerance = SKILL_EVENT_TOLERANCE if data["request"].get("type") in SKILL_EVENT_TYPES else TIMESTAMP_TOLERANCE
    return 2 * tolerance.total_seconds()


def _dispatch(adapter: Any) -> Any:
    """The skill's answer; a deferred deletion is a 503 and an envelope the SDK cannot read a 400."""
    try:
        return adapter.dispatch_request()
    except DeletionDeferred:
        # A skill event we could not act on yet: not a success, so Alexa may deliver it again.
        return jsonify(error="try again later"), 503
    except InternalServerError:
        # The adapter's answer to an AskSdkException. The skill itself never raises (KindSkill turns every
        # failure into a spoken apology), so this is an envelope the SDK's model cannot read: a bad request.
        return jsonify(error="not an Alexa request"), 400


def _minimal_parse(body: bytes) -> tuple[str, dict[str, Any]] | None:
    """The body's text and its JSON, if it is UTF-8 JSON with a typed request object; None (refused before the SDK
    sees it) for anything else."""
    try:
        text = body.decode("utf-8")
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not (
        isinstance(data, dict)
        and isinstance(data.get("request"), dict)
        and isinstance(data["request"].get("type"), str)
    ):
        return None
    return text, data
