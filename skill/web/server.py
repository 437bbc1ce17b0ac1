"""The production web server behind `our-rituals serve`: waitress, with a graceful stop on SIGTERM.

Waitress is pure Python (no C extension, no fork), so the same server runs on a Raspberry Pi, in the
container image and on a laptop, and its threads share one process, which the embedded SQLite store
needs: gunicorn would add worker processes that each open the file, for a skill that two people use.
On SIGTERM (systemd's and Docker's stop signal) or Ctrl-C the server stops accepting connections,
lets every request it has already read finish and be answered, then exits: 0, or 1 if a request was
still unanswered after GRACE_SECONDS.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any, TextIO

DEFAULT_THREADS = 4
# Alexa gives up on an answer after 8 s, and Docker sends SIGKILL 10 s after SIGTERM: a request still
# unanswered after this long is one nobody is waiting for.
GRACE_SECONDS = 8.0
# How long the server's loop sleeps in a poll when nothing happens; a stop signal also wakes it at once.
POLL_SECONDS = 1.0


def serve(
    app: Any,
    *,
    host: str,
    port: int,
    threads: int = DEFAULT_THREADS,
    announce: Callable[[str, int], None] | None = None,
    out: TextIO | None = None,
) -> int:
    """Serve `app` with waitress on host:port (0 picks a free port) until SIGTERM or SIGINT; returns the exit code.

    `announce(host, port)` is called once the socket listens, with the port actually bound.
    """
    from waitress.channel import HTTPChannel
    from waitress.server import BaseWSGIServer, create_server
    from waitress.wasyncore import close_all, dispatcher, loop

    from skill.web.app import MAX_BODY_BYTES

    out = out or sys.stdout
    _log_like_the_skill()
    socket_map: dict[int, Any] = {}
    # A body larger than any Alexa request is refused (413) as it arrives, before waitress spools it to disk.
    server = create_server(app, map=socket_map, host=host, port=port, threads=threads, max_request_body_size=MAX_BODY_BYTES)
    listeners = [each for each in socket_map.values() if isinstance(each, BaseWSGIServer)]
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()
        listeners[0].pull_trigger()  # wake the poll now rather than at its next timeout

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        if announce is not None:
            announce(listeners[0].effective_host, int(listeners[0].effective_port))
        while not stop.is_set():
            loop(timeout=POLL_SECONDS, map=socket_map, use_poll=True, count=1)

        # Stop: no new connections; every request already read is answered; idle connections are closed.
        for listener in listeners:
            dispatcher.close(listener)  # the listening socket only (the wake-up trigger stays open)
        deadline = time.monotonic() + GRACE_SECONDS
        unfinished = in_flight = -1
        while True:
            channels = [each for each in socket_map.values() if isinstance(each, HTTPChannel)]
            busy = [c for c in channels if c.requests or c.request is not None or c.total_outbufs_len]
            in_flight = len(busy) if in_flight < 0 else in_flight
            for channel in channels:
                if channel not in busy:
                    channel.will_close = True  # closed by the loop's next pass
            if not channels or time.monotonic() >= deadline:
                unfinished = len(busy)
                break
            loop(timeout=0.05, map=socket_map, use_poll=True, count=1)
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=max(0.0, deadline - time.monotonic()))
        close_all(socket_map)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if unfinished > 0:
        print(f"Our Rituals stopped; {unfinished} request(s) were still unanswered after {GRACE_SECONDS:g} s.", file=out, flush=True)
        return 1
    print(f"Our Rituals stopped cleanly: every request it had received was answered ({in_flight} in flight at the stop).",
          file=out, flush=True)  # fmt: skip
    return 0


def _log_like_the_skill() -> None:
    """Waitress's own warnings ("Task queue depth is 3") and errors go out as the skill's JSON lines, which also
    leave out exception messages (they may quote a request); otherwise they would print as bare text."""
    from skill.logs import get_logger

    server_log = logging.getLogger("waitress")
    server_log.handlers = list(get_logger().handlers)
    server_log.setLevel(logging.WARNING)
    server_log.propagate = False
