"""The Echo Show widget, Alexa's side: which devices have it (the data store package events), and keeping what it
shows current (skill/engine/widget.py decides it; skill/alexa/datastore.py pushes it).

- `Alexa.DataStore.PackageManager.UsagesInstalled` / `UsagesRemoved`: a couple added or removed the widget; we
  keep the instance ids and a digest of what was last sent (nothing else) under household.rituals["widget"],
  and push its data on install.
- After any request whose reply changed what the widget shows (tonight's question, the jar, the check-in day),
  the new data goes to the data store, once the household is saved.
- `UpdateRequest`, `InstallationError` and `Alexa.DataStore.Error` are logged (without ids) and answered empty.
"""

from __future__ import annotations

import json
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.household import Household
from skill.logs import get_logger
from skill.state import household_key

PACKAGE_ID = "OurRitualsWidget"
NAMESPACE, KEY = "our_rituals", "widget"
DATASTORE_EXTENSION = "alexaext:datastore:10"
STATE = "widget"
MAX_INSTANCES = 20
# The interfaces a widget needs, declared in the manifest from here (skill/deploy/ask_package.py).
MANIFEST_INTERFACES = ("ALEXA_DATASTORE_PACKAGEMANAGER", "ALEXA_DATA_STORE", "ALEXA_EXTENSION")
MANIFEST_INTERFACE_FIELDS: dict[str, dict[str, Any]] = {
    "ALEXA_DATASTORE_PACKAGEMANAGER": {"packages": [{"id": PACKAGE_ID}]},
    # Amazon's "APL Data Store Extension" page: requested in the manifest, no auto-initialized settings.
    "ALEXA_EXTENSION": {"requestedExtensions": [{"uri": DATASTORE_EXTENSION}]},
}
INSTALLED = "Alexa.DataStore.PackageManager.UsagesInstalled"
REMOVED = "Alexa.DataStore.PackageManager.UsagesRemoved"


def installed(household: Household) -> bool:
    state = household.peek_ritual(STATE)
    return isinstance(state, dict) and bool(state.get("instances"))


def _instances(household: Household) -> list[str]:
    state = household.ritual_state(STATE)
    found = state.get("instances")
    if not isinstance(found, list):
        found = state["instances"] = []
    return found


def shown(household: Household, content: Any, today: Any) -> dict[str, Any] | None:
    """What the widget shows for this household, or None when no device of theirs has it."""
    if not installed(household):
        return None
    from skill.engine.widget import view

    return view(household, content, today)


def due(household: Household, content: Any, today: Any) -> dict[str, Any] | None:
    """What the widget should show, when it differs from what was last sent (a digest of it is kept, so a new day
    that turns "tonight's question" back into "ask me for one" is noticed too); None when nothing is to send."""
    data = shown(household, content, today)
    if data is None:
        return None
    from skill.digest import sha256_hex

    digest = sha256_hex(json.dumps(data, sort_keys=True))[:16]
    state = household.ritual_state(STATE)
    if state.get("shown") == digest:
        return None
    state["shown"] = digest
    return data


def push(api_endpoint: str | None, user_id: str | None, data: dict[str, Any], budget: Any) -> bool:
    if not api_endpoint or not user_id:
        return False
    from skill.alexa.datastore import put_object

    return put_object(api_endpoint, user_id, NAMESPACE, KEY, data, budget)


class WidgetEventHandler(AbstractRequestHandler):
    """The data store's requests: a widget installed or removed, an update, an error. Always an empty answer."""

    def __init__(self, services: Any) -> None:
        self.services = services

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return str(getattr(handler_input.request_envelope.request, "object_type", "")).startswith("Alexa.DataStore.")

    def handle(self, handler_input: HandlerInput) -> Response:
        envelope = handler_input.request_envelope
        request = envelope.request
        kind = str(getattr(request, "object_type", ""))
        payload = getattr(request, "payload", None)
        if kind not in (INSTALLED, REMOVED) or getattr(payload, "package_id", None) != PACKAGE_ID:
            get_logger().info("data store request", extra={"request_type": kind})
            return handler_input.response_builder.response
        system = envelope.context.system if envelope.context else None
        user_id = system.user.user_id if system and system.user else None
        if not user_id:
            return handler_input.response_builder.response
        ids = [str(u.instance_id) for u in (getattr(payload, "usages", None) or []) if getattr(u, "instance_id", None)]
        from skill.alexa.api import CallBudget
        from skill.alexa.request import read_facts
        from skill.content import load_content

        facts = read_facts(handler_input)
        content = load_content(facts.locale or "")

        def change(household: Household) -> dict[str, Any] | None:
            instances = _instances(household)
            for instance in ids:
                if kind == INSTALLED and instance not in instances:
                    instances.append(instance)
                elif kind == REMOVED and instance in instances:
                    instances.remove(instance)
            del instances[:-MAX_INSTANCES]
            if not instances:
                household.rituals.pop(STATE, None)
                return None
            if kind == REMOVED:
                return None
            household.ritual_state(STATE).pop("shown", None)  # a new device shows nothing yet: send it all
            return due(household, content, facts.now.astimezone(_zone(household.time_zone)).date())

        data, saved = self.services.households.attempt(household_key(user_id), int(facts.now.timestamp()), change)
        get_logger().info("widget usages", extra={"request_type": kind, "instances": len(ids)})
        if data is not None and saved:
            push(getattr(system, "api_endpoint", None), user_id, data, CallBudget())
        return handler_input.response_builder.response


def _zone(name: str | None) -> Any:
    from skill.engine.turn import _zone as zone

    return zone(name)
