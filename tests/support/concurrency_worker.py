"""One Echo in a busy home, as its own process: waits for the starting signal, then talks to the Lambda handler.

Run by tests/operations/test_concurrency.py as `python -m tests.support.concurrency_worker '<json>'`; prints one JSON line:
what each request answered (plain text). The store comes from the environment (SQLite file or DynamoDB Local).
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.conftest import load_lambda_app
from tests.support.conversation import Couple

# Alexa's deadlines (a write's retries within 4.5 s, a DynamoDB call within 1 s, a SQLite lock within 2 s) are
# the product's answer to a couple waiting 8 s; they are not what this test is about. On a loaded 2-core
# machine sixteen processes and DynamoDB Local can take longer than that for reasons that are not the
# product's, and the couple would hear an honest "not saved". So the store here gets as long as it needs,
# bounded by the test's subprocess timeout, and the test checks what matters: nothing heard is lost.
PATIENT_SECONDS = 300.0
START_WAIT_SECONDS = (
    600  # a bound so a lost starting signal ends the writer; sixteen starting on a loaded machine take a while
)


def store_time_limits() -> list[tuple[Any, str]]:
    """(module, name) of each of the store's time limits: the write's retries, a DynamoDB call, a SQLite lock."""
    import skill.state
    import skill.store.dynamodb
    import skill.store.sqlite

    return [(skill.state, "WRITE_BUDGET_SECONDS"), (skill.store.dynamodb, "CONNECT_TIMEOUT_SECONDS"),
            (skill.store.dynamodb, "READ_TIMEOUT_SECONDS"), (skill.store.sqlite, "BUSY_TIMEOUT_SECONDS")]  # fmt: skip


def give_the_store_time() -> None:
    """Lift the store's time limits in this process (before the Lambda app makes its store and client)."""
    for module, name in store_time_limits():
        setattr(module, name, PATIENT_SECONDS)


def main(job: dict[str, Any]) -> None:
    give_the_store_time()
    app = load_lambda_app()
    couple = Couple(send=lambda event: app.handler(event, None), user_id=job["user_id"])
    couple.now = datetime.fromisoformat(job["now"])
    Path(job["ready"]).touch()
    go = Path(job["go"])
    deadline = time.monotonic() + START_WAIT_SECONDS
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("no starting signal")
        time.sleep(0.002)
    heard = []
    for name, slots in job["requests"]:
        heard.append(couple.intent(name, one_shot=True, **slots).text)
    print(json.dumps(heard))


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
