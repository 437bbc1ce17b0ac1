"""AWS Lambda entry point: `handler(event, context)` answers one Alexa request.

The heavy lifting happens here, at import, which is Lambda's init phase: with `SKILL_TABLE` set,
botocore is imported and the DynamoDB client made; the skill is built with every handler; the
default locale's content, which every request uses, is loaded.
The first invoke then does only its own request's work. `python -m bench` times the two phases
apart, as Lambda reports them (Init Duration, then Duration), and their sum.

Init loads the whole application once: the SDK's models, botocore's service data, our modules. None of
it is garbage, yet Python's cyclic collector would sweep over it dozens of times while it loads (about
4 ms of a cold start on the embedded store, 15 ms with botocore). So collection is off while init runs,
and what init made is then frozen out of every later collection (`gc.freeze()`, as for an application
loaded once before it serves), which also spares each request's collections from walking it. The few
dozen objects (a few hundred with botocore) that init leaves as garbage stay frozen with it.
"""

from __future__ import annotations

import gc

_collecting = gc.isenabled()
gc.disable()  # until init is done (see above)
try:
    import os
    from typing import Any

    from skill.alexa.skill import build_skill, invoke
    from skill.content import DEFAULT_LOCALE, load_content
    from skill.store import open_store

    if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start":  # set by Lambda for a SnapStart init only
        import skill.snapstart  # noqa: F401  its runtime hooks: re-seed, fresh connections after each restore

    STORE = open_store()
    if os.environ.get("SKILL_TABLE"):
        from skill.store.dynamodb import DynamoDBStore

        if isinstance(STORE, DynamoDBStore):
            STORE.client  # noqa: B018  made now, not on the first call: botocore imported, service model loaded
    SKILL = build_skill(open_store_fn=lambda: STORE)
    load_content(DEFAULT_LOCALE)
finally:
    gc.freeze()
    if _collecting:
        gc.enable()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return invoke(SKILL, event)
