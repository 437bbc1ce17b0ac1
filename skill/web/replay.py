"""Alexa requests already answered, by request id: a signed request sent again is answered, not applied again.

The signature and the 150 s timestamp check let a captured request through for as long as its timestamp is
fresh, so anyone who sees one (a proxy's log, a TLS-terminating box) could replay it and have it applied twice.
Each answered request id is remembered for its timestamp window; a replay gets the first answer again, and a
replay that arrives while the first is still running waits for that answer. Only answers that count are kept
(HTTP 200): a request refused or deferred (503) may be delivered again and is then applied.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

# Far more requests than a household server sees in one window (5 minutes; 2 hours for skill events); each
# remembered answer is a few KiB.
MAX_REMEMBERED = 1024
# How long a replay waits for the first copy's answer: Alexa's own limit.
WAIT_SECONDS = 8.0


@dataclass
class Answer:
    """The first answer to a request id; `done` is set once it is known."""

    expires: float
    done: threading.Event = field(default_factory=threading.Event)
    status: int = 0
    body: bytes = b""


class AnsweredRequests:
    """A bounded memory of request ids and their answers, each kept for its window."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, limit: int = MAX_REMEMBERED) -> None:
        self._clock = clock
        self._limit = limit
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def claim(self, request_id: str, window_seconds: float) -> Answer | None:
        """None: this id is new, so apply it and call `answered` or `release`. Else the first copy's Answer."""
        now = self._now()
        with self._lock:
            while self._answers and next(iter(self._answers.values())).expires <= now:
                self._answers.popitem(last=False)
            known = self._answers.get(request_id)
            if known is not None:
                return known
            while len(self._answers) >= self._limit:
                self._answers.popitem(last=False)
            self._answers[request_id] = Answer(expires=now + window_seconds)
            return None

    def answered(self, request_id: str, status: int, body: bytes) -> None:
        with self._lock:
            answer = self._answers.get(request_id)
        if answer is not None:
            answer.status, answer.body = status, body
            answer.done.set()

    def release(self, request_id: str) -> None:
        """The request was not answered in a way that counts: a later copy of it is applied."""
        with self._lock:
            answer = self._answers.pop(request_id, None)
        if answer is not None:
            answer.done.set()  # a waiting replay finds status 0 and is refused, to be delivered again

    def _now(self) -> float:
        return self._clock()
