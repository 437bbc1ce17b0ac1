"""AWS Lambda entry point: `handler(event, context)` answers one Alexa request.

The heavy lifting happens here, at import, which is Lambda's init phase: with `SKILL_TABLE` set,
botocore is imported and the DynamoDB client made; the skill is built with every handler; the
default locale's content, which every request uses, is loaded.
The first invoke then does only its own request's work. `python -m bench` times the two phases
apart, as Lambda reports them (Init Duration, then Duration), and their sum.
"""

from __future__ import annotations

import os
from typing import Any

from skill.alexa.skill import build_skill, invoke
from skill.content import DEFAULT_LOCALE, load_content
from skill.store import HouseholdStore, open_store

if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start":  # set by Lambda for a SnapStart init only
    import skill.snapstart  # noqa: F401  its runtime hooks: re-seed, fresh connections after each restore


def _open_store() -> HouseholdStore:
    """The store the environment asks for, ready to use: a DynamoDB store gets its client now, not on the first call."""
    store = open_store()
    if os.environ.get("SKILL_TABLE"):
        from skill.store.dynamodb import DynamoDBStore

        if isinstance(store, DynamoDBStore):
            store.client  # noqa: B018  (made on first access: botocore imported, service model loaded)
    return store


STORE = _open_store()
SKILL = build_skill(open_store_fn=lambda: STORE)
load_content(DEFAULT_LOCALE)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return invoke(SKILL, event)
