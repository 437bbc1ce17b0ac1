"""One Echo in a busy home, as its own process: waits for the starting signal, then talks to the Lambda handler.

Run by tests/test_concurrency.py as `python -m tests.concurrency_worker '<json>'`; prints one JSON line:
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
from tests.conversation import Couple

START_WAIT_SECONDS = 120


def main(job: dict[str, Any]) -> None:
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
