"""The facts of one Alexa request the engine needs, read once from the SDK's types."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest

from skill.record import Record
from skill.timestamps import alexa_time

# Alexa sends context.System.person (a recognised voice, for "I'm Maya") only to a skill whose manifest asks
# for this ("Skills Personalization"); `our-rituals ask-package` declares it from here (docs/ARCHITECTURE.md).
PERSON_ID_SCOPE = "alexa::person_id:read"
MANIFEST_PERMISSIONS = (PERSON_ID_SCOPE,)


class RequestFacts(Record):
    """What the engine needs of one request."""

    request_id: str
    locale: str | None
    now: datetime
    user_id: str | None
    person_id: str | None
    intent: str | None
    slots: dict[str, str | None]
    session: dict[str, Any]


def _slot_value(slot: Any) -> str | None:
    """A slot's value: the canonical id of a matched custom value, else what Alexa heard."""
    resolutions = getattr(slot, "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
        # Imported only when a slot was resolved (the SDK has loaded it by then): not on every cold start.
        from ask_sdk_model.slu.entityresolution import StatusCode

        status = getattr(getattr(authority, "status", None), "code", None)
        if status == StatusCode.ER_SUCCESS_MATCH and authority.values:
            value = authority.values[0].value
            return str(value.id or value.name)
    value = getattr(slot, "value", None)
    return str(value) if value not in (None, "") else None


def read_facts(handler_input: HandlerInput) -> RequestFacts:
    envelope = handler_input.request_envelope
    request = envelope.request
    assert request is not None, "no handler runs for an envelope without a request"
    system = envelope.context.system if envelope.context else None
    user = system.user if system else None
    person = system.person if system else None
    now = alexa_time(request.timestamp) or datetime.now(timezone.utc)
    intent_name = None
    slots: dict[str, str | None] = {}
    if isinstance(request, IntentRequest) and request.intent is not None:
        intent_name = request.intent.name
        for name, slot in (request.intent.slots or {}).items():
            slots[name] = _slot_value(slot)
    return RequestFacts(
        request_id=request.request_id or "",
        locale=request.locale,
        now=now,
        user_id=user.user_id if user else None,
        person_id=person.person_id if person else None,
        intent=intent_name,
        slots=slots,
        session=dict(handler_input.attributes_manager.session_attributes or {}) if envelope.session else {},
    )
