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
# Connections held open at once, by everyone together (waitress's default is 100, which 99 idle sockets
# from one stranger would fill). Each costs a file descriptor and a few KiB, not a thread.
CONNECTION_LIMIT = 500
# Connections held open at once from one address: well above what Alexa (or the Caddy in front) needs, well below
# CONNECTION_LIMIT, so one greedy or slow client cannot take the server from everyone else.
CONNECTIONS_PER_CLIENT = 32
# A connection with no complete request that has been silent this long is closed (waitress's default: 120 s).
# An Alexa request arrives whole in well under a second; an idle keep-alive connection is reopened when needed.
CHANNEL_TIMEOUT_SECONDS = 15
# How often waitress looks for such connections.
CLEANUP_INTERVAL_SECONDS = 5


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
    server = create_server(app, map=socket_map, host=host, port=port, threads=threads, max_request_body_size=MAX_BODY_BYTES,
                           connection_limit=CONNECTION_LIMIT, channel_timeout=CHANNEL_TIMEOUT_SECONDS,
                           cleanup_interval=CLEANUP_INTERVAL_SECONDS)  # fmt: skip
    listeners = [each for each in socket_map.values() if isinstance(each, BaseWSGIServer)]
    for listener in listeners:
        _cap_connections_per_client(listener, CONNECTIONS_PER_CLIENT)
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
        print(
            f"Our Rituals stopped; {unfinished} request(s) were still unanswered after {GRACE_SECONDS:g} s.",
            file=out,
            flush=True,
        )
        return 1
    print(f"Our Rituals stopped cleanly: every request it had received was answered ({in_flight} in flight at the stop).",
          file=out, flush=True)  # fmt: skip
    return 0


def _cap_connections_per_client(listener: Any, cap: int) -> None:
    """Waitress has no per-client limit: a connection from an address that already holds `cap` is closed at once."""
    from waitress.channel import HTTPChannel

    make_channel = listener.channel_class

    def channel_or_refusal(server: Any, connection: Any, address: Any, adjustments: Any, map: dict[int, Any]) -> Any:  # noqa: A002
        client = _client_of(address)
        held = sum(1 for each in map.values() if isinstance(each, HTTPChannel) and _client_of(each.addr) == client)
        if client is not None and held >= cap:
            connection.close()
            return None
        return make_channel(server, connection, address, adjustments, map=map)

    listener.channel_class = channel_or_refusal


def _client_of(address: Any) -> str | None:
    """The client's IP address (None for a Unix socket, whose peers are all local)."""
    return address[0] if isinstance(address, tuple) and address else None


def _log_like_the_skill() -> None:
    """Waitress's own warnings ("Task queue depth is 3") and errors go out as the skill's JSON lines, which also
    leave out exception messages (they may quote a request); otherwise they would print as bare text."""
    from skill.logs import get_logger

    server_log = logging.getLogger("waitress")
    server_log.handlers = list(get_logger().handlers)
    server_log.setLevel(logging.WARNING)
    server_log.propagate = False
